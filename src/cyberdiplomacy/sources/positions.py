"""States' published positions on contested questions, from curated YAML."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import delete
from sqlalchemy.orm import Session

from cyberdiplomacy.knowledge.models import Position
from cyberdiplomacy.sources import curated, schemas
from cyberdiplomacy.sources.references import References

POSITIONS = "positions.yaml"


def import_positions(session: Session, path: Path | None = None) -> int:
    """Replace the recorded positions with those in the file (one per state and issue)."""
    path = path or curated.bundled(POSITIONS)
    records = curated.load_lines(path, schemas.Position)
    refs = References(session, str(path))
    seen: set[tuple[str, str]] = set()
    session.execute(delete(Position))
    for line, record in records:
        if (record.state, record.issue) in seen:
            raise refs.fail(line, "issue", f"{record.state} already has a {record.issue} position")
        seen.add((record.state, record.issue))
        session.add(
            Position(
                actor=refs.state(record.state, line, "state"),
                issue=record.issue,
                stance=record.stance,
                summary=record.summary,
                date=record.date or record.sources[0].published,
                source=refs.source(record.sources[0]),
                as_of=record.as_of,
                tlp=record.tlp,
            )
        )
    session.flush()
    return len(records)
