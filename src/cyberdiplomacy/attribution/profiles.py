"""Threat-group profiles for technical attribution, built from an ATT&CK bundle or the base.

Both sources give the same in-memory `GroupProfiles`, so the engine, the baselines and the
evaluation never touch files or SQL. A profile is the set of items a group is known for:
ATT&CK techniques (sub-techniques included) and software, plus, from the knowledge base only,
MISP facets (targeted sectors, suspected victim states). A bundle carries no sponsor states;
those come from the knowledge base (MISP threat-actor galaxy, CFR's suspected sponsors).

Revoked ATT&CK ids are kept as a map to their successors (following `revoked-by` chains), so
an observation written against an older ATT&CK release still resolves.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import select
from sqlalchemy.orm import Session

from cyberdiplomacy.errors import InvalidQuery, UnknownAttackIds
from cyberdiplomacy.knowledge.models import Actor, ActorTag, AttackObject, AttackRelationship
from cyberdiplomacy.sources.attack import read_bundle

ItemKind = Literal["technique", "software", "sector", "victim"]

TECHNIQUE_ID = re.compile(r"^T\d{4}(\.\d{3})?$")
SOFTWARE_ID = re.compile(r"^S\d{4}$")
ISO3 = re.compile(r"^[A-Z]{3}$")
SOFTWARE_TYPES = ("malware", "tool")
ATTACK_TYPES = ("attack-pattern", *SOFTWARE_TYPES, "intrusion-set")
SECTOR_TAGS = ("targeted-sector", "target-category")
VICTIM_TAG = "suspected-victim"
CITATION = re.compile(r"\(Citation: (.+?)\)")
MAX_CHAIN = 20  # revoked-by chains are short; the bound only guards against cycles


def sector_key(sector: str) -> str:
    """The item key of a targeted sector; MISP spells sectors with varying case."""
    return "sector:" + " ".join(sector.casefold().split())


def victim_key(iso3: str) -> str:
    """The item key of a victim state by ISO 3166-1 alpha-3 code."""
    return "victim:" + iso3


@dataclass(frozen=True)
class Item:
    """Something a group can be known for; `techniques` lists what a software item does."""

    key: str
    kind: ItemKind
    name: str
    parent: str | None = None
    techniques: frozenset[str] = frozenset()


class Catalogue(Mapping[str, Item]):
    """Every known item by key, with the column layout and links the engine precomputes once.

    Held-out variants of the profiles share one catalogue, so its arrays are built only once.
    """

    def __init__(self, items: Iterable[Item]) -> None:
        self._items = {item.key: item for item in sorted(items, key=lambda i: i.key)}
        self.index = {key: column for column, key in enumerate(self._items)}

    def __getitem__(self, key: str) -> Item:
        return self._items[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    @cached_property
    def children(self) -> Mapping[str, frozenset[str]]:
        """The sub-techniques of every parent technique."""
        found: dict[str, set[str]] = defaultdict(set)
        for key, item in self.items():
            if item.parent:
                found[item.parent].add(key)
        return {parent: frozenset(keys) for parent, keys in found.items()}

    @cached_property
    def implementers(self) -> Mapping[str, frozenset[str]]:
        """The software implementing every technique."""
        found: dict[str, set[str]] = defaultdict(set)
        for key, item in self.items():
            for technique in item.techniques:
                found[technique].add(key)
        return {technique: frozenset(keys) for technique, keys in found.items()}

    @cached_property
    def sub_techniques(self) -> Links:
        """Every sub-technique (source) with its parent (target)."""
        return Links.of(
            (self.index[k], self.index[i.parent]) for k, i in self.items() if i.parent in self.index
        )

    @cached_property
    def implementations(self) -> Links:
        """Every software (source) with each technique it implements (target)."""
        return Links.of(
            (self.index[k], self.index[t])
            for k, i in self.items()
            for t in i.techniques
            if t in self.index
        )


@dataclass(frozen=True)
class Links:
    """Column pairs sorted by target, so a group-by-target is one `reduceat` over columns."""

    sources: NDArray[np.intp]
    targets: NDArray[np.intp]
    starts: NDArray[np.intp]  # where each distinct target's run begins

    @classmethod
    def of(cls, pairs: Iterable[tuple[int, int]]) -> Links:
        array = np.array(sorted(pairs, key=lambda p: (p[1], p[0])), dtype=np.intp).reshape(-1, 2)
        starts = np.flatnonzero(np.diff(array[:, 1], prepend=-1))
        return cls(array[:, 0], array[:, 1], starts)

    def any_source(self, matrix: NDArray[np.float64]) -> NDArray[np.float64]:
        """For each target row of an item-major matrix: the max over that target's sources."""
        result = np.zeros_like(matrix)
        if len(self.sources):
            result[self.targets[self.starts]] = np.maximum.reduceat(
                matrix[self.sources], self.starts, axis=0
            )
        return result


