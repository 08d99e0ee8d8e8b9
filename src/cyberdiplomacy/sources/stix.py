"""STIX 2.1 exchange of incidents, attribution claims, actors and responses.

Export: states, blocs and organisations become `identity` objects, threat groups
`intrusion-set`s, incidents `incident`s, each attribution claim an `attributed-to`
relationship created by its attributor (with a 0-100 confidence from its ICD 203 likelihood),
each response an `x-cdw-response` object; every object carries its TLP 2.0 marking and its
sources. Ids are derived from the workbench's keys, so exporting twice gives the same bundle.
Import reads such a bundle back into the same records (round trip), via the curated importers.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path
from typing import Any

import stix2
from pydantic import ValidationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, selectinload

from cyberdiplomacy.errors import ImportFailed
from cyberdiplomacy.knowledge import store
from cyberdiplomacy.knowledge.models import (
    Actor,
    ActorKind,
    AttributionClaim,
    Incident,
    Response,
    Source,
)
from cyberdiplomacy.sources import schemas
from cyberdiplomacy.sources.incidents import store_claims, store_incidents, store_responses
from cyberdiplomacy.sources.references import References

NAMESPACE = uuid.UUID("6f1d7c4e-2b1a-5d7e-9c3f-cdb1a0000001")
TLP_EXTENSION = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
TLP_2_0 = {  # the OASIS TLP 2.0 marking definitions
    "clear": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "green": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "amber": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "amber+strict": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    "red": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}
TLP_BY_ID = {v: k for k, v in TLP_2_0.items()}
# The midpoint of each ICD 203 likelihood band, as a STIX confidence (0-100).
CONFIDENCE = {
    "almost-no-chance": 3,
    "very-unlikely": 12,
    "unlikely": 32,
    "roughly-even-chance": 50,
    "likely": 67,
    "very-likely": 87,
    "almost-certain": 97,
}
RESPONSE = "x-cdw-response"


def _id(kind: str, key: str) -> str:
    return f"{kind}--{uuid.uuid5(NAMESPACE, f'{kind}:{key}')}"


def _time(day: dt.date | None) -> str:
    return f"{(day or dt.date(2000, 1, 1)).isoformat()}T00:00:00.000Z"


def _marking(level: str) -> dict[str, Any]:
    return {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": TLP_2_0[level],
        "created": "2022-10-01T00:00:00.000Z",
        "name": f"TLP:{level.upper()}",
        "extensions": {TLP_EXTENSION: {"extension_type": "property-extension", "tlp_2_0": level}},
    }


def _sources(sources: list[Source]) -> dict[str, Any]:
    return {
        "external_references": [
            {
                "source_name": s.publisher,
                "description": s.title,
                **({"url": s.url} if s.url else {}),
            }
            for s in sources
        ],
        "x_cdw_sources": [
            {
                "publisher": s.publisher,
                "title": s.title,
                **({"url": s.url} if s.url else {}),
                **({"published": s.published.isoformat()} if s.published else {}),
                **({"reliability": s.reliability} if s.reliability else {}),
            }
            for s in sources
        ],
    }


def _common(key: str, kind: str, as_of: dt.date | None, tlp: str) -> dict[str, Any]:
    return {
        "type": kind,
        "spec_version": "2.1",
        "id": _id(kind, key),
        "created": _time(as_of),
        "modified": _time(as_of),
        "object_marking_refs": [TLP_2_0[tlp]],
        "x_cdw_as_of": as_of.isoformat() if as_of else None,
    }


def _party(actor: Actor) -> dict[str, Any]:
    key = actor.iso3 or actor.slug
    if actor.kind == ActorKind.THREAT_GROUP:
        obj = _common(actor.slug, "intrusion-set", actor.as_of, actor.tlp)
        obj.update(name=actor.name, aliases=[a.name for a in actor.aliases] or None)
        if actor.attack_id:
            obj["external_references"] = [
                {"source_name": "mitre-attack", "external_id": actor.attack_id}
            ]
        obj["x_cdw_sponsor"] = actor.sponsor.iso3 if actor.sponsor else None
    else:
        obj = _common(key, "identity", actor.as_of, actor.tlp)
        obj.update(name=actor.name, identity_class="organization")
        obj["x_cdw_iso3"] = actor.iso3
    obj.update(x_cdw_slug=actor.slug, x_cdw_kind=actor.kind.value)
    return {k: v for k, v in obj.items() if v is not None}


def _incident(incident: Incident) -> dict[str, Any]:
    obj = _common(incident.slug, "incident", incident.as_of, incident.tlp)
    obj.update(
        name=incident.name,
        description=incident.summary,
        x_cdw_slug=incident.slug,
        x_cdw_aliases=incident.aliases,
        x_cdw_started=incident.started.isoformat(),
        x_cdw_ended=incident.ended.isoformat() if incident.ended else None,
        x_cdw_type=incident.incident_type,
        x_cdw_victims=[v.iso3 for v in incident.victims],
        x_cdw_sectors=incident.sectors,
        x_cdw_effects=incident.effects,
        x_cdw_targets=incident.targets,
        x_cdw_techniques=incident.techniques,
        x_cdw_software=incident.software,
        x_cdw_actors=[a.slug for a in incident.actors],
        x_cdw_armed_conflict=incident.armed_conflict,
        **_sources(incident.sources),
    )
    return {k: v for k, v in obj.items() if v is not None}


def _claim(claim: AttributionClaim, parties: dict[int, dict[str, Any]]) -> dict[str, Any]:
    named = claim.attributed_actor or claim.attributed_state
    assert named is not None
    key = f"{claim.incident.slug}:{claim.attributor.slug}:{claim.date}:{named.slug}"
    obj = _common(key, "relationship", claim.as_of, claim.tlp)
    obj.update(
        relationship_type="attributed-to",
        source_ref=_id("incident", claim.incident.slug),
        target_ref=parties[named.id]["id"],
        created_by_ref=parties[claim.attributor_id]["id"],
        confidence=CONFIDENCE.get(claim.likelihood or ""),
        description=claim.statement,
        x_cdw_date=claim.date.isoformat(),
        x_cdw_form=claim.form,
        x_cdw_state=claim.attributed_state.iso3 if claim.attributed_state else None,
        x_cdw_likelihood=claim.likelihood,
        x_cdw_confidence=claim.confidence,
        x_cdw_state_responsibility=claim.state_responsibility,
        x_cdw_joint_statement=claim.joint_statement,
        **_sources([claim.source] if claim.source else []),
    )
    return {k: v for k, v in obj.items() if v is not None}


def _response(response: Response, parties: dict[int, dict[str, Any]]) -> dict[str, Any]:
    about = response.incident.slug if response.incident else ""
    target = response.target.slug if response.target else ""
    key = f"{response.responder.slug}:{response.date}:{response.type}:{about}:{target}"
    obj = _common(key, RESPONSE, response.as_of, response.tlp)
    obj.update(
        name=f"{response.type} by {response.responder.name}",
        description=response.summary,
        created_by_ref=parties[response.responder_id]["id"],
        x_cdw_responder=parties[response.responder_id]["id"],
        x_cdw_incident=_id("incident", response.incident.slug) if response.incident else None,
        x_cdw_target=parties[response.target.id]["id"] if response.target else None,
        x_cdw_date=response.date.isoformat(),
        x_cdw_response_type=response.type,
        x_cdw_toolbox=response.toolbox,
        x_cdw_joint_statement=response.joint_statement,
        **_sources([response.source] if response.source else []),
    )
    return {k: v for k, v in obj.items() if v is not None}


def export_bundle(session: Session) -> dict[str, Any]:
    """A STIX 2.1 bundle of every incident, claim and response, with the actors they involve."""
    incidents = session.scalars(
        select(Incident)
        .order_by(Incident.slug)
        .options(
            selectinload(Incident.victims),
            selectinload(Incident.actors),
            selectinload(Incident.sources),
        )
    ).all()
    claims = session.scalars(select(AttributionClaim).order_by(AttributionClaim.id)).all()
    responses = session.scalars(select(Response).order_by(Response.id)).all()
    involved: dict[int, Actor] = {}
    for incident in incidents:
        involved.update({a.id: a for a in [*incident.victims, *incident.actors]})
    for claim in claims:
        for actor in (claim.attributor, claim.attributed_actor, claim.attributed_state):
            if actor is not None:
                involved[actor.id] = actor
    for response in responses:
        involved[response.responder.id] = response.responder
        if response.target is not None:
            involved[response.target.id] = response.target
    parties = {key: _party(actor) for key, actor in involved.items()}
    objects = [
        *sorted(parties.values(), key=lambda o: str(o["id"])),
        *(_incident(i) for i in incidents),
        *(_claim(c, parties) for c in claims),
        *(_response(r, parties) for r in responses),
    ]
    levels = sorted({TLP_BY_ID[ref] for o in objects for ref in o["object_marking_refs"]})
    bundle = {
        "type": "bundle",
        "id": _id("bundle", "cyberdiplomacy"),
        "objects": [_marking(level) for level in levels] + objects,
    }
    stix2.parse(bundle, allow_custom=True)  # fails loudly if we ever emit invalid STIX
    return bundle


# Import -----------------------------------------------------------------------------------


def _source_refs(obj: dict[str, Any]) -> list[schemas.SourceRef]:
    return [schemas.SourceRef.model_validate(s) for s in obj.get("x_cdw_sources", [])]


def _tlp(obj: dict[str, Any]) -> str:
    levels = [TLP_BY_ID[ref] for ref in obj.get("object_marking_refs", []) if ref in TLP_BY_ID]
    return levels[0] if levels else "clear"


def _keyed(obj: dict[str, Any], by_id: dict[str, dict[str, Any]], ref: str) -> str:
    party = by_id.get(obj.get(ref) or "")
    if party is None:
        raise ImportFailed("STIX bundle", f"{ref} points to no object in the bundle", ref=obj["id"])
    return str(party.get("x_cdw_iso3") or party["x_cdw_slug"])


def _ensure_parties(session: Session, parties: list[dict[str, Any]]) -> None:
    """Make sure every identity and intrusion set of the bundle exists as an actor."""
    existing = {a.slug: a for a in session.scalars(select(Actor))}
    created: list[tuple[Actor, dict[str, Any]]] = []
    for party in parties:
        slug = party.get("x_cdw_slug")
        if not slug or not party.get("x_cdw_kind"):
            raise ImportFailed("STIX bundle", "object has no x_cdw_slug or kind", ref=party["id"])
        if slug not in existing:
            actor = store.actor(session, slug, ActorKind(party["x_cdw_kind"]), party["name"])
            attack = [
                ref["external_id"]
                for ref in party.get("external_references", [])
                if ref.get("source_name") == "mitre-attack"
            ]
            actor.iso3, actor.attack_id = party.get("x_cdw_iso3"), (attack or [None])[0]
            actor.as_of = dt.date.fromisoformat(party["x_cdw_as_of"])
            actor.tlp = _tlp(party)
            store.set_aliases(actor, party.get("aliases", []))
            existing[slug] = actor
            created.append((actor, party))
    states = {a.iso3: a for a in existing.values() if a.iso3}
    for actor, party in created:
        actor.sponsor = states.get(party.get("x_cdw_sponsor", ""))
    session.flush()


def read_bundle(path: Path) -> list[dict[str, Any]]:
    """The objects of a STIX 2.1 bundle file, checked with the stix2 library."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        stix2.parse(raw, allow_custom=True)
    except OSError as exc:
        raise ImportFailed(str(path), f"cannot read: {exc.strerror}") from exc
    except json.JSONDecodeError as exc:
        raise ImportFailed(str(path), f"not valid JSON: {exc.msg}", line=exc.lineno) from exc
    except stix2.exceptions.STIXError as exc:
        raise ImportFailed(str(path), f"not valid STIX 2.1: {exc}") from exc
    if raw.get("type") != "bundle":
        raise ImportFailed(str(path), "not a STIX bundle")
    return list(raw.get("objects", []))


