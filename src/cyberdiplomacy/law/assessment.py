"""The whole legal assessment of an incident from the knowledge base or of a scenario."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from cyberdiplomacy.attribution.claims import Assessment as ClaimsAssessment
from cyberdiplomacy.knowledge.incidents import IncidentDetail, ResponseRecord
from cyberdiplomacy.law import characterisation, norms, responses
from cyberdiplomacy.law.characterisation import Characterisation, Divergence
from cyberdiplomacy.law.facts import IncidentFacts
from cyberdiplomacy.sources.schemas import (
    ISO3,
    Harm,
    IncidentType,
    Likelihood,
    Sector,
    StateResponsibility,
    Target,
)

# The midpoint of each ICD 203 band, for scenarios that state a likelihood phrase.
LIKELIHOOD_MIDPOINT = {
    "almost-no-chance": 0.03,
    "very-unlikely": 0.12,
    "unlikely": 0.32,
    "roughly-even-chance": 0.5,
    "likely": 0.67,
    "very-likely": 0.87,
    "almost-certain": 0.97,
}


class Scenario(BaseModel):
    """A hypothetical incident entered by a user, in the knowledge base's vocabularies."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=3, max_length=200)
    type: IncidentType | None = None
    victims: list[ISO3] = []
    sectors: list[Sector] = []
    effects: list[Harm] = []
    targets: list[Target] = []
    armed_conflict: bool | None = None
    attributed_state: ISO3 | None = None
    likelihood: Likelihood | None = None
    state_responsibility: StateResponsibility | None = None
    military_unit: bool | None = None

    def facts(self) -> IncidentFacts:
        return IncidentFacts(
            name=self.name,
            type=self.type,
            victims=tuple(self.victims),
            sectors=tuple(self.sectors),
            effects=tuple(self.effects),
            targets=tuple(self.targets),
            armed_conflict=self.armed_conflict,
            state=self.attributed_state,
            state_name=self.attributed_state,
            attribution_probability=LIKELIHOOD_MIDPOINT.get(self.likelihood or ""),
            state_responsibility=self.state_responsibility,
            military_unit=self.military_unit,
        )


def facts_of(incident: IncidentDetail, claims: ClaimsAssessment) -> IncidentFacts:
    """An incident's facts, with the state and likelihood the weighed claims point to."""
    state = claims.state
    return IncidentFacts(
        name=incident.name,
        slug=incident.slug,
        type=incident.type,
        victims=tuple(incident.victims),
        sectors=tuple(incident.sectors),
        effects=tuple(incident.effects),
        targets=tuple(incident.targets),
        armed_conflict=incident.armed_conflict,
        state=state.key if state else None,
        state_name=state.name if state else None,
        attribution_probability=state.probability if state else None,
        state_responsibility=claims.state_responsibility,
        actor=claims.actor.name if claims.actor else None,
    )


@dataclass(frozen=True)
class Precedent:
    date: dt.date
    responder: str
    type: str
    incident: str | None
    summary: str


def _comparability(response: ResponseRecord, facts: IncidentFacts) -> int:
    """3: the same incident; 2: aimed at the same state or its groups; 0: not comparable."""
    if facts.slug and response.incident == facts.slug:
        return 3
    target = response.target
    if facts.state and target and facts.state in (target.iso3, target.sponsor_iso3):
        return 2
    return 0


@dataclass(frozen=True)
class LegalAssessment:
    """Norms, the legal steps under the chosen position, where positions diverge, and options."""

    facts: IncidentFacts
    profile: str | None
    norms: tuple[norms.NormFinding, ...]
    characterisation: Characterisation
    divergences: tuple[Divergence, ...]
    options: tuple[tuple[responses.Option, tuple[Precedent, ...]], ...]


def assess(
    facts: IncidentFacts,
    *,
    profile: str | None = None,
    profiles: Mapping[str, Mapping[str, str]] | None = None,
    standard: str = characterisation.DEFAULT_STANDARD,
    context: responses.Context | None = None,
    earlier: Sequence[ResponseRecord] = (),
) -> LegalAssessment:
    """Assess `facts` under `profile`'s positions, compared with every profile in `profiles`."""
    profiles = profiles or {}
    positions = profiles.get(profile or "", {})
    legal = characterisation.characterise(facts, positions, profile=profile, standard=standard)
    _, divergences = characterisation.compare(facts, profiles, standard) if profiles else ({}, ())
    context = context or responses.Context(responder=profile, positions=positions)
    found = [
        Precedent(r.date, r.responder.name, r.type, r.incident_name, r.summary)
        for r in sorted(earlier, key=lambda r: (-_comparability(r, facts), r.date))
        if _comparability(r, facts) > 0
    ]
    return LegalAssessment(
        facts=facts,
        profile=profile,
        norms=norms.assess(facts),
        characterisation=legal,
        divergences=divergences,
        options=tuple(
            (option, tuple(p for p in found if p.type in option.response_types)[:5])
            for option in responses.options(facts, legal, context)
        ),
    )
