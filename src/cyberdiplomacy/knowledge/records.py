"""Read models returned by the query functions: plain pydantic records, ready for JSON."""

from __future__ import annotations

import datetime
from datetime import date
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict

T = TypeVar("T")


class Record(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Page(Record, Generic[T]):
    """One page of a list, with the total count for pagination."""

    items: list[T]
    total: int
    limit: int
    offset: int


class SourceRecord(Record):
    publisher: str
    title: str
    url: str | None = None
    published: date | None = None
    reliability: str | None = None


class ActorSummary(Record):
    slug: str
    kind: str
    name: str
    iso3: str | None = None
    attack_id: str | None = None
    sponsor_iso3: str | None = None


class Bloc(Record):
    slug: str
    name: str
    full_name: str | None = None
    members: int


class BlocMembership(Record):
    bloc: str
    name: str
    since: date | None = None
    until: date | None = None


class Participation(Record):
    instrument: str
    name: str
    status: str
    date: datetime.date | None = None
    as_of: datetime.date | None = None
    source: SourceRecord | None = None


class StateProfile(Record):
    slug: str
    name: str
    iso3: str
    iso2: str | None
    un_status: str | None
    un_member_since: int | None
    aliases: list[str]
    blocs: list[BlocMembership]
    instruments: list[Participation]
    sponsored_groups: list[ActorSummary]
    source: SourceRecord | None = None
    as_of: date | None = None
    tlp: str = "clear"


class BlocProfile(Record):
    slug: str
    name: str
    full_name: str | None
    members: list[ActorSummary]
    since: dict[str, date | None]
    source: SourceRecord | None = None
    as_of: date | None = None
    tlp: str = "clear"


class TechniqueSummary(Record):
    attack_id: str
    name: str
    tactics: list[str]
    is_subtechnique: bool


class SoftwareSummary(Record):
    attack_id: str
    name: str
    type: str


class ActorProfile(Record):
    slug: str
    kind: str
    name: str
    description: str | None
    attack_id: str | None
    aliases: list[str]
    sponsor: ActorSummary | None
    attribution_confidence: int | None
    tags: dict[str, list[str]]
    techniques_by_tactic: dict[str, list[TechniqueSummary]]
    software: list[SoftwareSummary]
    state_names: dict[str, str]
    source: SourceRecord | None = None
    as_of: date | None = None
    tlp: str = "clear"


class TechniqueDetail(Record):
    attack_id: str
    name: str
    description: str | None
    url: str | None
    tactics: list[str]
    platforms: list[str]
    is_subtechnique: bool
    parent: TechniqueSummary | None
    subtechniques: list[TechniqueSummary]
    groups: list[ActorSummary]
    revoked_by: str | None = None


class SoftwareDetail(Record):
    attack_id: str
    name: str
    type: str
    description: str | None
    url: str | None
    aliases: list[str]
    platforms: list[str]
    groups: list[ActorSummary]
    techniques: list[TechniqueSummary]


class SearchHit(Record):
    kind: str
    key: str
    name: str
    matched: str


class Overview(Record):
    """What the knowledge base holds, per kind."""

    states: int
    blocs: int
    threat_groups: int
    sponsored_groups: int
    techniques: int
    software: int
    relationships: int
    vocabulary_terms: int
    top_sponsors: list[tuple[str, str, int]]


# Pages ---------------------------------------------------------------------------------------


class Dashboard(Record):
    """What the dashboard shows: the counts and the blocs."""

    overview: Overview
    blocs: list[Bloc]


class StateListing(Record):
    """One page of states and the blocs offered as a filter."""

    states: Page[ActorSummary]
    blocs: list[Bloc]


class ActorListing(Record):
    """One page of threat groups and every suspected sponsor state (ISO3 → name) as a filter."""

    actors: Page[ActorSummary]
    sponsors: dict[str, str]