@dataclass(frozen=True)
class Group:
    """A current ATT&CK group: its items, their cited reports and its suspected sponsor (ISO3).

    `citations` maps an item to the reports ATT&CK cites for the group's use of it, which lets
    the evaluation hold out whole reports, as a new campaign report would be held out.
    """

    attack_id: str
    name: str
    sponsor: str | None
    items: frozenset[str]
    citations: Mapping[str, frozenset[str]] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Observation:
    """What was seen in an incident: ATT&CK ids, and optionally target sectors and victim ISO3s."""

    techniques: tuple[str, ...] = ()
    software: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    victims: tuple[str, ...] = ()


@dataclass(frozen=True)
class Query:
    """An observation resolved against the profiles: current item keys, in the order given.

    `resolved` maps each revoked id given to the current id used instead; `unused` lists the
    known items no group profile has (they cannot discriminate between groups).
    """

    keys: tuple[str, ...]
    resolved: Mapping[str, str] = field(default_factory=dict)
    unused: tuple[str, ...] = ()


@dataclass(frozen=True)
class GroupProfiles:
    """Every current group's profile, the catalogue of known items, and revoked-id successors."""

    groups: tuple[Group, ...]
    items: Catalogue
    successors: Mapping[str, str]
    origin: str

    def group(self, attack_id: str) -> Group:
        """The group with this ATT&CK id."""
        for group in self.groups:
            if group.attack_id == attack_id:
                return group
        raise InvalidQuery("group", f"no current ATT&CK group {attack_id!r} in {self.origin}")

    def without(self, attack_id: str, hidden: Iterable[str]) -> GroupProfiles:
        """The same profiles with `hidden` removed from one group (for held-out evaluation)."""
        gone = frozenset(hidden)
        groups = tuple(
            replace(
                g,
                items=g.items - gone,
                citations={k: v for k, v in g.citations.items() if k not in gone},
            )
            if g.attack_id == attack_id
            else g
            for g in self.groups
        )
        return replace(self, groups=groups)

    def excluding(self, attack_id: str) -> GroupProfiles:
        """The same profiles with one group left out entirely (an actor the base does not know)."""
        return replace(self, groups=tuple(g for g in self.groups if g.attack_id != attack_id))

    def resolve(self, observation: Observation) -> Query:
        """Check the observation's ids and map revoked ones to their successors.

        Raises `UnknownAttackIds` naming every malformed or unknown id, and `InvalidQuery` for an
        observation with no technique and no software (sectors and victims alone say too little).
        """
        if not observation.techniques and not observation.software:
            raise InvalidQuery("observation", "give at least one ATT&CK technique or software id")
        malformed: list[str] = []
        unknown: list[str] = []
        resolved: dict[str, str] = {}
        keys: list[str] = []
        for ids, pattern in (
            (observation.techniques, TECHNIQUE_ID),
            (observation.software, SOFTWARE_ID),
        ):
            for raw in ids:
                given = raw.strip().upper()
                if not pattern.match(given):
                    malformed.append(raw)
                    continue
                current = self.successors.get(given, given)
                if current not in self.items:
                    unknown.append(raw)
                    continue
                if current != given:
                    resolved[given] = current
                keys.append(current)
        for victim in observation.victims:
            code = victim.strip().upper()
            if ISO3.match(code):
                keys.append(victim_key(code))
            else:
                malformed.append(victim)
        keys.extend(sector_key(s) for s in observation.sectors if s.strip())
        if malformed or unknown:
            raise UnknownAttackIds(unknown=tuple(unknown), malformed=tuple(malformed))
        unique = tuple(dict.fromkeys(keys))
        return Query(
            keys=unique, resolved=resolved, unused=tuple(k for k in unique if k not in self.used)
        )

    @cached_property
    def used(self) -> frozenset[str]:
        """The items at least one group profile has."""
        return frozenset(key for g in self.groups for key in g.items)


