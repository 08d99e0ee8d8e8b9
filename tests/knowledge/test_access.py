"""TLP 2.0 on every read, on SQLite and PostgreSQL: what each viewer's queries may return."""

from __future__ import annotations

import pytest
from marked import MARKINGS, SEES, name, seed, slug
from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session, aliased, sessionmaker

from cyberdiplomacy.accounts import service
from cyberdiplomacy.knowledge.access import ANONYMOUS, SYSTEM, Viewer, bind
from cyberdiplomacy.knowledge.models import AttributionClaim, Incident, incident_victim


@pytest.fixture
def base(engine: Engine) -> Engine:
    seed(engine)
    return engine


def viewer_named(engine: Engine, username: str) -> Viewer:
    if username == "anonymous":
        return ANONYMOUS
    with sessionmaker(engine)() as session:
        return service.viewer(service.find(session, username))


def markings(session: Session, *where: object) -> set[str]:
    found = session.scalars(select(Incident.tlp).where(Incident.slug.like("zz-%"), *where))
    return set(found)


@pytest.mark.parametrize("who", sorted(SEES))
def test_each_viewer_reads_exactly_the_markings_tlp_allows(base: Engine, who: str) -> None:
    with sessionmaker(base)() as session:
        bind(session, viewer_named(base, who))
        assert markings(session) == SEES[who]
        counted = session.scalar(
            select(func.count()).select_from(Incident).where(Incident.slug.like("zz-%"))
        )
        assert counted == len(SEES[who])
        # Joins, aliases and claims about hidden incidents are filtered too.
        other = aliased(Incident)
        joined = session.scalar(
            select(func.count(other.id))
            .join(incident_victim, incident_victim.c.incident_id == other.id)
            .where(other.slug.like("zz-%"))
        )
        assert joined == len(SEES[who])
        claims = session.scalars(
            select(AttributionClaim.statement).where(AttributionClaim.statement.like("Zephyr%"))
        ).all()
        assert len(claims) == len(SEES[who])


@pytest.mark.parametrize("who", sorted(SEES))
def test_a_hidden_record_cannot_be_fetched_by_its_primary_key(base: Engine, who: str) -> None:
    with sessionmaker(base)() as session:
        bind(session, SYSTEM)
        ids = {i.tlp: i.id for i in session.scalars(select(Incident))}
    with sessionmaker(base)() as session:
        bind(session, viewer_named(base, who))
        for marking in MARKINGS:
            found = session.get(Incident, ids[marking])
            assert (found is not None) == (marking in SEES[who]), marking


def test_an_unbound_session_reads_as_an_anonymous_visitor(base: Engine) -> None:
    with sessionmaker(base)() as session:
        assert markings(session) == {"clear"}


def test_the_system_reads_everything(base: Engine) -> None:
    with sessionmaker(base)() as session:
        bind(session, SYSTEM)
        assert markings(session) == set(MARKINGS)


def test_bulk_updates_touch_only_what_the_viewer_sees(base: Engine) -> None:
    with sessionmaker(base)() as session, session.begin():
        bind(session, ANONYMOUS)
        changed = session.execute(
            update(Incident).where(Incident.slug.like("zz-%")).values(summary="touched")
        )
        assert changed.rowcount == 1  # type: ignore[attr-defined]
    with sessionmaker(base)() as session:
        bind(session, SYSTEM)
        touched = session.scalars(select(Incident.slug).where(Incident.summary == "touched"))
        assert list(touched) == [slug("clear")]


def test_names_of_hidden_records_do_not_leak_through_search_of_names(base: Engine) -> None:
    with sessionmaker(base)() as session:
        bind(session, ANONYMOUS)
        found = session.scalars(select(Incident.name).where(Incident.name.like("Zephyr%")))
        assert list(found) == [name("clear")]
