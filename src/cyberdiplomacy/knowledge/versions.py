"""Data versions: numbers that change whenever what a cached model was built from may have."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cyberdiplomacy.knowledge.models import ImportRun, RecordChange


def last_import(session: Session, importer: str) -> int | None:
    """The id of the latest import whose importer name starts with `importer` (e.g. "attack:")."""
    return session.scalar(
        select(ImportRun.id)
        .where(ImportRun.importer.startswith(importer))
        .order_by(ImportRun.id.desc())
        .limit(1)
    )


def last_change(session: Session) -> int | None:
    """The id of the latest change an analyst or curator made to any record."""
    return session.scalar(select(func.max(RecordChange.id)))
