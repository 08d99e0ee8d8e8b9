"""Stored records as the curated schemas describe them: what a change keeps before and after."""

from __future__ import annotations

from cyberdiplomacy.knowledge.models import (
    Actor,
    ActorKind,
    AttributionClaim,
    Incident,
    Response,
    Source,
)
from cyberdiplomacy.sources import schemas


def _key(actor: Actor) -> str:
    """How records name an actor: a state by ISO3, anything else by slug."""
    return actor.iso3 if actor.kind == ActorKind.STATE and actor.iso3 else actor.slug


def _source(source: Source) -> schemas.SourceRef:
    return schemas.SourceRef.model_validate(
        {
            "publisher": source.publisher,
            "title": source.title,
            "url": source.url,
            "published": source.published,
            "reliability": source.reliability,
        }
    )


def incident(record: Incident) -> schemas.Incident:
    return schemas.Incident.model_validate(
        {
            "slug": record.slug,
            "name": record.name,
            "aliases": record.aliases,
            "started": record.started,
            "ended": record.ended,
            "summary": record.summary,
            "type": record.incident_type,
            "victims": [_key(v) for v in record.victims],
            "sectors": record.sectors,
            "effects": record.effects,
            "targets": record.targets,
            "techniques": record.techniques,
            "software": record.software,
            "actors": [a.slug for a in record.actors],
            "armed_conflict": record.armed_conflict,
            "sources": [_source(s) for s in record.sources],
            "as_of": record.as_of,
            "tlp": record.tlp,
        }
    )


def _cited(record: AttributionClaim | Response) -> list[schemas.SourceRef]:
    return [_source(record.source)] if record.source else []


def claim(record: AttributionClaim) -> schemas.Claim:
    return schemas.Claim.model_validate(
        {
            "incident": record.incident.slug,
            "attributor": _key(record.attributor),
            "date": record.date,
            "form": record.form,
            "actor": record.attributed_actor.slug if record.attributed_actor else None,
            "state": _key(record.attributed_state) if record.attributed_state else None,
            "likelihood": record.likelihood,
            "confidence": record.confidence,
            "state_responsibility": record.state_responsibility,
            "joint_statement": record.joint_statement,
            "statement": record.statement,
            "sources": _cited(record),
            "as_of": record.as_of,
            "tlp": record.tlp,
        }
    )


def response(record: Response) -> schemas.Response:
    return schemas.Response.model_validate(
        {
            "responder": _key(record.responder),
            "date": record.date,
            "type": record.type,
            "summary": record.summary,
            "incident": record.incident.slug if record.incident else None,
            "target": _key(record.target) if record.target else None,
            "toolbox": record.toolbox,
            "joint_statement": record.joint_statement,
            "sources": _cited(record),
            "as_of": record.as_of,
            "tlp": record.tlp,
        }
    )
