"""Threat actors and Budapest Convention status from the MISP galaxies shipped by pymispgalaxies.

The ATT&CK intrusion-set cluster gives each ATT&CK group its id and synonyms; the threat-actor
cluster adds suspected state sponsors (the CFR's), countries of origin, victims, targets and
confidence. Both are merged into one actor per group: an entry joins the group whose ATT&CK id
it cites, else the one group whose name it bears, else the one ATT&CK group that lists its name
among its associated groups.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib.metadata import version
from typing import Any

from pymispgalaxies.api import Clusters
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from cyberdiplomacy.errors import ImportFailed
from cyberdiplomacy.knowledge import store
from cyberdiplomacy.knowledge.models import (
    Actor,
    ActorKind,
    ActorTag,
    AttackObject,
    Instrument,
    Participation,
    alias_key,
)
from cyberdiplomacy.progress import Progress, Silent
from cyberdiplomacy.sources.countries import to_iso3

GALAXY_URL = "https://github.com/MISP/misp-galaxy/blob/main/clusters/{}.json"
ATTACK_ID = re.compile(r"^G\d{4}$")
ATTACK_URL = re.compile(r"attack\.mitre\.org/groups/(G\d{4})")
BUDAPEST = "budapest-convention"


@dataclass
class Group:
    """A threat group assembled from one or more galaxy entries before it is stored."""

    name: str
    attack_id: str | None = None
    misp_uuid: str | None = None
    description: str | None = None
    aliases: set[str] = field(default_factory=set)
    origin_iso2: str | None = None
    sponsor_name: str | None = None
    confidence: int | None = None
    tags: set[tuple[str, str]] = field(default_factory=set)
    victim_names: set[str] = field(default_factory=set)
    cluster: str = "mitre-intrusion-set"

    def keys(self) -> set[str]:
        return {alias_key(self.name)} | {alias_key(a) for a in self.aliases}


@lru_cache(maxsize=1)
def _clusters() -> Clusters:
    return Clusters()


def _values(cluster: str) -> list[dict[str, Any]]:
    found = _clusters().get(cluster)
    if found is None:
        raise ImportFailed("pymispgalaxies", f"the installed galaxies have no cluster {cluster!r}")
    return sorted((v.to_dict() for v in found.values()), key=lambda v: v["uuid"])


def _only(groups: list[Group]) -> Group | None:
    return groups[0] if len(groups) == 1 else None


def merge_groups(
    intrusion_sets: Iterable[dict[str, Any]], actors: Iterable[dict[str, Any]]
) -> list[Group]:
    """Merge the two clusters' entries into one `Group` per threat group (pure)."""
    groups: list[Group] = []
    by_attack: dict[str, Group] = {}
    by_name: dict[str, list[Group]] = {}
    by_synonym: dict[str, list[Group]] = {}
    for entry in intrusion_sets:
        meta = entry.get("meta", {})
        attack_id = meta.get("external_id")
        if not attack_id or attack_id in by_attack:
            continue
        group = Group(
            name=entry["value"].rsplit(" - ", 1)[0].strip(),
            attack_id=attack_id,
            misp_uuid=entry["uuid"],
            description=entry.get("description"),
            aliases=set(meta.get("synonyms", [])),
        )
        groups.append(group)
        by_attack[attack_id] = group
        by_name.setdefault(alias_key(group.name), []).append(group)
        for synonym in group.aliases:
            by_synonym.setdefault(alias_key(synonym), []).append(group)

    for entry in actors:
        meta = entry.get("meta", {})
        synonyms = [str(s) for s in meta.get("synonyms", [])]
        cited = {s for s in synonyms if ATTACK_ID.match(s)}
        cited |= {m.group(1) for ref in meta.get("refs", []) for m in [ATTACK_URL.search(ref)] if m}
        known = [by_attack[c] for c in sorted(cited) if c in by_attack]
        key = alias_key(entry["value"])
        named = by_name.get(key, [])
        synonym_of = {id(g): g for g in by_synonym.get(key, [])}
        target = _only(known) or _only(named) or _only(list(synonym_of.values()))
        if target is None:
            target = Group(name=entry["value"].strip(), cluster="threat-actor")
            groups.append(target)
            by_name.setdefault(alias_key(target.name), []).append(target)
        target.misp_uuid = entry["uuid"]
        target.cluster = "threat-actor"
        target.description = entry.get("description") or target.description
        target.aliases |= {s for s in synonyms if not ATTACK_ID.match(s)} | {entry["value"]}
        target.origin_iso2 = meta.get("country") or target.origin_iso2
        target.sponsor_name = meta.get("cfr-suspected-state-sponsor") or target.sponsor_name
        if str(meta.get("attribution-confidence", "")).isdigit():
            target.confidence = int(meta["attribution-confidence"])
        target.victim_names |= set(meta.get("cfr-suspected-victims", []))
        for kind, key in (
            ("target-category", "cfr-target-category"),
            ("targeted-sector", "targeted-sector"),
            ("incident-type", "cfr-type-of-incident"),
            ("motive", "motive"),
        ):
            values = meta.get(key, [])
            listed = [values] if isinstance(values, str) else values
            target.tags |= {(kind, str(v)) for v in listed}
    return sorted(groups, key=lambda g: (g.attack_id is None, g.attack_id or "", g.misp_uuid or ""))


