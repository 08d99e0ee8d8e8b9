"""Query functions: the one way analyses and adapters read the knowledge base."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, Select, String, and_, cast, func, or_, select
from sqlalchemy.orm import Session, aliased, selectinload

from cyberdiplomacy.errors import InvalidQuery, NotFound
from cyberdiplomacy.knowledge import records
from cyberdiplomacy.knowledge.models import (
    Actor,
    ActorKind,
    Alias,
    AttackObject,
    AttackRelationship,
    Incident,
    Membership,
    Participation,
    VocabularyTerm,
    alias_key,
)

SOFTWARE_TYPES = ("malware", "tool")
MAX_LIMIT = 500
MAX_OFFSET = 2**31 - 1  # larger offsets overflow SQLite/PostgreSQL integers (a 500)
TACTIC_ORDER = (
    "reconnaissance",
    "resource-development",
    "initial-access",
    "execution",
    "persistence",
    "privilege-escalation",
    "defense-evasion",
    "credential-access",
    "discovery",
    "lateral-movement",
    "collection",
    "command-and-control",
    "exfiltration",
    "impact",
)

Sponsor = aliased(Actor)
UsingGroup = aliased(AttackObject)
UsedObject = aliased(AttackObject)


def _current(obj: Any = AttackObject) -> ColumnElement[bool]:
    """Neither revoked nor deprecated: what ATT&CK itself lists today."""
    return and_(obj.revoked.is_(False), obj.deprecated.is_(False))


def as_filter(parameter: str, find: Callable[[], Actor]) -> Actor:
    """Look up a filter value; an unknown one is a bad parameter (400), not a missing page."""
    try:
        return find()
    except NotFound as exc:
        raise InvalidQuery(parameter, f"{exc.key!r} is not in the knowledge base") from exc


def check_page(limit: int, offset: int) -> None:
    """Reject a page size or offset the lists cannot serve."""
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidQuery("limit", f"must be between 1 and {MAX_LIMIT}, got {limit}")
    if offset < 0:
        raise InvalidQuery("offset", f"must not be negative, got {offset}")
    if offset > MAX_OFFSET:
        raise InvalidQuery("offset", f"must be at most {MAX_OFFSET}, got {offset}")


def _page(
    session: Session, query: Select[Actor], limit: int, offset: int
) -> records.Page[records.ActorSummary]:
    check_page(limit, offset)
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = session.scalars(query.options(selectinload(Actor.sponsor)).limit(limit).offset(offset))
    return records.Page[records.ActorSummary](
        items=[summary(a) for a in rows], total=total, limit=limit, offset=offset
    )


def summary(actor: Actor) -> records.ActorSummary:
    """The short form of an actor used in lists and links."""
    return records.ActorSummary(
        slug=actor.slug,
        kind=actor.kind.value,
        name=actor.name,
        iso3=actor.iso3,
        attack_id=actor.attack_id,
        sponsor_iso3=actor.sponsor.iso3 if actor.sponsor else None,
    )


def _source(obj: Actor | Membership | Participation) -> records.SourceRecord | None:
    return records.SourceRecord.model_validate(obj.source) if obj.source else None


def _matching(text: str) -> ColumnElement[bool]:
    """Name contains `text` (a typed % or _ is literal), or an alias contains its key."""
    conditions = [func.lower(Actor.name).contains(text.casefold(), autoescape=True)]
    if key := alias_key(text):  # an empty key would match every alias
        conditions.append(Actor.id.in_(select(Alias.actor_id).where(Alias.key.contains(key))))
    return or_(*conditions)


def overview(session: Session) -> records.Overview:
    """Counts of what the base holds, and the states suspected of sponsoring most groups."""

    def count(model: type, *where: object) -> int:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0  # type: ignore[arg-type]

    groups = Actor.kind == ActorKind.THREAT_GROUP
    top = session.execute(
        select(Sponsor.iso3, Sponsor.name, func.count(Actor.id))
        .join(Sponsor, Actor.sponsor_id == Sponsor.id)
        .where(groups)
        .group_by(Sponsor.iso3, Sponsor.name)
        .order_by(func.count(Actor.id).desc(), Sponsor.name)
        .limit(8)
    ).all()
    current = _current()
    return records.Overview(
        states=count(Actor, Actor.kind == ActorKind.STATE),
        blocs=count(Actor, Actor.kind == ActorKind.ORGANIZATION),
        threat_groups=count(Actor, groups),
        sponsored_groups=count(Actor, groups, Actor.sponsor_id.is_not(None)),
        techniques=count(AttackObject, AttackObject.type == "attack-pattern", current),
        software=count(AttackObject, AttackObject.type.in_(SOFTWARE_TYPES), current),
        relationships=count(AttackRelationship),
        vocabulary_terms=count(VocabularyTerm),
        top_sponsors=[(str(i), str(n), int(c)) for i, n, c in top],
    )


# States and blocs -------------------------------------------------------------------------


def list_states(
    session: Session,
    *,
    text: str | None = None,
    bloc: str | None = None,
    un_status: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> records.Page[records.ActorSummary]:
    """States ordered by name, filtered by name/alias text, bloc slug and UN status."""
    query = select(Actor).where(Actor.kind == ActorKind.STATE).order_by(Actor.name)
    if text:
        query = query.where(_matching(text))
    if bloc:
        bloc_actor = as_filter("bloc", lambda: _bloc(session, bloc))
        query = query.where(
            Actor.id.in_(select(Membership.member_id).where(Membership.bloc_id == bloc_actor.id))
        )
    if un_status:
        if un_status not in ("member", "observer"):
            raise InvalidQuery("un_status", "must be 'member' or 'observer'")
        query = query.where(Actor.un_status == un_status)
    return _page(session, query, limit, offset)


def find_state(session: Session, code: str) -> Actor:
    """A state by ISO 3166-1 alpha-3 or alpha-2 code."""
    code = code.strip().upper()
    column = Actor.iso2 if len(code) == 2 else Actor.iso3
    found = session.scalar(select(Actor).where(Actor.kind == ActorKind.STATE, column == code))
    if found is None:
        raise NotFound("state", code)
    return found


def state(session: Session, code: str) -> records.StateProfile:
    """A state's profile by ISO 3166-1 alpha-3 (or alpha-2) code."""
    actor = find_state(session, code)
    memberships = session.scalars(
        select(Membership)
        .where(Membership.member_id == actor.id)
        .options(selectinload(Membership.bloc))
    ).all()
    participations = session.scalars(
        select(Participation)
        .where(Participation.actor_id == actor.id)
        .options(selectinload(Participation.instrument), selectinload(Participation.source))
    ).all()
    sponsored = session.scalars(
        select(Actor).where(Actor.sponsor_id == actor.id).order_by(Actor.name)
    ).all()
    return records.StateProfile(
        slug=actor.slug,
        name=actor.name,
        iso3=actor.iso3 or "",
        iso2=actor.iso2,
        un_status=actor.un_status,
        un_member_since=actor.un_member_since,
        aliases=[a.name for a in actor.aliases],
        blocs=sorted(
            (
                records.BlocMembership(
                    bloc=m.bloc.slug, name=m.bloc.name, since=m.since, until=m.until
                )
                for m in memberships
            ),
            key=lambda b: b.name,
        ),
        instruments=[
            records.Participation(
                instrument=p.instrument.slug,
                name=p.instrument.name,
                status=p.status,
                date=p.date,
                as_of=p.as_of,
                source=_source(p),
            )
            for p in participations
        ],
        sponsored_groups=[summary(a) for a in sponsored],
        source=_source(actor),
        as_of=actor.as_of,
        tlp=actor.tlp,
    )


