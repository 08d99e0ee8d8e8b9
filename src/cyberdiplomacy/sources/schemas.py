"""Schemas of the curated YAML datasets: what a record must say, and in which vocabulary.

Controlled values come from the MISP taxonomies (TLP 2.0, estimative language, state
responsibility, organizational cyber harm, DHS CIIP sectors); identifiers follow ISO 3166-1
alpha-3 and ATT&CK.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, HttpUrl, model_validator

from cyberdiplomacy.errors import InvalidQuery
from cyberdiplomacy.knowledge import vocabulary

ISO3 = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=120)]
TechniqueId = Annotated[str, Field(pattern=r"^T\d{4}(\.\d{3})?$")]
SoftwareId = Annotated[str, Field(pattern=r"^S\d{4}$")]


def _in(namespace: str, predicate: str | None = None) -> AfterValidator:
    def check(value: str) -> str:
        try:
            return vocabulary.check(namespace, value, predicate)
        except InvalidQuery as exc:  # pydantic reports ValueErrors with the field's location
            raise ValueError(exc.reason) from exc

    return AfterValidator(check)


Tlp = Annotated[str, _in("tlp")]
Likelihood = Annotated[str, _in("estimative-language", "likelihood-probability")]
Confidence = Annotated[str, _in("estimative-language", "confidence-in-analytic-judgment")]
StateResponsibility = Annotated[str, _in("state-responsibility")]
Sector = Annotated[str, _in("dhs-ciip-sectors", "DHS-critical-sectors")]


def _harm(value: str) -> str:
    kind, _, harm = value.partition(":")
    try:
        vocabulary.check("organizational-cyber-harm", harm, kind)
    except InvalidQuery as exc:
        raise ValueError(f"{value!r}: {exc.reason}") from exc
    return value


Harm = Annotated[str, AfterValidator(_harm)]

# The incident types of the CFR Cyber Operations Tracker, as used by MISP's threat-actor galaxy.
IncidentType = Literal[
    "espionage",
    "sabotage",
    "data-destruction",
    "denial-of-service",
    "doxing",
    "defacement",
    "financial-theft",
    "extortion",
    "information-operations",
]
# What was hit, in the terms the norms use (GGE 2015 13 f/h/k, Paris Call principle 3).
Target = Literal[
    "critical-infrastructure",
    "hospitals-health",
    "electoral-infrastructure",
    "cert-csirt",
    "supply-chain",
    "public-core-of-internet",
    "government",
    "intergovernmental-organization",
    "private-company",
    "civil-society",
]
ClaimForm = Literal[
    "statement",
    "joint-statement",
    "indictment",
    "sanctions-listing",
    "technical-advisory",
    "parliamentary-statement",
    "company-report",
]
ResponseType = Literal[
    "statement",
    "joint-statement",
    "demarche",
    "summoning",
    "sanctions",
    "indictment",
    "expulsion",
    "severing-relations",
    "countermeasure",
    "takedown",
    "reward",
    "capacity-support",
]
# The EU Cyber Diplomacy Toolbox (Council conclusions of 19 June 2017) groups measures so.
ToolboxCategory = Literal[
    "preventive",
    "cooperative",
    "stability",
    "restrictive",
    "lawful-responses",
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceRef(Strict):
    """A citation: who published what, when, and where (URL only where known)."""

    publisher: str = Field(min_length=2)
    title: str = Field(min_length=2)
    url: HttpUrl | None = None
    published: dt.date | None = None
    reliability: Literal["a", "b", "c", "d", "e", "f"] | None = None


class Sourced(Strict):
    """A record with its sources, the date it was known true, and its TLP marking."""

    sources: list[SourceRef] = Field(min_length=1)
    as_of: dt.date
    tlp: Tlp = "clear"


class Member(Strict):
    iso3: ISO3
    since: dt.date | None = None
    until: dt.date | None = None


class Bloc(Strict):
    """A bloc; members come from a country_converter column or are curated with a source."""

    slug: Slug
    name: str
    full_name: str
    country_converter: str | None = None
    source: SourceRef | None = None
    as_of: dt.date | None = None
    members: list[Member] = []


class Incident(Sourced):
    """A significant state-linked cyber operation."""

    slug: Slug
    name: str
    aliases: list[str] = []
    started: dt.date
    ended: dt.date | None = None
    summary: str = Field(min_length=40)
    type: IncidentType
    victims: list[ISO3] = Field(min_length=1)
    sectors: list[Sector] = []
    effects: list[Harm] = []
    targets: list[Target] = []
    techniques: list[TechniqueId] = []
    software: list[SoftwareId] = []
    actors: list[Slug] = []
    armed_conflict: bool = False

    @model_validator(mode="after")
    def _dates_in_order(self) -> Incident:
        if self.ended and self.ended < self.started:
            raise ValueError("ended is before started")
        return self


class Claim(Sourced):
    """One attributor's public attribution of one incident."""

    incident: Slug
    attributor: str = Field(description="ISO3 of a state, or the slug of a bloc or company")
    date: dt.date
    form: ClaimForm
    actor: Slug | None = Field(None, description="slug of the threat actor named")
    state: ISO3 | None = Field(None, description="the state held responsible")
    likelihood: Likelihood | None = None
    confidence: Confidence | None = None
    state_responsibility: StateResponsibility | None = None
    joint_statement: Slug | None = None
    statement: str | None = None

    @model_validator(mode="after")
    def _names_someone(self) -> Claim:
        if self.actor is None and self.state is None:
            raise ValueError("a claim names an actor, a state, or both")
        return self