def _slugs(groups: list[Group], taken: set[str]) -> list[str]:
    """Unique slugs in the groups' (stable) order, avoiding slugs `taken` by other actors."""
    seen = set(taken)
    slugs = []
    for group in groups:
        slug = base = store.slugify(group.name)
        n = 2
        while slug in seen:
            slug, n = f"{base}-{n}", n + 1
        seen.add(slug)
        slugs.append(slug)
    return slugs


def import_threat_actors(session: Session, progress: Progress | None = None) -> int:
    """Create or update one `threat_group` actor per merged galaxy group; returns how many."""
    progress = progress or Silent()
    groups = merge_groups(_values("mitre-intrusion-set"), _values("threat-actor"))
    progress.start("Threat actors", len(groups))
    states = {
        a.iso3: a for a in session.scalars(select(Actor).where(Actor.kind == ActorKind.STATE))
    }
    by_iso2 = {a.iso2: a for a in states.values()}
    names = [g.sponsor_name for g in groups if g.sponsor_name]
    iso3 = to_iso3(names + [v for g in groups for v in g.victim_names])
    sources = {
        cluster: store.source(
            session,
            publisher="MISP Project",
            title=f"MISP galaxy cluster {cluster} (pymispgalaxies {version('pymispgalaxies')})",
            url=GALAXY_URL.format(cluster),
        ).id
        for cluster in ("mitre-intrusion-set", "threat-actor")
    }
    by_attack = {
        a.attack_id: a for a in session.scalars(select(Actor).where(Actor.attack_id.is_not(None)))
    }
    taken = set(
        session.scalars(select(Actor.slug).where(Actor.kind != ActorKind.THREAT_GROUP)).all()
    )
    # What an ATT&CK import linked to an actor (its G-id and aliases) survives a refresh.
    attack_aliases: dict[int | None, set[str]] = {}
    linked = select(AttackObject.actor_id, AttackObject.aliases).where(
        AttackObject.actor_id.is_not(None)
    )
    for actor_id, aliases in session.execute(linked):
        attack_aliases.setdefault(actor_id, set()).update(aliases)
    today = date.today()
    for group, slug in zip(groups, _slugs(groups, taken), strict=True):
        actor = by_attack.get(group.attack_id or "") or store.actor(
            session, slug, ActorKind.THREAT_GROUP, group.name
        )
        actor.kind, actor.name = ActorKind.THREAT_GROUP, group.name
        actor.attack_id = group.attack_id or actor.attack_id
        actor.misp_uuid = group.misp_uuid
        actor.description = group.description
        actor.attribution_confidence = group.confidence
        actor.sponsor = states.get(iso3.get(group.sponsor_name or "", ""))
        actor.source_id, actor.as_of = sources[group.cluster], today
        store.set_aliases(actor, group.aliases | attack_aliases.get(actor.id, set()))
        victims = {("suspected-victim", iso3.get(v, v)) for v in group.victim_names}
        origin = by_iso2.get(group.origin_iso2 or "")
        if origin is not None:
            victims.add(("origin-country", origin.iso3 or ""))
        session.flush()
        session.execute(delete(ActorTag).where(ActorTag.actor_id == actor.id))
        session.add_all(
            ActorTag(actor_id=actor.id, kind=k, value=v) for k, v in sorted(group.tags | victims)
        )
        progress.advance()
    session.flush()
    return len(groups)


def import_budapest_status(session: Session, progress: Progress | None = None) -> int:
    """Record each state's Budapest Convention status from the galaxy's country cluster."""
    progress = progress or Silent()
    entries = _values("country")
    progress.start("Budapest Convention", len(entries))
    src = store.source(
        session,
        publisher="MISP Project",
        title=f"MISP galaxy cluster country (pymispgalaxies {version('pymispgalaxies')})",
        url=GALAXY_URL.format("country"),
    )
    instrument = session.scalar(select(Instrument).where(Instrument.slug == BUDAPEST))
    if instrument is None:  # the curated instruments file describes it fully
        instrument = Instrument(
            slug=BUDAPEST, kind="convention", name="Convention on Cybercrime (ETS No. 185)"
        )
        session.add(instrument)
        session.flush()
    states = {
        a.iso3: a for a in session.scalars(select(Actor).where(Actor.kind == ActorKind.STATE))
    }
    session.execute(
        delete(Participation).where(
            Participation.instrument_id == instrument.id, Participation.source_id == src.id
        )
    )
    curated = set(
        session.execute(
            select(Participation.actor_id, Participation.status).where(
                Participation.instrument_id == instrument.id
            )
        )
    )
    count, today = 0, date.today()
    for entry in entries:
        meta = entry.get("meta", {})
        status = {"parties": "party", "observers": "observer"}.get(
            meta.get("budapest-convention", "")
        )
        state = states.get(meta.get("ISO3", ""))
        if status and state and (state.id, status) not in curated:
            session.add(
                Participation(
                    actor_id=state.id,
                    instrument_id=instrument.id,
                    status=status,
                    source_id=src.id,
                    as_of=today,
                )
            )
            count += 1
        progress.advance()
    session.flush()
    return count