def import_bundle(session: Session, path: Path) -> dict[str, int]:
    """Import a bundle written by `export_bundle` (ours or a partner's workbench).

    Incidents are upserted by slug; the bundle's claims and responses replace those recorded
    for the same incidents.
    """
    objects = read_bundle(path)
    by_id = {o["id"]: o for o in objects}
    parties = [o for o in objects if o["type"] in ("identity", "intrusion-set")]
    _ensure_parties(session, parties)
    refs = References(session, str(path))
    try:
        incidents = [(None, _incident_record(o)) for o in objects if o["type"] == "incident"]
        claims = [
            (None, _claim_record(o, by_id))
            for o in objects
            if o["type"] == "relationship" and o["relationship_type"] == "attributed-to"
        ]
        responses = [(None, _response_record(o, by_id)) for o in objects if o["type"] == RESPONSE]
    except (ValidationError, KeyError) as exc:
        raise ImportFailed(str(path), f"an object lacks a workbench property: {exc}") from exc
    store_incidents(refs, incidents)
    session.flush()
    ids = [refs.incidents[r.slug].id for _, r in incidents]
    session.execute(delete(AttributionClaim).where(AttributionClaim.incident_id.in_(ids)))
    session.execute(delete(Response).where(Response.incident_id.in_(ids)))
    return {
        "actors": len(parties),
        "incidents": len(incidents),
        "claims": store_claims(refs, claims),
        "responses": store_responses(refs, responses),
    }