@dataclass(frozen=True)
class _Object:
    """The fields of an ATT&CK object the profiles need, whichever source it came from."""

    stix_id: str
    type: str
    attack_id: str
    name: str
    revoked: bool
    withdrawn: bool
    actor_id: int | None = None


def _build(
    objects: list[_Object],
    relationships: Iterable[tuple[str, str, str, str | None]],
    origin: str,
    sponsors: Mapping[int, str] | None = None,
    facets: Mapping[int, frozenset[str]] | None = None,
) -> GroupProfiles:
    """Profiles from ATT&CK objects, (type, source, target) relationships and KB extras."""
    by_stix = {o.stix_id: o for o in objects}
    current_ids = {o.attack_id for o in objects if not o.withdrawn}
    revoked_by: dict[str, str] = {}
    parents: dict[str, str] = {}
    uses: dict[str, set[str]] = defaultdict(set)
    cited: dict[tuple[str, str], frozenset[str]] = {}
    for relation, source, target, description in relationships:
        if source not in by_stix or target not in by_stix:
            continue
        if relation == "revoked-by":
            revoked_by[source] = target
        elif relation == "subtechnique-of":
            parents[source] = target
        elif relation == "uses":
            uses[source].add(target)
            cited[source, target] = frozenset(CITATION.findall(description or ""))

    def successor(stix_id: str) -> str:
        for _ in range(MAX_CHAIN):
            if stix_id not in revoked_by:
                break
            stix_id = revoked_by[stix_id]
        return stix_id

    def current_key(stix_id: str) -> str | None:
        obj = by_stix[successor(stix_id)]
        return None if obj.withdrawn else obj.attack_id

    successors = {
        o.attack_id: by_stix[successor(o.stix_id)].attack_id
        for o in objects
        if o.revoked and o.attack_id not in current_ids and o.stix_id in revoked_by
    }
    items: dict[str, Item] = {}
    for obj in sorted(objects, key=lambda o: o.withdrawn):  # a current object wins its id
        if obj.revoked or obj.type == "intrusion-set" or obj.attack_id in items:
            continue
        if obj.type == "attack-pattern":
            parent = by_stix.get(parents.get(obj.stix_id, ""))
            items[obj.attack_id] = Item(
                obj.attack_id, "technique", obj.name, parent.attack_id if parent else None
            )
        else:
            does = {current_key(t) for t in uses[obj.stix_id]}
            techniques = frozenset(k for k in does if k and TECHNIQUE_ID.match(k))
            items[obj.attack_id] = Item(obj.attack_id, "software", obj.name, None, techniques)
    groups = []
    for obj in sorted(objects, key=lambda o: o.attack_id):
        if obj.type != "intrusion-set" or obj.withdrawn:
            continue
        citations: dict[str, frozenset[str]] = {}
        for target in sorted(uses[obj.stix_id]):
            key = current_key(target)
            if key is not None and key in items:
                citations[key] = citations.get(key, frozenset()) | cited[obj.stix_id, target]
        extra = (facets or {}).get(obj.actor_id or -1, frozenset())
        for key in extra:
            kind: ItemKind = "sector" if key.startswith("sector:") else "victim"
            items.setdefault(key, Item(key, kind, key.split(":", 1)[1]))
        groups.append(
            Group(
                attack_id=obj.attack_id,
                name=obj.name,
                sponsor=(sponsors or {}).get(obj.actor_id or -1),
                items=frozenset(citations) | extra,
                citations=citations,
            )
        )
    return GroupProfiles(
        groups=tuple(groups),
        items=Catalogue(items.values()),
        successors=successors,
        origin=origin,
    )


