"""States' positions on contested questions: read side."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from cyberdiplomacy.knowledge import queries
from cyberdiplomacy.knowledge.models import Actor, Position
from cyberdiplomacy.knowledge.records import ActorSummary, Record, SourceRecord


class PositionRecord(Record):
    state: ActorSummary
    issue: str
    stance: str
    summary: str
    date: dt.date | None
    source: SourceRecord | None
    as_of: dt.date | None


def list_positions(
    session: Session, *, issue: str | None = None, state: str | None = None
) -> list[PositionRecord]:
    """Positions by state name then issue, optionally of one issue or one state."""
    query = (
        select(Position)
        .join(Actor, Position.actor_id == Actor.id)
        .order_by(Actor.name, Position.issue)
        .options(selectinload(Position.actor), selectinload(Position.source))
    )
    if issue:
        query = query.where(Position.issue == issue)
    if state:
        query = query.where(Position.actor_id == queries.find_state(session, state).id)
    return [
        PositionRecord(
            state=queries.summary(p.actor),
            issue=p.issue,
            stance=p.stance,
            summary=p.summary,
            date=p.date,
            source=SourceRecord.model_validate(p.source) if p.source else None,
            as_of=p.as_of,
        )
        for p in session.scalars(query)
    ]


def profiles(
    session: Session, issues: Collection[str] | None = None
) -> dict[str, dict[str, PositionRecord]]:
    """Every state with recorded positions (on `issues`, if given): ISO3 → issue → position."""
    found: dict[str, dict[str, PositionRecord]] = {}
    for position in list_positions(session):
        if issues is not None and position.issue not in issues:
            continue
        found.setdefault(position.state.iso3 or position.state.slug, {})[position.issue] = position
    return found
