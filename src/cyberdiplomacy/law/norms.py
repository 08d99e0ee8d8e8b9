"""Which agreed norms an incident implicates, as explicit, traceable rules.

Each norm of the 2015 GGE report (A/70/174 para 13, reaffirmed by the 2021 OEWG and GGE
reports) and of the Paris Call that an incident's facts can engage has a list of conditions.
A norm is implicated when every condition holds, not implicated when one fails, and
undecided when none fails but some cannot be judged for lack of facts: the result names the
facts that triggered it and the facts that are missing. Norms that speak only to cooperation
between states (13 a, d, g, j) are not judged per incident.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from cyberdiplomacy.law.facts import (
    DISCLOSURE,
    IMPAIRING,
    PHYSICAL_HARM,
    STATE_CONDUCT,
    STATE_SUPPORT,
    STATE_TOLERANCE,
    IncidentFacts,
)


class Finding(StrEnum):
    IMPLICATED = "implicated"
    NOT_IMPLICATED = "not implicated"
    UNDECIDED = "cannot decide"


@dataclass(frozen=True)
class Check:
    """One condition's outcome on the facts: True, False or None (unknown), and why."""

    condition: str
    holds: bool | None
    because: str


Condition = Callable[[IncidentFacts], Check]


@dataclass(frozen=True)
class Rule:
    code: str
    title: str
    addressee: str
    conditions: tuple[Condition, ...]


@dataclass(frozen=True)
class NormFinding:
    """A norm's finding with the trace of facts that decided it and what is missing."""

    code: str
    title: str
    addressee: str
    finding: Finding
    trace: tuple[Check, ...]
    missing: tuple[str, ...]


def _state_nexus(facts: IncidentFacts) -> Check:
    name = "a state conducted or knowingly supported it"
    level = facts.state_responsibility
    if level in STATE_CONDUCT | STATE_SUPPORT:
        return Check(name, True, f"state responsibility: {level}")
    if level is not None:
        return Check(name, False, f"state responsibility: {level} (no state conduct or support)")
    if facts.state and facts.attribution_probability is not None:
        likely = facts.attribution_probability >= 0.5
        return Check(
            name,
            likely,
            f"attributed to {facts.state_name or facts.state} with probability "
            f"{facts.attribution_probability:.0%}, level of involvement not stated",
        )
    return Check(name, None, "no state attribution or state-responsibility level")


def _tolerated(facts: IncidentFacts) -> Check:
    name = "it ran from a state's territory with that state's knowledge but not its support"
    level = facts.state_responsibility
    if level is None:
        return Check(name, None, "state-responsibility level unknown")
    return Check(name, level in STATE_TOLERANCE, f"state responsibility: {level}")


def _critical_infrastructure(facts: IncidentFacts) -> Check:
    name = "critical infrastructure serving the public was targeted"
    hit = facts.critical_infrastructure
    described = ", ".join([*facts.sectors, *facts.targets]) or "no sectors or targets reported"
    return Check(name, hit, described)


def _impaired(facts: IncidentFacts) -> Check:
    name = "it damaged or impaired the use or operation of systems"
    found = facts.has_effect(IMPAIRING | PHYSICAL_HARM)
    effects = ", ".join(facts.effects) or "effects not reported"
    return Check(name, found, effects)


def _target(target: str, label: str) -> Condition:
    def check(facts: IncidentFacts) -> Check:
        return Check(
            f"{label} were targeted",
            facts.has_target(target),
            ", ".join(facts.targets) or "no targets reported",
        )

    return check


def _harm_to_individuals(facts: IncidentFacts) -> Check:
    name = "significant or systemic harm to individuals or critical infrastructure"
    physical = facts.has_effect(PHYSICAL_HARM)
    impaired = facts.has_effect(IMPAIRING)
    ci = facts.critical_infrastructure
    if physical or (impaired and ci):
        return Check(name, True, ", ".join(facts.effects))
    if physical is None:
        return Check(name, None, "effects not reported")
    return Check(name, False if ci is not None else None, ", ".join(facts.effects))


