"""Build the knowledge base from the sources bundled with the workbench, and record each import."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from cyberdiplomacy.knowledge.database import transaction, upgrade
from cyberdiplomacy.knowledge.models import ImportRun
from cyberdiplomacy.sources import attack, countries, misp, vocabularies
from cyberdiplomacy.sources.progress import Progress, Silent

BUNDLED = "bundled"


def record(session: Session, importer: str, origin: str, counts: dict[str, Any]) -> ImportRun:
    """Note a finished import in the same transaction as its data."""
    run = ImportRun(importer=importer, origin=origin, finished=datetime.now(UTC), counts=counts)
    session.add(run)
    return run


def last_run(session: Session, importer: str) -> ImportRun | None:
    """The most recent import by `importer`, if any."""
    return session.scalars(
        select(ImportRun).where(ImportRun.importer == importer).order_by(ImportRun.id.desc())
    ).first()


def import_bundled(session: Session, progress: Progress | None = None) -> dict[str, int]:
    """States, blocs, vocabularies, threat actors and Budapest status, in dependency order."""
    steps: list[tuple[str, Callable[[Session, Progress | None], int]]] = [
        ("states", countries.import_states),
        ("memberships", lambda s, p: countries.import_blocs(s, progress=p)),
        ("vocabulary_terms", vocabularies.import_vocabularies),
        ("threat_actors", misp.import_threat_actors),
        ("budapest_participations", misp.import_budapest_status),
    ]
    counts = {name: step(session, progress) for name, step in steps}
    record(session, BUNDLED, "cyberdiplomacy package data", counts)
    return counts


def import_attack(
    session: Session, path: Path, progress: Progress | None = None
) -> attack.AttackImport:
    """Import an ATT&CK bundle and record it."""
    result = attack.import_bundle(session, path, progress)
    counts = {
        **result.objects,
        "relationships": result.relationships,
        "linked_groups": result.linked_groups,
    }
    record(session, f"attack:{result.domain}", str(path), counts)
    return result


def initialise(
    engine: Engine, *, refresh: bool = False, progress: Progress | None = None
) -> dict[str, int] | None:
    """Migrate the schema and import the bundled sources unless already done (or `refresh`)."""
    upgrade(engine)
    with transaction(engine) as session:
        if last_run(session, BUNDLED) is not None and not refresh:
            return None
        return import_bundled(session, progress or Silent())
