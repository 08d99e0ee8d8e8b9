"""The community's vocabularies (MISP taxonomies) stored as terms the pages and API can list."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.orm import Session

from cyberdiplomacy.knowledge import vocabulary
from cyberdiplomacy.knowledge.models import VocabularyTerm
from cyberdiplomacy.progress import Progress, Silent


def import_vocabularies(session: Session, progress: Progress | None = None) -> int:
    """Replace the stored terms of every taxonomy the workbench uses; returns how many."""
    progress = progress or Silent()
    progress.start("Vocabularies", len(vocabulary.NAMESPACES))
    session.execute(
        delete(VocabularyTerm).where(VocabularyTerm.namespace.in_(vocabulary.NAMESPACES))
    )
    count = 0
    for namespace in vocabulary.NAMESPACES:
        for term in vocabulary.terms(namespace):
            session.add(
                VocabularyTerm(
                    namespace=term.namespace,
                    predicate=term.predicate,
                    value=term.value,
                    machinetag=term.machinetag,
                    expanded=term.expanded,
                    description=term.description,
                    numerical_value=term.numerical_value,
                )
            )
            count += 1
        progress.advance()
    session.flush()
    return count
