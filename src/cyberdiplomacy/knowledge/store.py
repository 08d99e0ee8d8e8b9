"""Small write helpers shared by the importers: find-or-create by natural key."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from cyberdiplomacy.knowledge.models import Actor, ActorKind, Alias, Source, alias_key


def slugify(text: str) -> str:
    """Lower-case, hyphen-separated, ASCII-only form of a name."""
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "unnamed"


def source(
    session: Session,
    *,
    publisher: str,
    title: str,
    url: str | None = None,
    published: date | None = None,
    reliability: str | None = None,
) -> Source:
    """The source with this publisher and title, created or updated to the given details."""
    found = session.scalar(
        select(Source).where(Source.publisher == publisher, Source.title == title)
    )
    if found is None:
        found = Source(publisher=publisher, title=title)
        session.add(found)
    # A later citation that omits a detail must not erase what an earlier one confirmed.
    found.url = url or found.url
    found.published = published or found.published
    found.reliability = reliability or found.reliability
    session.flush()
    return found


def actor(session: Session, slug: str, kind: ActorKind, name: str) -> Actor:
    """The actor with this slug, created if missing; kind and name are set either way."""
    found = session.scalar(select(Actor).where(Actor.slug == slug))
    if found is None:
        found = Actor(slug=slug, kind=kind, name=name)
        session.add(found)
    found.kind, found.name = kind, name
    return found


def set_aliases(actor: Actor, names: Iterable[str]) -> None:
    """Make `names` (less the actor's own name and duplicates) the actor's aliases."""
    wanted: dict[str, str] = {}
    own = alias_key(actor.name)
    # Of several spellings of one alias, keep the same one every run: mixed case before capitals.
    for name in sorted(names, key=lambda n: (n.isupper(), n)):
        key = alias_key(name)
        if key and key != own:
            wanted.setdefault(key, name.strip())
    existing = {a.key: a for a in actor.aliases}
    actor.aliases = [existing.get(k) or Alias(name=n, key=k) for k, n in sorted(wanted.items())]
    for key, alias in existing.items():
        if key in wanted:
            alias.name = wanted[key]
