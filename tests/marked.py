"""Organisations, accounts and one incident per TLP 2.0 marking, for the access tests.

mfa owns every marked record; cert is shared the AMBER incident; alice (mfa) is the RED
incident's named recipient; carol is of mfa but not a recipient; bob is of cert.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from cyberdiplomacy.accounts import service
from cyberdiplomacy.knowledge.access import Role
from cyberdiplomacy.knowledge.database import transaction
from cyberdiplomacy.knowledge.models import (
    AccessGrant,
    Actor,
    ActorKind,
    AttributionClaim,
    Incident,
)
from cyberdiplomacy.knowledge.store import source

MARKINGS = ("clear", "green", "amber", "amber+strict", "red")
PASSWORD = "a-long-test-password"
# Who sees which incidents: the markings each viewer's lists, counts and searches must show.
SEES = {
    "anonymous": {"clear"},
    "carol": {"clear", "green", "amber", "amber+strict"},
    "alice": set(MARKINGS),
    "bob": {"clear", "green", "amber"},
}


def slug(marking: str) -> str:
    return f"zz-{marking.replace('+', '-')}-operation"


def name(marking: str) -> str:
    return f"Zephyr {marking.replace('+', ' ').title()} Operation"


@dataclass(frozen=True)
class Tokens:
    alice: str
    bob: str
    carol: str


def _state(session: Session, iso3: str) -> Actor:
    found = session.scalar(select(Actor).where(Actor.iso3 == iso3))
    if found is None:
        found = Actor(slug=iso3.lower(), kind=ActorKind.STATE, name=iso3, iso3=iso3)
        session.add(found)
        session.flush()
    return found


def seed(engine: Engine) -> Tokens:
    """Add the organisations, accounts and marked records; return the accounts' API tokens."""
    with transaction(engine) as session:
        alice = service.add_user(
            session, "alice", organisation_slug="mfa", role=Role.ANALYST, password=PASSWORD
        )
        service.add_user(
            session, "carol", organisation_slug="mfa", role=Role.VIEWER, password=PASSWORD
        )
        service.add_user(
            session, "bob", organisation_slug="cert", role=Role.ANALYST, password=PASSWORD
        )
        mfa, cert = alice.organisation, service.organisation(session, "cert")
        victim, accused = _state(session, "EST"), _state(session, "RUS")
        cited = source(session, publisher="Test ministry", title="Internal assessment")
        for marking in MARKINGS:
            incident = Incident(
                slug=slug(marking),
                name=name(marking),
                started=date(2024, 5, 1),
                summary=f"Zephyr test record marked {marking}.",
                incident_type="espionage",
                tlp=marking,
                owner_id=mfa.id,
                as_of=date(2024, 6, 1),
                techniques=["T1566"],
            )
            incident.victims = [victim]
            incident.sources = [cited]
            session.add(incident)
            session.flush()
            session.add(
                AttributionClaim(
                    incident_id=incident.id,
                    attributor_id=victim.id,
                    attributed_state_id=accused.id,
                    date=date(2024, 5, 20),
                    form="statement",
                    statement=f"Zephyr claim on the {marking} incident.",
                    tlp="clear",
                    as_of=date(2024, 6, 1),
                )
            )
            if marking == "amber":
                session.add(
                    AccessGrant(table="incident", record_id=incident.id, organisation_id=cert.id)
                )
            if marking == "red":
                session.add(AccessGrant(table="incident", record_id=incident.id, user_id=alice.id))
    moment = datetime.now(UTC)
    with transaction(engine) as session:
        return Tokens(
            alice=service.issue_token(session, "alice", "tests", moment),
            bob=service.issue_token(session, "bob", "tests", moment),
            carol=service.issue_token(session, "carol", "tests", moment),
        )