def _bloc(session: Session, slug: str) -> Actor:
    found = session.scalar(
        select(Actor).where(
            Actor.kind == ActorKind.ORGANIZATION, Actor.slug == slug.strip().lower()
        )
    )
    if found is None:
        raise NotFound("bloc", slug)
    return found


def list_blocs(session: Session) -> list[records.Bloc]:
    """Every bloc with its number of members."""
    rows = session.execute(
        select(Actor, func.count(Membership.id))
        .outerjoin(Membership, Membership.bloc_id == Actor.id)
        .where(Actor.kind == ActorKind.ORGANIZATION)
        .group_by(Actor.id)
        .order_by(Actor.name)
    ).all()
    return [
        records.Bloc(slug=a.slug, name=a.name, full_name=a.description, members=n) for a, n in rows
    ]


def bloc(session: Session, slug: str) -> records.BlocProfile:
    """A bloc with its member states and join dates."""
    actor = _bloc(session, slug)
    memberships = session.scalars(
        select(Membership)
        .join(Actor, Membership.member_id == Actor.id)
        .where(Membership.bloc_id == actor.id)
        .order_by(Actor.name)
        .options(selectinload(Membership.member))
    ).all()
    return records.BlocProfile(
        slug=actor.slug,
        name=actor.name,
        full_name=actor.description,
        members=[summary(m.member) for m in memberships],
        since={m.member.iso3 or m.member.slug: m.since for m in memberships},
        source=_source(actor),
        as_of=actor.as_of,
        tlp=actor.tlp,
    )


