"""MITRE ATT&CK STIX 2.1 bundles: techniques, software, groups, campaigns and their relationships.

A bundle replaces everything previously imported for its domain (enterprise, mobile, ICS) in one
transaction (relationships that are themselves revoked or deprecated are left out). Groups are
linked to the knowledge base's threat actors by ATT&CK id, else by name.
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from cyberdiplomacy.errors import ImportFailed
from cyberdiplomacy.knowledge import store
from cyberdiplomacy.knowledge.models import (
    Actor,
    ActorKind,
    AttackObject,
    AttackRelationship,
    alias_key,
)
from cyberdiplomacy.progress import Progress, Silent

KEPT_TYPES = ("attack-pattern", "malware", "tool", "intrusion-set", "campaign", "x-mitre-tactic")
ATTACK_SOURCES = ("mitre-attack", "mitre-mobile-attack", "mitre-ics-attack")
CHUNK = 2000


@dataclass(frozen=True)
class AttackImport:
    """What one bundle brought: objects per type, relationships, and groups linked to actors."""

    domain: str
    objects: dict[str, int]
    relationships: int
    linked_groups: int
    new_actors: int


def read_bundle(path: Path) -> list[dict[str, Any]]:
    """The objects of a STIX bundle in a .json or .json.gz file, with clear errors."""
    name = str(path)
    try:
        raw = path.read_bytes()
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        bundle = json.loads(raw)
    except FileNotFoundError as exc:
        raise ImportFailed(name, "no such file") from exc
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:  # BadGzipFile is an OSError
        raise ImportFailed(name, f"corrupt gzip data: {exc}") from exc
    except OSError as exc:
        raise ImportFailed(name, f"cannot read: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise ImportFailed(name, f"not valid JSON: {exc.msg}", line=exc.lineno) from exc
    except UnicodeDecodeError as exc:
        raise ImportFailed(name, "not UTF-8 text") from exc
    if not isinstance(bundle, dict) or bundle.get("type") != "bundle":
        raise ImportFailed(name, "not a STIX bundle (expected an object with type 'bundle')")
    objects = bundle.get("objects")
    if not isinstance(objects, list):
        raise ImportFailed(name, "the bundle has no list of objects")
    for index, obj in enumerate(objects):
        if not isinstance(obj, dict) or not obj.get("id") or not obj.get("type"):
            raise ImportFailed(name, "object without id or type", ref=f"object #{index}")
    return objects


def _attack_id(obj: dict[str, Any]) -> tuple[str | None, str | None]:
    for ref in obj.get("external_references", []):
        if ref.get("source_name") in ATTACK_SOURCES and ref.get("external_id"):
            return ref["external_id"], ref.get("url")
    return None, None


def _withdrawn(obj: dict[str, Any]) -> bool:
    return bool(obj.get("revoked", False) or obj.get("x_mitre_deprecated", False))


def _latest(objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One object per STIX id: a bundle may hold several versions; the newest `modified` wins."""
    latest: dict[str, dict[str, Any]] = {}
    for obj in objects:
        kept = latest.get(obj["id"])
        if kept is None or str(obj.get("modified", "")) >= str(kept.get("modified", "")):
            latest[obj["id"]] = obj
    return list(latest.values())


def _domain(objects: list[dict[str, Any]]) -> str:
    domains = Counter(d for o in objects for d in o.get("x_mitre_domains", [])[:1])
    return domains.most_common(1)[0][0] if domains else "enterprise-attack"


def _object_row(obj: dict[str, Any], domain: str, source: str) -> dict[str, Any]:
    if "name" not in obj:
        raise ImportFailed(source, "object has no name", ref=obj["id"])
    attack_id, url = _attack_id(obj)
    tactics = [
        phase["phase_name"]
        for phase in obj.get("kill_chain_phases", [])
        if str(phase.get("kill_chain_name", "")).startswith("mitre")
    ]
    return {
        "stix_id": obj["id"],
        "type": obj["type"],
        "domain": domain,
        "attack_id": attack_id,
        "name": obj["name"],
        "description": obj.get("description"),
        "url": url,
        "revoked": bool(obj.get("revoked", False)),
        "deprecated": bool(obj.get("x_mitre_deprecated", False)),
        "is_subtechnique": bool(obj.get("x_mitre_is_subtechnique", False)),
        "tactics": tactics,
        "platforms": obj.get("x_mitre_platforms", []),
        "aliases": [
            a for a in obj.get("aliases", obj.get("x_mitre_aliases", [])) if a != obj["name"]
        ],
        "modified": obj.get("modified"),
        "actor_id": None,
    }