def _interference(facts: IncidentFacts) -> Check:
    name = "it interfered with the process (disruption, leaks or influence, not only espionage)"
    if facts.type in ("doxing", "information-operations", "sabotage", "data-destruction"):
        return Check(name, True, f"incident type: {facts.type}")
    leaked = facts.has_effect(DISCLOSURE | IMPAIRING)
    if leaked is None:
        return Check(name, None, f"incident type: {facts.type or 'unknown'}; effects not reported")
    return Check(name, leaked, ", ".join(facts.effects))


def _theft_of_secrets(facts: IncidentFacts) -> Check:
    name = "trade secrets or confidential business information were stolen"
    if facts.type not in (None, "espionage"):
        return Check(name, False, f"incident type: {facts.type}")
    company = facts.has_target("private-company")
    stolen = facts.has_effect(DISCLOSURE)
    if company is None or stolen is None:
        return Check(name, None, "targets or effects not reported")
    return Check(name, company and stolen, ", ".join([*facts.targets, *facts.effects]))


RULES = (
    Rule(
        "GGE-2015-13b",
        "Consider all relevant information before attributing",
        "States responding to the incident (us)",
        (lambda f: Check("an incident calls for a response", True, f.name),),
    ),
    Rule(
        "GGE-2015-13c",
        "Do not knowingly allow territory to be used for wrongful acts",
        "The state from whose territory it ran",
        (_tolerated,),
    ),
    Rule(
        "GGE-2015-13e",
        "Respect human rights and privacy",
        "The operating state",
        (_state_nexus, _target("civil-society", "civil society or individuals")),
    ),
    Rule(
        "GGE-2015-13f",
        "Do not damage critical infrastructure",
        "The operating state",
        (_state_nexus, _critical_infrastructure, _impaired),
    ),
    Rule(
        "GGE-2015-13h",
        "Respond to requests for assistance",
        "The state from whose territory it ran",
        (_critical_infrastructure, _impaired),
    ),
    Rule(
        "GGE-2015-13i",
        "Ensure supply chain integrity",
        "The operating state",
        (_state_nexus, _target("supply-chain", "ICT supply chains")),
    ),
    Rule(
        "GGE-2015-13k",
        "Do not harm emergency response teams",
        "The operating state",
        (_state_nexus, _target("cert-csirt", "CERTs or CSIRTs")),
    ),
    Rule(
        "PARIS-1",
        "Protect individuals and infrastructure",
        "All Paris Call supporters",
        (_harm_to_individuals,),
    ),
    Rule(
        "PARIS-2",
        "Protect the Internet",
        "All Paris Call supporters",
        (_target("public-core-of-internet", "the public core of the Internet"), _impaired),
    ),
    Rule(
        "PARIS-3",
        "Defend electoral processes",
        "All Paris Call supporters",
        (_target("electoral-infrastructure", "electoral processes"), _interference),
    ),
    Rule(
        "PARIS-4",
        "Defend intellectual property",
        "All Paris Call supporters",
        (_theft_of_secrets,),
    ),
    Rule(
        "PARIS-6",
        "Lifecycle security",
        "All Paris Call supporters",
        (_target("supply-chain", "ICT supply chains"),),
    ),
)


def _judge(rule: Rule, facts: IncidentFacts) -> NormFinding:
    trace = tuple(condition(facts) for condition in rule.conditions)
    if any(check.holds is False for check in trace):
        finding = Finding.NOT_IMPLICATED
    elif any(check.holds is None for check in trace):
        finding = Finding.UNDECIDED
    else:
        finding = Finding.IMPLICATED
    missing = tuple(c.condition for c in trace if c.holds is None)
    return NormFinding(rule.code, rule.title, rule.addressee, finding, trace, missing)


def assess(facts: IncidentFacts) -> tuple[NormFinding, ...]:
    """Every judged norm's finding, implicated first, then undecided, then the rest."""
    order = {Finding.IMPLICATED: 0, Finding.UNDECIDED: 1, Finding.NOT_IMPLICATED: 2}
    found = [_judge(rule, facts) for rule in RULES]
    return tuple(sorted(found, key=lambda n: (order[n.finding], n.code)))
