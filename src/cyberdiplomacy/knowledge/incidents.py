"""Incidents, the attribution claims made about them and the responses they drew: read side."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, String, cast, extract, func, or_, select
from sqlalchemy.orm import Session, selectinload

from cyberdiplomacy.errors import InvalidQuery, NotFound
from cyberdiplomacy.knowledge import queries
from cyberdiplomacy.knowledge.models import (
    Actor,
    ActorKind,
    AttackObject,
    AttributionClaim,
    Incident,
    Response,
    incident_actor,
    incident_victim,
)
from cyberdiplomacy.knowledge.records import ActorSummary, Page, Record, SourceRecord


class IncidentSummary(Record):
    slug: str
    name: str
    aliases: list[str]
    started: dt.date
    type: str
    victims: list[str]
    actors: list[str]
    tlp: str


class AttackItem(Record):
    attack_id: str
    name: str | None


class Claim(Record):
    incident: str
    incident_name: str
    attributor: ActorSummary
    actor: ActorSummary | None
    state: ActorSummary | None
    date: dt.date
    form: str
    likelihood: str | None
    confidence: str | None
    state_responsibility: str | None
    joint_statement: str | None
    statement: str | None
    source: SourceRecord | None
    as_of: dt.date | None
    tlp: str


class ResponseRecord(Record):
    responder: ActorSummary
    incident: str | None
    incident_name: str | None
    target: ActorSummary | None
    type: str
    toolbox: str | None
    date: dt.date
    joint_statement: str | None
    summary: str
    source: SourceRecord | None
    as_of: dt.date | None
    tlp: str


class TimelineEntry(Record):
    """One dated event on an incident's timeline: the incident itself, a claim or a response."""

    date: dt.date
    kind: str
    who: str
    what: str


class IncidentDetail(IncidentSummary):
    ended: dt.date | None
    summary: str
    sectors: list[str]
    effects: list[str]
    targets: list[str]
    techniques: list[AttackItem]
    software: list[AttackItem]
    armed_conflict: bool
    victim_states: list[ActorSummary]
    threat_actors: list[ActorSummary]
    sources: list[SourceRecord]
    claims: list[Claim]
    responses: list[ResponseRecord]
    timeline: list[TimelineEntry]
    as_of: dt.date | None


def _summary(incident: Incident) -> IncidentSummary:
    return IncidentSummary(
        slug=incident.slug,
        name=incident.name,
        aliases=incident.aliases,
        started=incident.started,
        type=incident.incident_type,
        victims=[v.iso3 or v.slug for v in incident.victims],
        actors=[a.slug for a in incident.actors],
        tlp=incident.tlp,
    )


