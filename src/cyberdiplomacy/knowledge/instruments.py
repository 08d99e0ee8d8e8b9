"""Instruments (treaties, reports, resolutions, declarations), norms and parties: read side."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from cyberdiplomacy.errors import NotFound
from cyberdiplomacy.knowledge import queries
from cyberdiplomacy.knowledge.models import Instrument, Norm, Participation
from cyberdiplomacy.knowledge.records import ActorSummary, Record, SourceRecord


class InstrumentSummary(Record):
    slug: str
    kind: str
    name: str
    body: str | None
    adopted: dt.date | None
    symbol: str | None
    norms: int
    participants: int


class NormRecord(Record):
    code: str
    title: str
    summary: str
    instrument: str


class Participant(Record):
    actor: ActorSummary
    status: str
    date: dt.date | None
    reservations: str | None
    source: SourceRecord | None
    as_of: dt.date | None


class InstrumentDetail(Record):
    slug: str
    kind: str
    name: str
    body: str | None
    adopted: dt.date | None
    symbol: str | None
    url: str | None
    norms: list[NormRecord]
    participants: list[Participant]
    source: SourceRecord | None
    as_of: dt.date | None
    tlp: str


def list_instruments(session: Session) -> list[InstrumentSummary]:
    """Every instrument, oldest first, with how many norms and participants it has."""
    norms = dict(
        session.execute(select(Norm.instrument_id, func.count()).group_by(Norm.instrument_id)).all()
    )
    parties = dict(
        session.execute(
            select(Participation.instrument_id, func.count()).group_by(Participation.instrument_id)
        ).all()
    )
    found = session.scalars(select(Instrument).order_by(Instrument.adopted, Instrument.name))
    return [
        InstrumentSummary(
            slug=i.slug,
            kind=i.kind,
            name=i.name,
            body=i.body,
            adopted=i.adopted,
            symbol=i.symbol,
            norms=norms.get(i.id, 0),
            participants=parties.get(i.id, 0),
        )
        for i in found
    ]


def _norm(norm: Norm) -> NormRecord:
    return NormRecord(
        code=norm.code, title=norm.title, summary=norm.summary, instrument=norm.instrument.slug
    )


def instrument(session: Session, slug: str) -> InstrumentDetail:
    """An instrument with its norms and every participant's status, by state name."""
    found = session.scalar(
        select(Instrument)
        .where(Instrument.slug == slug.strip().lower())
        .options(selectinload(Instrument.source))
    )
    if found is None:
        raise NotFound("instrument", slug)
    norms = session.scalars(
        select(Norm).where(Norm.instrument_id == found.id).order_by(Norm.code)
    ).all()
    participations = session.scalars(
        select(Participation)
        .where(Participation.instrument_id == found.id)
        .options(selectinload(Participation.actor), selectinload(Participation.source))
    ).all()
    return InstrumentDetail(
        slug=found.slug,
        kind=found.kind,
        name=found.name,
        body=found.body,
        adopted=found.adopted,
        symbol=found.symbol,
        url=found.url,
        norms=[_norm(n) for n in norms],
        participants=sorted(
            (
                Participant(
                    actor=queries.summary(p.actor),
                    status=p.status,
                    date=p.date,
                    reservations=p.reservations,
                    source=SourceRecord.model_validate(p.source) if p.source else None,
                    as_of=p.as_of,
                )
                for p in participations
            ),
            key=lambda p: (p.actor.name, p.date or dt.date.max, p.status),
        ),
        source=SourceRecord.model_validate(found.source) if found.source else None,
        as_of=found.as_of,
        tlp=found.tlp,
    )


def list_norms(session: Session, instrument: str | None = None) -> list[NormRecord]:
    """Norms by code, optionally of one instrument."""
    query = select(Norm).options(selectinload(Norm.instrument)).order_by(Norm.code)
    if instrument:
        query = query.join(Instrument).where(Instrument.slug == instrument.strip().lower())
    return [_norm(n) for n in session.scalars(query)]
