"""The content of a briefing note, section by section: plain data that `briefing.build`
fills in and `render` writes out as Markdown, HTML or PDF (or `--json` prints)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict

from cyberdiplomacy.knowledge.records import SourceRecord

SECTIONS = (
    "Bottom line up front",
    "What happened",
    "Who is behind it and how sure we are",
    "Norms and international law",
    "Options",
    "Likely partners for a joint response",
    "Sources",
)


class Part(BaseModel):
    model_config = ConfigDict(frozen=True)


class Event(Part):
    date: dt.date
    who: str
    what: str


class Happened(Part):
    """The facts of the incident as recorded (or assumed, for a scenario)."""

    summary: str
    type: str | None
    started: dt.date | None
    ended: dt.date | None
    victims: list[str]
    sectors: list[str]
    effects: list[str]
    targets: list[str]
    techniques: list[str]
    software: list[str]
    armed_conflict: bool | None
    responses: list[Event]


class ClaimRow(Part):
    date: dt.date
    attributor: str
    names: str
    form: str
    stated: str | None
    reliability: str
    weight: float
    analysis: int


class CandidateRow(Part):
    attack_id: str
    name: str
    sponsor: str | None
    probability: float
    evidence: list[str]


class Technical(Part):
    """The ranking of known groups for the observed techniques and software."""

    candidates: list[CandidateRow]
    unknown: float
    states: list[tuple[str, float]]


class Judgement(Part):
    """Who is held responsible and how sure: an ICD 203 likelihood and a confidence level.

    `claims` agree with the judgement (`analyses` independent analyses), `dissent` does not.
    """

    sentence: str
    state: str | None
    actor: str | None
    likelihood: str | None
    low: int | None
    high: int | None
    confidence: str
    reasons: list[str]
    responsibility: str | None
    responsibility_basis: str
    analyses: int
    claims: list[ClaimRow]
    dissent: list[ClaimRow]
    technical: Technical | None


class NormRow(Part):
    code: str
    title: str
    addressee: str
    finding: str
    triggers: list[str]
    missing: list[str]


class StepRow(Part):
    question: str
    answer: str
    reasons: list[str]
    position: str | None


class DivergenceRow(Part):
    """A legal question answered differently under different national positions."""

    question: str
    answers: dict[str, list[str]]


class Law(Part):
    norms: list[NormRow]
    not_implicated: list[str]
    steps: list[StepRow]
    schmitt: list[str]
    wrongful_act: str
    divergences: list[DivergenceRow]


class PreconditionRow(Part):
    text: str
    holds: bool | None
    because: str


class PrecedentRow(Part):
    date: dt.date
    responder: str
    type: str
    incident: str | None
    summary: str


class OptionRow(Part):
    """A response option; `status` is "open", "open if" (preconditions undecided) or "closed"."""

    rank: int
    name: str
    category: str
    status: str
    legal_basis: str
    preconditions: list[PreconditionRow]
    pros: str
    cons: str
    precedents: list[PrecedentRow]


class Partner(Part):
    code: str
    name: str
    incidents: int
    shared_blocs: list[str]


class Partners(Part):
    """Who already attributed the incident, who joined us before, and our blocs."""

    attributed: list[str]
    before: list[Partner]
    blocs: list[str]


class SourceGroup(Part):
    title: str
    sources: list[SourceRecord]


class Briefing(Part):
    """The content of a briefing note, section by section, ready to render."""

    title: str
    subject: str
    slug: str | None
    hypothetical: bool
    prepared: dt.date
    tlp: str
    classification: str
    profile: str | None
    profile_name: str
    standard: str
    bottom_line: list[str]
    happened: Happened
    attribution: Judgement
    law: Law
    options: list[OptionRow]
    partners: Partners
    sources: list[SourceGroup]