# Threat actors -----------------------------------------------------------------------------


def list_actors(
    session: Session,
    *,
    text: str | None = None,
    kind: str | None = None,
    sponsor: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> records.Page[records.ActorSummary]:
    """Actors ordered by name; by default threat groups. Filter by text, kind and sponsor ISO3."""
    try:
        wanted = ActorKind(kind or ActorKind.THREAT_GROUP)
    except ValueError as exc:
        options = ", ".join(k.value for k in ActorKind)
        raise InvalidQuery("kind", f"{kind!r} is not one of {options}") from exc
    query = select(Actor).where(Actor.kind == wanted).order_by(Actor.name)
    if text:
        query = query.where(_matching(text))
    if sponsor:
        query = query.where(
            Actor.sponsor_id == as_filter("sponsor", lambda: find_state(session, sponsor)).id
        )
    return _page(session, query, limit, offset)


def find_actor(session: Session, key: str) -> Actor:
    """An actor by slug, ATT&CK id, ISO3 code, exact name or alias."""
    key = key.strip()
    found = session.scalar(
        select(Actor).where(
            or_(
                Actor.slug == key.lower(), Actor.attack_id == key.upper(), Actor.iso3 == key.upper()
            )
        )
    )
    if found is None:
        matches = (
            session.scalars(
                select(Actor)
                .outerjoin(Alias)
                .where(or_(func.lower(Actor.name) == key.casefold(), Alias.key == alias_key(key)))
                .order_by(Actor.attack_id.is_(None), Actor.name)
            )
            .unique()
            .all()
        )
        found = matches[0] if matches else None
    if found is None:
        raise NotFound("actor", key)
    return found


def _used_by(session: Session, group_stix: list[str], types: tuple[str, ...]) -> list[AttackObject]:
    used = select(AttackRelationship.target_ref).where(
        AttackRelationship.type == "uses", AttackRelationship.source_ref.in_(group_stix)
    )
    return list(
        session.scalars(
            select(AttackObject)
            .where(
                AttackObject.stix_id.in_(used),
                AttackObject.type.in_(types),
                _current(),
            )
            .order_by(AttackObject.attack_id)
        )
    )


def _technique(obj: AttackObject) -> records.TechniqueSummary:
    return records.TechniqueSummary(
        attack_id=obj.attack_id or obj.stix_id,
        name=obj.name,
        tactics=obj.tactics,
        is_subtechnique=obj.is_subtechnique,
    )


def _software(obj: AttackObject) -> records.SoftwareSummary:
    return records.SoftwareSummary(
        attack_id=obj.attack_id or obj.stix_id, name=obj.name, type=obj.type
    )


def actor(session: Session, key: str) -> records.ActorProfile:
    """An actor's profile: aliases, suspected sponsor, facets, ATT&CK techniques and software."""
    found = find_actor(session, key)
    group_stix = list(
        session.scalars(select(AttackObject.stix_id).where(AttackObject.actor_id == found.id))
    )
    by_tactic: dict[str, list[records.TechniqueSummary]] = defaultdict(list)
    for technique in _used_by(session, group_stix, ("attack-pattern",)):
        for tactic in technique.tactics or ["other"]:
            by_tactic[tactic].append(_technique(technique))
    ordered = sorted(
        by_tactic.items(),
        key=lambda kv: TACTIC_ORDER.index(kv[0]) if kv[0] in TACTIC_ORDER else len(TACTIC_ORDER),
    )
    tags: dict[str, list[str]] = defaultdict(list)
    for tag in sorted(found.tags, key=lambda t: (t.kind, t.value)):
        tags[tag.kind].append(tag.value)
    return records.ActorProfile(
        slug=found.slug,
        kind=found.kind.value,
        name=found.name,
        description=found.description,
        attack_id=found.attack_id,
        aliases=[a.name for a in found.aliases],
        sponsor=summary(found.sponsor) if found.sponsor else None,
        attribution_confidence=found.attribution_confidence,
        tags=dict(tags),
        techniques_by_tactic=dict(ordered),
        software=[_software(s) for s in _used_by(session, group_stix, SOFTWARE_TYPES)],
        state_names=_state_names(session, [v for values in tags.values() for v in values]),
        source=_source(found),
        as_of=found.as_of,
        tlp=found.tlp,
    )


# ATT&CK techniques and software -----------------------------------------------------------


def _attack_list(
    session: Session,
    types: tuple[str, ...],
    text: str | None,
    limit: int,
    offset: int,
    *where: object,
) -> tuple[list[AttackObject], int]:
    check_page(limit, offset)
    query = select(AttackObject).where(
        AttackObject.type.in_(types),
        _current(),
        *where,  # type: ignore[arg-type]
    )
    if text:
        text = text.casefold()
        query = query.where(
            or_(
                func.lower(AttackObject.name).contains(text, autoescape=True),
                func.lower(AttackObject.attack_id).contains(text, autoescape=True),
            )
        )
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(AttackObject.attack_id).limit(limit).offset(offset))
    return list(rows), total