class Response(Sourced):
    """A measure one responder took over an incident or against an actor."""

    responder: str = Field(description="ISO3 of a state, or the slug of a bloc")
    date: dt.date
    type: ResponseType
    summary: str = Field(min_length=20)
    incident: Slug | None = None
    target: str | None = Field(None, description="ISO3 of a state or slug of an actor")
    toolbox: ToolboxCategory | None = None
    joint_statement: Slug | None = None

    @model_validator(mode="after")
    def _answers_something(self) -> Response:
        if self.incident is None and self.target is None:
            raise ValueError("a response concerns an incident, a target, or both")
        return self


class NormRecord(Strict):
    code: str = Field(pattern=r"^[A-Z0-9][A-Za-z0-9.-]+$")
    title: str
    summary: str = Field(min_length=20)


class ParticipationRecord(Strict):
    party: str = Field(description="ISO3 of a state, or the slug of a bloc")
    status: Literal["signed", "party", "observer", "endorsed", "voted-yes", "voted-no", "abstained"]
    date: dt.date | None = None
    reservations: str | None = None


class Instrument(Sourced):
    """A treaty, protocol, resolution, report or declaration, with its norms and parties."""

    slug: Slug
    kind: Literal["convention", "protocol", "resolution", "report", "declaration", "norm-set"]
    name: str
    body: str
    adopted: dt.date | None = None
    symbol: str | None = None
    url: HttpUrl | None = None
    norms: list[NormRecord] = []
    participants: list[ParticipationRecord] = []


class Organisation(Sourced):
    """A company, agency or international organisation that attributes or responds."""

    slug: Slug
    name: str
    kind: Literal["company", "agency", "organization"]
    country: ISO3 | None = Field(None, description="where it is headquartered")
    description: str | None = None


PositionIssue = Literal[
    "sovereignty-rule",
    "due-diligence",
    "collective-countermeasures",
    "ihl-applies",
    "new-binding-instrument",
    "multistakeholder-governance",
    "data-localisation",
]


class Position(Sourced):
    """A state's published stance on a contested question of cyber diplomacy."""

    state: ISO3
    issue: PositionIssue
    stance: Literal["yes", "no", "qualified", "unclear"]
    summary: str = Field(min_length=20)
    date: dt.date | None = None