def _relationship_row(obj: dict[str, Any], domain: str, source: str) -> dict[str, Any]:
    for key in ("relationship_type", "source_ref", "target_ref"):
        if not obj.get(key):
            raise ImportFailed(source, f"relationship has no {key}", ref=obj["id"])
    return {
        "stix_id": obj["id"],
        "type": obj["relationship_type"],
        "domain": domain,
        "source_ref": obj["source_ref"],
        "target_ref": obj["target_ref"],
        "description": obj.get("description"),
    }


class _ActorIndex:
    """Threat actors by ATT&CK id and by every name they go by, for linking groups."""

    def __init__(self, session: Session) -> None:
        actors = session.scalars(select(Actor).where(Actor.kind == ActorKind.THREAT_GROUP)).all()
        self.by_attack = {a.attack_id: a for a in actors if a.attack_id}
        self.by_key: dict[str, list[Actor]] = {}
        for known in actors:
            for key in {alias_key(known.name)} | {a.key for a in known.aliases}:
                self.by_key.setdefault(key, []).append(known)
        self.slugs = set(session.scalars(select(Actor.slug)).all())

    def match(self, attack_id: str, name: str) -> Actor | None:
        """The actor with this ATT&CK id, else the one actor without an id bearing this name."""
        if attack_id in self.by_attack:
            return self.by_attack[attack_id]
        named = {id(a): a for a in self.by_key.get(alias_key(name), []) if not a.attack_id}
        return next(iter(named.values())) if len(named) == 1 else None

    def new_slug(self, name: str) -> str:
        slug = base = store.slugify(name)
        n = 2
        while slug in self.slugs:
            slug, n = f"{base}-{n}", n + 1
        self.slugs.add(slug)
        return slug


def _link_groups(session: Session, groups: list[dict[str, Any]]) -> tuple[int, int]:
    """Give every current ATT&CK group an actor; returns (linked, newly created)."""
    index = _ActorIndex(session)
    src = store.source(
        session, publisher="MITRE", title="MITRE ATT&CK", url="https://attack.mitre.org/"
    )
    created = 0
    for group in groups:
        if group["revoked"] or group["deprecated"] or not group["attack_id"]:
            continue
        actor = index.match(group["attack_id"], group["name"])
        if actor is None:
            actor = Actor(
                slug=index.new_slug(group["name"]),
                kind=ActorKind.THREAT_GROUP,
                name=group["name"],
                description=group["description"],
                source_id=src.id,
                as_of=date.today(),
            )
            session.add(actor)
            created += 1
        actor.attack_id = group["attack_id"]
        index.by_attack[group["attack_id"]] = actor
        store.set_aliases(actor, [a.name for a in actor.aliases] + group["aliases"])
        session.flush()
        group["actor_id"] = actor.id
    return sum(1 for g in groups if g["actor_id"]), created


def import_bundle(session: Session, path: Path, progress: Progress | None = None) -> AttackImport:
    """Replace the bundle's domain in the knowledge base with the bundle's contents."""
    progress = progress or Silent()
    source = str(path)
    objects = _latest(read_bundle(path))
    domain = _domain(objects)
    progress.start(f"ATT&CK {domain}", len(objects))
    rows: list[dict[str, Any]] = []
    relationships: list[dict[str, Any]] = []
    for obj in objects:
        if obj["type"] in KEPT_TYPES:
            rows.append(_object_row(obj, domain, source))
        elif obj["type"] == "relationship" and not _withdrawn(obj):
            relationships.append(_relationship_row(obj, domain, source))
    kept = {r["stix_id"] for r in rows}
    relationships = [
        r for r in relationships if r["source_ref"] in kept and r["target_ref"] in kept
    ]
    groups = [r for r in rows if r["type"] == "intrusion-set"]
    linked, created = _link_groups(session, groups)

    session.execute(delete(AttackRelationship).where(AttackRelationship.domain == domain))
    session.execute(delete(AttackObject).where(AttackObject.domain == domain))
    for table, batch in ((AttackObject, rows), (AttackRelationship, relationships)):
        for start in range(0, len(batch), CHUNK):
            chunk = batch[start : start + CHUNK]
            session.execute(insert(table), chunk)
            progress.advance(len(chunk))
    progress.advance(len(objects) - len(rows) - len(relationships))
    return AttackImport(
        domain=domain,
        objects=dict(Counter(r["type"] for r in rows)),
        relationships=len(relationships),
        linked_groups=linked,
        new_actors=created,
    )