def list_techniques(
    session: Session,
    *,
    text: str | None = None,
    tactic: str | None = None,
    subtechniques: bool = True,
    limit: int = 50,
    offset: int = 0,
) -> records.Page[records.TechniqueSummary]:
    """Current (not revoked) techniques by ATT&CK id, filtered by text and tactic."""
    where: list[object] = []
    if not subtechniques:
        where.append(AttackObject.is_subtechnique.is_(False))
    if tactic:
        if tactic not in TACTIC_ORDER:
            raise InvalidQuery("tactic", f"{tactic!r} is not one of {', '.join(TACTIC_ORDER)}")
        where.append(cast(AttackObject.tactics, String).contains(f'"{tactic}"', autoescape=True))
    rows, total = _attack_list(session, ("attack-pattern",), text, limit, offset, *where)
    return records.Page[records.TechniqueSummary](
        items=[_technique(r) for r in rows], total=total, limit=limit, offset=offset
    )


def list_software(
    session: Session,
    *,
    text: str | None = None,
    type: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> records.Page[records.SoftwareSummary]:
    """Current malware and tools by ATT&CK id, filtered by text and type."""
    if type and type not in SOFTWARE_TYPES:
        raise InvalidQuery("type", "must be 'malware' or 'tool'")
    rows, total = _attack_list(session, (type,) if type else SOFTWARE_TYPES, text, limit, offset)
    return records.Page[records.SoftwareSummary](
        items=[_software(r) for r in rows], total=total, limit=limit, offset=offset
    )


def _attack_object(
    session: Session, attack_id: str, types: tuple[str, ...], kind: str
) -> AttackObject:
    found = session.scalars(
        select(AttackObject)
        .where(AttackObject.attack_id == attack_id.strip().upper(), AttackObject.type.in_(types))
        .order_by(AttackObject.revoked)
    ).first()
    if found is None:
        raise NotFound(kind, attack_id)
    return found


def _groups_using(session: Session, stix_id: str) -> list[records.ActorSummary]:
    actors = session.scalars(
        select(Actor)
        .join(AttackObject, AttackObject.actor_id == Actor.id)
        .join(AttackRelationship, AttackRelationship.source_ref == AttackObject.stix_id)
        .where(AttackRelationship.type == "uses", AttackRelationship.target_ref == stix_id)
        .distinct()
        .order_by(Actor.name)
        .options(selectinload(Actor.sponsor))
    )
    return [summary(a) for a in actors]


def _related(session: Session, stix_id: str, rel: str, *, incoming: bool) -> list[AttackObject]:
    near, far = (
        (AttackRelationship.target_ref, AttackRelationship.source_ref)
        if incoming
        else (AttackRelationship.source_ref, AttackRelationship.target_ref)
    )
    return list(
        session.scalars(
            select(AttackObject)
            .join(AttackRelationship, far == AttackObject.stix_id)
            .where(near == stix_id, AttackRelationship.type == rel, _current())
            .order_by(AttackObject.attack_id)
        )
    )


def technique(session: Session, attack_id: str) -> records.TechniqueDetail:
    """A technique with its parent, sub-techniques, the groups that use it and any successor."""
    found = _attack_object(session, attack_id, ("attack-pattern",), "technique")
    parents = _related(session, found.stix_id, "subtechnique-of", incoming=False)
    successor = _related(session, found.stix_id, "revoked-by", incoming=False)
    return records.TechniqueDetail(
        attack_id=found.attack_id or found.stix_id,
        name=found.name,
        description=found.description,
        url=found.url,
        tactics=found.tactics,
        platforms=found.platforms,
        is_subtechnique=found.is_subtechnique,
        parent=_technique(parents[0]) if parents else None,
        subtechniques=[
            _technique(t)
            for t in _related(session, found.stix_id, "subtechnique-of", incoming=True)
        ],
        groups=_groups_using(session, found.stix_id),
        revoked_by=successor[0].attack_id if successor else None,
    )


def software(session: Session, attack_id: str) -> records.SoftwareDetail:
    """A piece of malware or a tool with the groups that use it and the techniques it implements."""
    found = _attack_object(session, attack_id, SOFTWARE_TYPES, "software")
    techniques = [
        t
        for t in _related(session, found.stix_id, "uses", incoming=False)
        if t.type == "attack-pattern"
    ]
    return records.SoftwareDetail(
        attack_id=found.attack_id or found.stix_id,
        name=found.name,
        type=found.type,
        description=found.description,
        url=found.url,
        aliases=found.aliases,
        platforms=found.platforms,
        groups=_groups_using(session, found.stix_id),
        techniques=[_technique(t) for t in techniques],
    )


def _uses() -> Select[str | None, str, str | None]:
    """(group id, used object's type, used object's id) for every current 'uses' pair."""
    return (
        select(UsingGroup.attack_id, UsedObject.type, UsedObject.attack_id)
        .join(AttackRelationship, AttackRelationship.source_ref == UsingGroup.stix_id)
        .join(UsedObject, AttackRelationship.target_ref == UsedObject.stix_id)
        .where(
            UsingGroup.type == "intrusion-set",
            AttackRelationship.type == "uses",
            _current(UsingGroup),
            _current(UsedObject),
        )
        .distinct()
    )


def group_usage(session: Session) -> dict[str, dict[str, list[str]]]:
    """For every current ATT&CK group: the ATT&CK ids of the techniques and software it uses."""
    usage: dict[str, dict[str, list[str]]] = defaultdict(lambda: {"techniques": [], "software": []})
    for group_id, kind, used_id in session.execute(
        _uses().where(UsedObject.type.in_(("attack-pattern", *SOFTWARE_TYPES)))
    ):
        if group_id and used_id:
            kind_key = "techniques" if kind == "attack-pattern" else "software"
            usage[group_id][kind_key].append(used_id)
    return dict(usage)


def technique_users(session: Session) -> dict[str, list[str]]:
    """For every current technique: the ATT&CK ids of the current groups that use it."""
    users: dict[str, list[str]] = defaultdict(list)
    for group_id, _kind, technique_id in session.execute(
        _uses().where(UsedObject.type == "attack-pattern")
    ):
        if group_id and technique_id:
            users[technique_id].append(group_id)
    return dict(users)


# Search -----------------------------------------------------------------------------------


def incident_matching(text: str) -> ColumnElement[bool]:
    """Incidents whose name or one of whose aliases contains `text`, in any case."""
    folded = text.casefold()
    return or_(
        func.lower(Incident.name).contains(folded, autoescape=True),
        func.lower(cast(Incident.aliases, String)).contains(folded, autoescape=True),
    )


def _relevance(key: str, keys: list[str]) -> int:
    """0 for an exact name or alias, 1 for a prefix, 2 for a match inside a name."""
    if key in keys:
        return 0
    return 1 if any(k.startswith(key) for k in keys) else 2


def search(session: Session, text: str, limit: int = 20) -> list[records.SearchHit]:
    """Incidents, actors, states, techniques and software by name, alias or ATT&CK id.

    Within each kind, exact names come first, then prefixes; `limit` applies per kind so a
    common word cannot crowd out the other kinds.
    """
    text = text.strip()
    key = alias_key(text)
    if len(key) < 2:
        raise InvalidQuery("search text", "give at least two letters or digits")
    hits: list[records.SearchHit] = []
    incidents = session.scalars(select(Incident).where(incident_matching(text))).all()
    ranked_incidents = sorted(
        incidents,
        key=lambda i: (_relevance(key, [alias_key(n) for n in [i.name, *i.aliases]]), i.name),
    )
    for incident in ranked_incidents[:limit]:
        matched = next((a for a in incident.aliases if key in alias_key(a)), incident.name)
        hits.append(
            records.SearchHit(
                kind="incident", key=incident.slug, name=incident.name, matched=matched
            )
        )
    actors = session.scalars(
        select(Actor).where(_matching(text)).options(selectinload(Actor.aliases))
    ).all()
    ranked = sorted(
        actors,
        key=lambda a: (
            _relevance(key, [alias_key(a.name), *(x.key for x in a.aliases)]),
            a.kind.value,
            a.name,
        ),
    )
    for kind in ActorKind:
        for found in [a for a in ranked if a.kind == kind][:limit]:
            matched = next((a.name for a in found.aliases if key in a.key), found.name)
            link = found.iso3 if found.kind == ActorKind.STATE else found.slug
            hits.append(
                records.SearchHit(
                    kind=found.kind.value, key=link or found.slug, name=found.name, matched=matched
                )
            )
    objects, _ = _attack_list(session, ("attack-pattern", *SOFTWARE_TYPES), text, MAX_LIMIT, 0)
    objects.sort(
        key=lambda o: (
            _relevance(key, [alias_key(o.name), alias_key(o.attack_id or "")]),
            o.attack_id or "",
        )
    )
    for label, types in (("technique", ("attack-pattern",)), ("software", SOFTWARE_TYPES)):
        for obj in [o for o in objects if o.type in types][:limit]:
            hits.append(
                records.SearchHit(
                    kind=label, key=obj.attack_id or obj.stix_id, name=obj.name, matched=obj.name
                )
            )
    return hits


# Pages ---------------------------------------------------------------------------------------


def _state_names(session: Session, codes: list[str]) -> dict[str, str]:
    rows = session.execute(
        select(Actor.iso3, Actor.name).where(Actor.kind == ActorKind.STATE, Actor.iso3.in_(codes))
    )
    return {str(iso3): name for iso3, name in rows}


def dashboard(session: Session) -> records.Dashboard:
    """The overview counts with the blocs, for the dashboard page."""
    return records.Dashboard(overview=overview(session), blocs=list_blocs(session))


def state_listing(
    session: Session,
    *,
    text: str | None = None,
    bloc: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> records.StateListing:
    """A page of states with the blocs a reader can filter by."""
    return records.StateListing(
        states=list_states(session, text=text, bloc=bloc, limit=limit, offset=offset),
        blocs=list_blocs(session),
    )


def actor_listing(
    session: Session,
    *,
    text: str | None = None,
    sponsor: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> records.ActorListing:
    """A page of threat groups with every suspected sponsor state a reader can filter by."""
    sponsors = session.execute(
        select(Sponsor.iso3, Sponsor.name)
        .join(Actor, Actor.sponsor_id == Sponsor.id)
        .where(Actor.kind == ActorKind.THREAT_GROUP)
        .distinct()
        .order_by(Sponsor.name)
    )
    return records.ActorListing(
        actors=list_actors(session, text=text, sponsor=sponsor, limit=limit, offset=offset),
        sponsors={str(iso3): name for iso3, name in sponsors},
    )
