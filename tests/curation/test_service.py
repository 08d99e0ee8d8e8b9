"""Curation on SQLite and PostgreSQL: who may write what, nothing saved on error, changes kept."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from marked import PASSWORD, seed, slug
from sqlalchemy import Engine, func, select

from cyberdiplomacy.accounts import service as accounts
from cyberdiplomacy.curation import service
from cyberdiplomacy.errors import Conflict, Forbidden, InvalidRecord, NotFound
from cyberdiplomacy.knowledge.access import ANONYMOUS, Reader, Role, Viewer
from cyberdiplomacy.knowledge.database import transaction
from cyberdiplomacy.knowledge.models import Incident, RecordChange

SUMMARY = "A spear-phishing campaign against the foreign ministry's consular network."


def record(**changes: Any) -> dict[str, Any]:
    base = {
        "slug": "consular-phishing-2026",
        "name": "Consular phishing 2026",
        "started": "2026-03-02",
        "summary": SUMMARY,
        "type": "espionage",
        "victims": ["EST"],
        "techniques": ["T1566.001"],
        "sources": [{"publisher": "MFA cyber unit", "title": "Incident report 2026-14"}],
        "as_of": "2026-03-10",
        "tlp": "amber",
    }
    return base | changes


@pytest.fixture
def base(engine: Engine) -> Engine:
    seed(engine)
    with transaction(engine) as session:
        accounts.add_user(
            session, "dave", organisation_slug="cert", role=Role.CURATOR, password=PASSWORD
        )
    return engine


def who(engine: Engine, username: str) -> Viewer:
    with transaction(engine) as session:
        return accounts.viewer(accounts.find(session, username))


@contextmanager
def as_user(engine: Engine, username: str | None) -> Iterator[Reader]:
    viewer = ANONYMOUS if username is None else who(engine, username)
    with transaction(engine, viewer) as session:
        yield Reader(session, viewer)


def create(engine: Engine, username: str, **changes: Any) -> None:
    with as_user(engine, username) as reader:
        service.create(reader, service.INCIDENT, service.parse(service.INCIDENT, record(**changes)))


def stored(engine: Engine) -> int:
    with transaction(engine) as session:
        return session.scalar(select(func.count()).select_from(Incident)) or 0


def test_an_analyst_creates_an_incident_owned_by_their_organisation(base: Engine) -> None:
    create(base, "alice")
    with as_user(base, "alice") as reader:
        found = service.find(reader, service.INCIDENT, "consular-phishing-2026")
        assert (found.tlp, [v.iso3 for v in found.victims]) == ("amber", ["EST"])
        assert found.owner_id == reader.viewer.organisation_id
        (change,) = service.history(reader, service.INCIDENT, found.slug)
        assert (change.action, change.by, change.before) == ("create", "alice", None)
        assert change.after is not None and change.after["summary"] == SUMMARY
    with as_user(base, "bob") as reader, pytest.raises(NotFound):
        service.find(reader, service.INCIDENT, "consular-phishing-2026")  # AMBER, not shared


def test_every_bad_field_is_named_and_nothing_is_saved(base: Engine) -> None:
    before = stored(base)
    with pytest.raises(InvalidRecord) as caught:
        service.parse(service.INCIDENT, record(summary="short", victims=[], type="prank"))
    assert set(caught.value.fields) == {"summary", "victims", "type"}
    with pytest.raises(InvalidRecord) as unresolved:
        create(base, "alice", victims=["EST", "XYZ"])
    assert set(unresolved.value.fields) == {"victims.1"}
    assert stored(base) == before


def test_viewers_and_anonymous_visitors_cannot_write(base: Engine) -> None:
    before = stored(base)
    for username in ("carol", None):
        with pytest.raises(Forbidden), as_user(base, username) as reader:
            service.create(reader, service.INCIDENT, service.parse(service.INCIDENT, record()))
    assert stored(base) == before


def test_a_taken_slug_is_a_conflict_even_when_hidden(base: Engine) -> None:
    with pytest.raises(Conflict):
        create(base, "bob", slug=slug("red"))  # mfa's RED record, which bob cannot see


def test_edits_need_the_owner_or_a_curator_and_lowering_a_marking_needs_a_curator(
    base: Engine,
) -> None:
    create(base, "alice")
    key = "consular-phishing-2026"
    with as_user(base, "alice") as reader:
        service.share(reader, service.INCIDENT, key, organisation="cert")
    with pytest.raises(Forbidden), as_user(base, "bob") as reader:  # can read, not edit
        service.update(reader, service.INCIDENT, key, service.parse(service.INCIDENT, record()))
    with pytest.raises(Forbidden), as_user(base, "alice") as reader:
        service.update(
            reader, service.INCIDENT, key, service.parse(service.INCIDENT, record(tlp="green"))
        )
    with as_user(base, "alice") as reader:  # raising is the owner's call
        service.update(
            reader, service.INCIDENT, key, service.parse(service.INCIDENT, record(tlp="red"))
        )
    with as_user(base, "alice") as reader:  # the one who marked it RED stays a recipient
        assert service.find(reader, service.INCIDENT, key).tlp == "red"
    with as_user(base, "dave") as reader, pytest.raises(NotFound):
        service.find(reader, service.INCIDENT, key)


def test_a_curator_reverts_an_edit_and_the_revert_is_kept(base: Engine) -> None:
    create(base, "alice", tlp="green")
    key = "consular-phishing-2026"
    with as_user(base, "alice") as reader:
        changed = record(tlp="green", name="Consular phishing (wrong)", victims=["EST", "RUS"])
        service.update(reader, service.INCIDENT, key, service.parse(service.INCIDENT, changed))
    with as_user(base, "alice") as reader:
        latest = service.history(reader, service.INCIDENT, key)[0]
        assert (latest.action, latest.fields) == ("update", ["name", "victims"])
        with pytest.raises(Forbidden):
            service.revert(reader, latest.id)
    with as_user(base, "dave") as reader:
        service.revert(reader, latest.id)
    with as_user(base, "alice") as reader:
        found = service.find(reader, service.INCIDENT, key)
        assert (found.name, [v.iso3 for v in found.victims]) == ("Consular phishing 2026", ["EST"])
        actions = [c.action for c in service.history(reader, service.INCIDENT, key)]
        assert actions == ["revert", "update", "create"]


def test_reverting_a_creation_deletes_the_record_but_keeps_its_history(base: Engine) -> None:
    create(base, "alice", tlp="green")
    with as_user(base, "alice") as reader:
        (created,) = service.history(reader, service.INCIDENT, "consular-phishing-2026")
    with as_user(base, "dave") as reader:
        assert service.revert(reader, created.id) is None
    with transaction(base) as session:
        assert (
            session.scalar(select(Incident).where(Incident.slug == created.after["slug"])) is None
        )  # type: ignore[index]
        actions = session.scalars(select(RecordChange.action).order_by(RecordChange.id)).all()
        assert actions == ["create", "delete"]


def test_claims_are_created_and_edited_by_id(base: Engine) -> None:
    create(base, "alice", tlp="green")
    claim = {
        "incident": "consular-phishing-2026",
        "attributor": "EST",
        "date": "2026-03-20",
        "form": "statement",
        "state": "RUS",
        "likelihood": "likely",
        "sources": [{"publisher": "MFA", "title": "Statement on consular phishing"}],
        "as_of": "2026-03-20",
        "tlp": "green",
    }
    with as_user(base, "alice") as reader:
        made = service.create(reader, service.CLAIM, service.parse(service.CLAIM, claim))
        key = made.id
    with as_user(base, "alice") as reader:
        edited = service.parse(service.CLAIM, claim | {"likelihood": "almost-certain"})
        assert service.update(reader, service.CLAIM, key, edited).likelihood == "almost-certain"
        latest = service.history(reader, service.CLAIM, key)[0]
        assert latest.fields == ["likelihood"]
    with as_user(base, None) as reader, pytest.raises(NotFound):
        service.history(reader, service.CLAIM, key)  # GREEN: not for anonymous visitors