def _attack_id(obj: Mapping[str, Any]) -> str | None:
    for ref in obj.get("external_references", []):
        if ref.get("source_name") == "mitre-attack" and ref.get("external_id"):
            return str(ref["external_id"])
    return None


def from_objects(objects: Iterable[Mapping[str, Any]], origin: str) -> GroupProfiles:
    """Profiles from the objects of an ATT&CK STIX bundle (no sponsors, no MISP facets)."""
    kept: list[_Object] = []
    relationships: list[tuple[str, str, str, str | None]] = []
    for obj in objects:
        if obj["type"] == "relationship":
            if not obj.get("revoked") and not obj.get("x_mitre_deprecated"):
                relationships.append(
                    (
                        obj["relationship_type"],
                        obj["source_ref"],
                        obj["target_ref"],
                        obj.get("description"),
                    )
                )
        elif obj["type"] in ATTACK_TYPES and (attack_id := _attack_id(obj)):
            revoked = bool(obj.get("revoked"))
            kept.append(
                _Object(
                    stix_id=obj["id"],
                    type=obj["type"],
                    attack_id=attack_id,
                    name=str(obj.get("name", attack_id)),
                    revoked=revoked,
                    withdrawn=revoked or bool(obj.get("x_mitre_deprecated")),
                )
            )
    return _build(kept, relationships, origin)


def from_bundle(path: Path) -> GroupProfiles:
    """Profiles from an ATT&CK STIX bundle file (.json or .json.gz)."""
    return from_objects(read_bundle(path), origin=str(path))


def from_session(session: Session, domain: str = "enterprise-attack") -> GroupProfiles:
    """Profiles from the knowledge base: ATT&CK objects plus sponsors and MISP facets."""
    rows = session.execute(
        select(AttackObject).where(
            AttackObject.domain == domain,
            AttackObject.type.in_(ATTACK_TYPES),
            AttackObject.attack_id.is_not(None),
        )
    ).scalars()
    objects = [
        _Object(
            stix_id=o.stix_id,
            type=o.type,
            attack_id=o.attack_id or "",
            name=o.name,
            revoked=o.revoked,
            withdrawn=o.revoked or o.deprecated,
            actor_id=o.actor_id,
        )
        for o in rows
    ]
    relationships = [
        (kind, source, target, description)
        for kind, source, target, description in session.execute(
            select(
                AttackRelationship.type,
                AttackRelationship.source_ref,
                AttackRelationship.target_ref,
                AttackRelationship.description,
            ).where(
                AttackRelationship.domain == domain,
                AttackRelationship.type.in_(("uses", "subtechnique-of", "revoked-by")),
            )
        )
    ]
    actor_ids = {o.actor_id for o in objects if o.actor_id is not None}
    sponsor = Actor.__table__.alias("sponsor")
    sponsors = {
        actor_id: iso3
        for actor_id, iso3 in session.execute(
            select(Actor.id, sponsor.c.iso3)
            .join(sponsor, Actor.sponsor_id == sponsor.c.id)
            .where(Actor.id.in_(actor_ids), sponsor.c.iso3.is_not(None))
        )
    }
    facets: dict[int, set[str]] = defaultdict(set)
    for actor_id, kind, value in session.execute(
        select(ActorTag.actor_id, ActorTag.kind, ActorTag.value).where(
            ActorTag.actor_id.in_(actor_ids), ActorTag.kind.in_((*SECTOR_TAGS, VICTIM_TAG))
        )
    ):
        if kind in SECTOR_TAGS:
            facets[actor_id].add(sector_key(value))
        elif ISO3.match(value):
            facets[actor_id].add(victim_key(value))
    return _build(
        objects,
        relationships,
        origin=f"knowledge base ({domain})",
        sponsors=sponsors,
        facets={k: frozenset(v) for k, v in facets.items()},
    )