def list_incidents(
    session: Session,
    *,
    text: str | None = None,
    state: str | None = None,
    actor: str | None = None,
    year: int | None = None,
    type: str | None = None,
    sector: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> Page[IncidentSummary]:
    """Incidents, newest first, filtered by name/alias, victim state, actor, year, type, sector."""
    queries.check_page(limit, offset)
    query = select(Incident).order_by(Incident.started.desc(), Incident.name)
    if text:
        query = query.where(queries.incident_matching(text))
    if state:
        victim = queries.as_filter("state", lambda: queries.find_state(session, state))
        query = query.where(
            Incident.id.in_(
                select(incident_victim.c.incident_id).where(incident_victim.c.actor_id == victim.id)
            )
        )
    if actor:
        found = queries.as_filter("actor", lambda: queries.find_actor(session, actor))
        linked = select(incident_actor.c.incident_id).where(incident_actor.c.actor_id == found.id)
        claimed = select(AttributionClaim.incident_id).where(
            or_(
                AttributionClaim.attributed_actor_id == found.id,
                AttributionClaim.attributed_state_id == found.id,
            )
        )
        query = query.where(or_(Incident.id.in_(linked), Incident.id.in_(claimed)))
    if year is not None:
        if not 1990 <= year <= 2100:
            raise InvalidQuery("year", f"{year} is not a plausible year")
        query = query.where(extract("year", Incident.started) == year)
    if type:
        query = query.where(Incident.incident_type == type)
    if sector:
        query = query.where(cast(Incident.sectors, String).contains(f'"{sector}"', autoescape=True))
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = session.scalars(
        query.options(selectinload(Incident.victims), selectinload(Incident.actors))
        .limit(limit)
        .offset(offset)
    )
    return Page[IncidentSummary](
        items=[_summary(i) for i in rows], total=total, limit=limit, offset=offset
    )


def find_incident(session: Session, key: str) -> Incident:
    """An incident by slug, exact name or alias (case-insensitive)."""
    key = key.strip()
    found = session.scalar(select(Incident).where(Incident.slug == key.lower()))
    if found is None:
        lowered = key.casefold()
        candidates = session.scalars(select(Incident).where(queries.incident_matching(key))).all()
        exact = [
            i
            for i in candidates
            if i.name.casefold() == lowered or lowered in (a.casefold() for a in i.aliases)
        ]
        found = exact[0] if exact else (candidates[0] if len(candidates) == 1 else None)
    if found is None:
        raise NotFound("incident", key)
    return found


def _source(obj: AttributionClaim | Response) -> SourceRecord | None:
    return SourceRecord.model_validate(obj.source) if obj.source else None


def _claim(claim: AttributionClaim) -> Claim:
    return Claim(
        incident=claim.incident.slug,
        incident_name=claim.incident.name,
        attributor=queries.summary(claim.attributor),
        actor=queries.summary(claim.attributed_actor) if claim.attributed_actor else None,
        state=queries.summary(claim.attributed_state) if claim.attributed_state else None,
        date=claim.date,
        form=claim.form,
        likelihood=claim.likelihood,
        confidence=claim.confidence,
        state_responsibility=claim.state_responsibility,
        joint_statement=claim.joint_statement,
        statement=claim.statement,
        source=_source(claim),
        as_of=claim.as_of,
        tlp=claim.tlp,
    )


def _response(response: Response) -> ResponseRecord:
    return ResponseRecord(
        responder=queries.summary(response.responder),
        incident=response.incident.slug if response.incident else None,
        incident_name=response.incident.name if response.incident else None,
        target=queries.summary(response.target) if response.target else None,
        type=response.type,
        toolbox=response.toolbox,
        date=response.date,
        joint_statement=response.joint_statement,
        summary=response.summary,
        source=_source(response),
        as_of=response.as_of,
        tlp=response.tlp,
    )


def _attack_items(session: Session, ids: list[str]) -> list[AttackItem]:
    rows = session.execute(
        select(AttackObject.attack_id, AttackObject.name).where(
            AttackObject.attack_id.in_(ids), AttackObject.revoked.is_(False)
        )
    ).all()
    names = {attack_id: name for attack_id, name in rows}
    return [AttackItem(attack_id=i, name=names.get(i)) for i in ids]


def _timeline(
    incident: Incident, claims: list[Claim], responses: list[ResponseRecord]
) -> list[TimelineEntry]:
    entries = [TimelineEntry(date=incident.started, kind="incident", who="", what=incident.name)]
    for claim in claims:
        named = " / ".join(x.name for x in (claim.actor, claim.state) if x)
        what = f"attributes it to {named} ({claim.form.replace('-', ' ')})"
        entries.append(
            TimelineEntry(date=claim.date, kind="claim", who=claim.attributor.name, what=what)
        )
    for response in responses:
        entries.append(
            TimelineEntry(
                date=response.date,
                kind="response",
                who=response.responder.name,
                what=f"{response.type.replace('-', ' ')}: {response.summary}",
            )
        )
    return sorted(entries, key=lambda e: (e.date, e.kind != "incident"))


def _loaded_claims(session: Session, *where: ColumnElement[bool]) -> list[AttributionClaim]:
    return list(
        session.scalars(
            select(AttributionClaim)
            .where(*where)
            .order_by(AttributionClaim.date, AttributionClaim.id)
            .options(
                selectinload(AttributionClaim.incident),
                selectinload(AttributionClaim.attributor).selectinload(Actor.sponsor),
                selectinload(AttributionClaim.attributed_actor).selectinload(Actor.sponsor),
                selectinload(AttributionClaim.attributed_state),
                selectinload(AttributionClaim.source),
            )
        )
    )


def _loaded_responses(session: Session, *where: ColumnElement[bool]) -> list[Response]:
    return list(
        session.scalars(
            select(Response)
            .where(*where)
            .order_by(Response.date, Response.id)
            .options(
                selectinload(Response.incident),
                selectinload(Response.responder),
                selectinload(Response.target),
                selectinload(Response.source),
            )
        )
    )


def incident(session: Session, key: str) -> IncidentDetail:
    """An incident with its facts, sources, claims, responses and their timeline."""
    found = find_incident(session, key)
    claims = [_claim(c) for c in _loaded_claims(session, AttributionClaim.incident_id == found.id)]
    responses = [_response(r) for r in _loaded_responses(session, Response.incident_id == found.id)]
    return IncidentDetail(
        **_summary(found).model_dump(),
        ended=found.ended,
        summary=found.summary,
        sectors=found.sectors,
        effects=found.effects,
        targets=found.targets,
        techniques=_attack_items(session, found.techniques),
        software=_attack_items(session, found.software),
        armed_conflict=found.armed_conflict,
        victim_states=[queries.summary(v) for v in found.victims],
        threat_actors=[queries.summary(a) for a in found.actors],
        sources=[SourceRecord.model_validate(s) for s in found.sources],
        claims=claims,
        responses=responses,
        timeline=_timeline(found, claims, responses),
        as_of=found.as_of,
    )


def list_claims(
    session: Session,
    *,
    incident: str | None = None,
    attributor: str | None = None,
    accused: str | None = None,
    form: str | None = None,
) -> list[Claim]:
    """Attribution claims by date, filtered by incident, attributor, accused actor/state, form."""
    where: list[ColumnElement[bool]] = []
    if incident:
        where.append(AttributionClaim.incident_id == find_incident(session, incident).id)
    if attributor:
        where.append(AttributionClaim.attributor_id == queries.find_actor(session, attributor).id)
    if accused:
        who = queries.find_actor(session, accused)
        where.append(
            or_(
                AttributionClaim.attributed_actor_id == who.id,
                AttributionClaim.attributed_state_id == who.id,
            )
        )
    if form:
        where.append(AttributionClaim.form == form)
    return [_claim(c) for c in _loaded_claims(session, *where)]


def list_responses(
    session: Session,
    *,
    incident: str | None = None,
    responder: str | None = None,
    type: str | None = None,
) -> list[ResponseRecord]:
    """Responses by date, filtered by incident, responder and type."""
    where: list[ColumnElement[bool]] = []
    if incident:
        where.append(Response.incident_id == find_incident(session, incident).id)
    if responder:
        where.append(Response.responder_id == queries.find_actor(session, responder).id)
    if type:
        where.append(Response.type == type)
    return [_response(r) for r in _loaded_responses(session, *where)]


class StateRecordings(Record):
    """What the knowledge base records about a state's part in incidents."""

    suffered: list[IncidentSummary]
    made: list[Claim]
    received: list[Claim]


def state_incidents(session: Session, code: str) -> StateRecordings:
    """Incidents a state suffered, and the attributions it made and received."""
    state = queries.find_state(session, code)
    suffered = session.scalars(
        select(Incident)
        .join(incident_victim, incident_victim.c.incident_id == Incident.id)
        .where(incident_victim.c.actor_id == state.id)
        .order_by(Incident.started.desc())
        .options(selectinload(Incident.victims), selectinload(Incident.actors))
    ).all()
    sponsored = select(Actor.id).where(Actor.sponsor_id == state.id)
    return StateRecordings(
        suffered=[_summary(i) for i in suffered],
        made=[
            _claim(c) for c in _loaded_claims(session, AttributionClaim.attributor_id == state.id)
        ],
        received=[
            _claim(c)
            for c in _loaded_claims(
                session,
                or_(
                    AttributionClaim.attributed_state_id == state.id,
                    AttributionClaim.attributed_actor_id.in_(sponsored),
                ),
            )
        ],
    )


def incidents_by_year(session: Session) -> dict[int, int]:
    """How many incidents started in each year."""
    year = extract("year", Incident.started)
    # From the entity, not only its column inside a function, so the viewer's markings apply.
    rows = session.execute(select(year, func.count()).select_from(Incident).group_by(year))
    return {int(year): int(count) for year, count in rows}


def victims_count(session: Session) -> dict[str, int]:
    """How many incidents each victim state suffered, by ISO3."""
    rows = session.execute(
        select(Actor.iso3, func.count())
        .join(incident_victim, incident_victim.c.actor_id == Actor.id)
        .join(Incident, Incident.id == incident_victim.c.incident_id)  # counts only readable ones
        .where(Actor.kind == ActorKind.STATE)
        .group_by(Actor.iso3)
    )
    return {str(iso3): int(count) for iso3, count in rows}


class VictimCount(Record):
    iso3: str
    name: str
    incidents: int


class IncidentStatistics(Record):
    """Incidents per year, and per victim state with its name, most affected first."""

    by_year: dict[int, int]
    victims: list[VictimCount]


def statistics(session: Session) -> IncidentStatistics:
    """How incidents spread over the years and over victim states: a chart, a map, filters."""
    counts = victims_count(session)
    rows = session.execute(
        select(Actor.iso3, Actor.name).where(Actor.kind == ActorKind.STATE, Actor.iso3.in_(counts))
    )
    names = {str(iso3): name for iso3, name in rows}
    victims = [VictimCount(iso3=code, name=names[code], incidents=n) for code, n in counts.items()]
    return IncidentStatistics(
        by_year=incidents_by_year(session),
        victims=sorted(victims, key=lambda v: (-v.incidents, v.name)),
    )
