"""Resolve the references curated records make: states by ISO3, everything else by slug."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from cyberdiplomacy.errors import ImportFailed
from cyberdiplomacy.knowledge import store
from cyberdiplomacy.knowledge.models import Actor, ActorKind, Incident, Source
from cyberdiplomacy.sources.schemas import SourceRef


class References:
    """Look-ups for one import; a missing reference fails it with file, line and field."""

    def __init__(self, session: Session, path: str) -> None:
        self.session = session
        self.path = path
        actors = session.scalars(select(Actor)).all()
        self.states = {a.iso3: a for a in actors if a.kind == ActorKind.STATE and a.iso3}
        self.by_slug = {a.slug: a for a in actors}
        self.incidents = {i.slug: i for i in session.scalars(select(Incident))}

    def fail(self, line: int | None, field: str, reason: str) -> ImportFailed:
        return ImportFailed(self.path, f"{field}: {reason}", line=line)

    def state(self, iso3: str, line: int | None, field: str) -> Actor:
        """A UN member or observer state by ISO 3166-1 alpha-3 code."""
        found = self.states.get(iso3)
        if found is None:
            raise self.fail(line, field, f"{iso3!r} is not a UN member or observer state")
        return found

    def party(self, key: str, line: int | None, field: str) -> Actor:
        """A state (ISO3) or a bloc, organisation or company (slug)."""
        found = self.states.get(key) or self.by_slug.get(key)
        if found is None or found.kind == ActorKind.THREAT_GROUP:
            raise self.fail(line, field, f"{key!r} is not a state, bloc or organisation")
        return found

    def actor(self, slug: str, line: int | None, field: str) -> Actor:
        """A threat actor by slug."""
        found = self.by_slug.get(slug)
        if found is None or found.kind != ActorKind.THREAT_GROUP:
            raise self.fail(line, field, f"{slug!r} is not a threat actor in the knowledge base")
        return found

    def target(self, key: str, line: int | None, field: str) -> Actor:
        """Any actor: a state by ISO3, anything else by slug."""
        found = self.states.get(key) or self.by_slug.get(key)
        if found is None:
            raise self.fail(line, field, f"{key!r} is not a state or actor in the knowledge base")
        return found

    def incident(self, slug: str, line: int | None, field: str) -> Incident:
        found = self.incidents.get(slug)
        if found is None:
            raise self.fail(line, field, f"{slug!r} is not an incident in the knowledge base")
        return found

    def source(self, ref: SourceRef) -> Source:
        """The stored source for a citation, created on first use."""
        return store.source(
            self.session,
            publisher=ref.publisher,
            title=ref.title,
            url=str(ref.url) if ref.url else None,
            published=ref.published,
            reliability=ref.reliability,
        )
