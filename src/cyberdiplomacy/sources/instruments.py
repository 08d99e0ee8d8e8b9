"""Curated organisations and instruments (with their norms and participations) from YAML."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from cyberdiplomacy.knowledge import store
from cyberdiplomacy.knowledge.models import ActorKind, Instrument, Norm, Participation
from cyberdiplomacy.sources import curated, schemas
from cyberdiplomacy.sources.references import References

ORGANISATIONS = "organisations.yaml"
INSTRUMENTS = "instruments.yaml"


def import_organisations(session: Session, path: Path | None = None) -> int:
    """Create or update the companies, agencies and organisations that attribute or respond."""
    path = path or curated.bundled(ORGANISATIONS)
    if not path.exists():
        return 0
    refs = References(session, str(path))
    records = curated.load_lines(path, schemas.Organisation)
    for line, record in records:
        if record.slug in refs.states or (
            record.slug in refs.by_slug and refs.by_slug[record.slug].kind == ActorKind.THREAT_GROUP
        ):
            raise refs.fail(line, "slug", f"{record.slug!r} is already a state or threat actor")
        actor = store.actor(session, record.slug, ActorKind(record.kind), record.name)
        actor.description = record.description
        actor.source_id, actor.as_of, actor.tlp = (
            refs.source(record.sources[0]).id,
            record.as_of,
            record.tlp,
        )
    session.flush()
    return len(records)


def import_instruments(session: Session, path: Path | None = None) -> int:
    """Upsert instruments and their norms; replace their curated participations."""
    path = path or curated.bundled(INSTRUMENTS)
    refs = References(session, str(path))
    records = curated.load_lines(path, schemas.Instrument)
    for line, record in records:
        source = refs.source(record.sources[0])
        instrument = session.scalar(select(Instrument).where(Instrument.slug == record.slug))
        if instrument is None:
            instrument = Instrument(slug=record.slug, kind=record.kind, name=record.name)
            session.add(instrument)
        instrument.kind, instrument.name, instrument.body = record.kind, record.name, record.body
        instrument.adopted, instrument.symbol = record.adopted, record.symbol
        instrument.url = str(record.url) if record.url else None
        instrument.source_id, instrument.as_of, instrument.tlp = source.id, record.as_of, record.tlp
        session.flush()
        for norm in record.norms:
            found = session.scalar(select(Norm).where(Norm.code == norm.code))
            if found is None:
                found = Norm(code=norm.code, instrument_id=instrument.id)
                session.add(found)
            found.instrument_id, found.title, found.summary = (
                instrument.id,
                norm.title,
                norm.summary,
            )
            found.source_id, found.as_of, found.tlp = source.id, record.as_of, record.tlp
        session.execute(
            delete(Participation).where(
                Participation.instrument_id == instrument.id, Participation.source_id == source.id
            )
        )
        for index, entry in enumerate(record.participants):
            party = refs.party(entry.party, line, f"participants.{index}.party")
            # A dated curated entry supersedes the same status from a bulk source.
            session.execute(
                delete(Participation).where(
                    Participation.actor_id == party.id,
                    Participation.instrument_id == instrument.id,
                    Participation.status == entry.status,
                )
            )
            session.add(
                Participation(
                    actor_id=party.id,
                    instrument_id=instrument.id,
                    status=entry.status,
                    date=entry.date,
                    reservations=entry.reservations,
                    source_id=source.id,
                    as_of=record.as_of,
                    tlp=record.tlp,
                )
            )
    session.flush()
    return len(records)