def _incident_record(obj: dict[str, Any]) -> schemas.Incident:
    return schemas.Incident(
        slug=obj["x_cdw_slug"],
        name=obj["name"],
        aliases=obj.get("x_cdw_aliases", []),
        started=obj["x_cdw_started"],
        ended=obj.get("x_cdw_ended"),
        summary=obj["description"],
        type=obj["x_cdw_type"],
        victims=obj["x_cdw_victims"],
        sectors=obj.get("x_cdw_sectors", []),
        effects=obj.get("x_cdw_effects", []),
        targets=obj.get("x_cdw_targets", []),
        techniques=obj.get("x_cdw_techniques", []),
        software=obj.get("x_cdw_software", []),
        actors=obj.get("x_cdw_actors", []),
        armed_conflict=obj.get("x_cdw_armed_conflict", False),
        sources=_source_refs(obj),
        as_of=obj["x_cdw_as_of"],
        tlp=_tlp(obj),
    )


def _claim_record(obj: dict[str, Any], by_id: dict[str, dict[str, Any]]) -> schemas.Claim:
    target = by_id.get(obj["target_ref"], {})
    incident = by_id.get(obj["source_ref"], {})
    return schemas.Claim(
        incident=incident["x_cdw_slug"],
        attributor=_keyed(obj, by_id, "created_by_ref"),
        date=obj["x_cdw_date"],
        form=obj["x_cdw_form"],
        actor=target["x_cdw_slug"] if target.get("type") == "intrusion-set" else None,
        state=obj.get("x_cdw_state"),
        likelihood=obj.get("x_cdw_likelihood"),
        confidence=obj.get("x_cdw_confidence"),
        state_responsibility=obj.get("x_cdw_state_responsibility"),
        joint_statement=obj.get("x_cdw_joint_statement"),
        statement=obj.get("description"),
        sources=_source_refs(obj),
        as_of=obj["x_cdw_as_of"],
        tlp=_tlp(obj),
    )


def _response_record(obj: dict[str, Any], by_id: dict[str, dict[str, Any]]) -> schemas.Response:
    incident = by_id.get(obj.get("x_cdw_incident") or "")
    return schemas.Response(
        responder=_keyed(obj, by_id, "x_cdw_responder"),
        date=obj["x_cdw_date"],
        type=obj["x_cdw_response_type"],
        summary=obj["description"],
        incident=incident["x_cdw_slug"] if incident else None,
        target=_keyed(obj, by_id, "x_cdw_target") if obj.get("x_cdw_target") else None,
        toolbox=obj.get("x_cdw_toolbox"),
        joint_statement=obj.get("x_cdw_joint_statement"),
        sources=_source_refs(obj),
        as_of=obj["x_cdw_as_of"],
        tlp=_tlp(obj),
    )
