"""Curated incidents, attribution claims and responses from YAML, linked to the knowledge base.

Incidents are upserted by slug (their ids stay stable); claims and responses, which have no
natural key, are replaced as a whole. Every reference must resolve or nothing is imported.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TypeVar

from sqlalchemy import delete
from sqlalchemy.orm import Session

from cyberdiplomacy.knowledge.models import AttributionClaim, Incident, Response
from cyberdiplomacy.sources import curated, schemas
from cyberdiplomacy.sources.references import References

INCIDENTS = "incidents.yaml"
CLAIMS = "claims.yaml"
RESPONSES = "responses.yaml"
T = TypeVar("T")


Lined = Sequence[tuple[int | None, T]]


def import_incidents(session: Session, path: Path | None = None) -> int:
    """Create or update every incident in the file and remove bundled ones no longer in it."""
    path = path or curated.bundled(INCIDENTS)
    records = curated.load_lines(path, schemas.Incident)
    refs = References(session, str(path))
    wanted = {record.slug for _, record in records}
    for slug, stale in list(refs.incidents.items()):
        if slug not in wanted and stale.owner_id is None:
            session.delete(stale)
            del refs.incidents[slug]
    return store_incidents(refs, records)


def store_incidents(refs: References, records: Lined[schemas.Incident]) -> int:
    """Create or update incidents by slug."""
    for line, record in records:
        incident = refs.incidents.get(record.slug)
        if incident is None:
            incident = Incident(slug=record.slug)
            refs.session.add(incident)
            refs.incidents[record.slug] = incident
        fill_incident(refs, incident, line, record)
    refs.session.flush()
    return len(records)


def fill_incident(
    refs: References, incident: Incident, line: int | None, record: schemas.Incident
) -> Incident:
    """Set every field of `incident` from a validated record (its slug included)."""
    incident.slug, incident.name, incident.aliases = record.slug, record.name, record.aliases
    incident.summary = record.summary
    incident.started, incident.ended = record.started, record.ended
    incident.incident_type, incident.armed_conflict = record.type, record.armed_conflict
    incident.sectors, incident.effects = record.sectors, record.effects
    incident.targets = [str(target) for target in record.targets]
    incident.techniques = record.techniques
    incident.software = record.software
    incident.victims = [
        refs.state(iso3, line, f"victims.{i}") for i, iso3 in enumerate(record.victims)
    ]
    incident.actors = [
        refs.actor(slug, line, f"actors.{i}") for i, slug in enumerate(record.actors)
    ]
    incident.sources = [refs.source(s) for s in record.sources]
    incident.source_id, incident.as_of, incident.tlp = (
        incident.sources[0].id,
        record.as_of,
        record.tlp,
    )
    return incident


def import_claims(session: Session, path: Path | None = None) -> int:
    """Replace the bundled attribution claims with those in the file (organisations keep theirs)."""
    path = path or curated.bundled(CLAIMS)
    records = curated.load_lines(path, schemas.Claim)
    session.execute(delete(AttributionClaim).where(AttributionClaim.owner_id.is_(None)))
    return store_claims(References(session, str(path)), records)


def store_claims(refs: References, records: Lined[schemas.Claim]) -> int:
    """Add attribution claims."""
    for line, record in records:
        refs.session.add(fill_claim(refs, AttributionClaim(), line, record))
    refs.session.flush()
    return len(records)


def fill_claim(
    refs: References, claim: AttributionClaim, line: int | None, record: schemas.Claim
) -> AttributionClaim:
    """Set every field of `claim` from a validated record."""
    claim.incident = refs.incident(record.incident, line, "incident")
    claim.attributor = refs.party(record.attributor, line, "attributor")
    claim.attributed_actor = refs.actor(record.actor, line, "actor") if record.actor else None
    claim.attributed_state = refs.state(record.state, line, "state") if record.state else None
    claim.date, claim.form, claim.statement = record.date, record.form, record.statement
    claim.likelihood, claim.confidence = record.likelihood, record.confidence
    claim.state_responsibility = record.state_responsibility
    claim.joint_statement = record.joint_statement
    claim.source = refs.source(record.sources[0])
    claim.as_of, claim.tlp = record.as_of, record.tlp
    return claim


def import_responses(session: Session, path: Path | None = None) -> int:
    """Replace the bundled responses with those in the file (organisations keep theirs)."""
    path = path or curated.bundled(RESPONSES)
    records = curated.load_lines(path, schemas.Response)
    session.execute(delete(Response).where(Response.owner_id.is_(None)))
    return store_responses(References(session, str(path)), records)


def store_responses(refs: References, records: Lined[schemas.Response]) -> int:
    """Add responses."""
    for line, record in records:
        refs.session.add(fill_response(refs, Response(), line, record))
    refs.session.flush()
    return len(records)


def fill_response(
    refs: References, response: Response, line: int | None, record: schemas.Response
) -> Response:
    """Set every field of `response` from a validated record."""
    response.responder = refs.party(record.responder, line, "responder")
    response.incident = (
        refs.incident(record.incident, line, "incident") if record.incident else None
    )
    response.target = refs.target(record.target, line, "target") if record.target else None
    response.type, response.toolbox, response.date = record.type, record.toolbox, record.date
    response.joint_statement, response.summary = record.joint_statement, record.summary
    response.source = refs.source(record.sources[0])
    response.as_of, response.tlp = record.as_of, record.tlp
    return response
