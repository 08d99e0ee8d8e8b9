"""Response options, ordered by escalation, each with its legal basis and preconditions.

From diplomacy (always open) through retorsion (unfriendly but lawful acts) and the EU Cyber
Diplomacy Toolbox to countermeasures (only against an internationally wrongful act attributable
to a state), necessity and self-defence (only after an armed attack). Every precondition is
checked against the characterisation and reported as holding, failing or open.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from cyberdiplomacy.law.characterisation import Answer, Characterisation
from cyberdiplomacy.law.facts import IMPAIRING, IncidentFacts


@dataclass(frozen=True)
class Context:
    """Who responds: the responding state, whether it is an EU member, and its positions."""

    responder: str | None = None
    eu_member: bool = False
    injured: bool = True
    positions: Mapping[str, str] | None = None


@dataclass(frozen=True)
class Precondition:
    text: str
    holds: bool | None
    because: str


@dataclass(frozen=True)
class Option:
    """A response open (or not) to the responder, with its basis, pros and cons."""

    key: str
    name: str
    category: str
    escalation: int
    legal_basis: str
    pros: str
    cons: str
    preconditions: tuple[Precondition, ...]
    response_types: tuple[str, ...]

    @property
    def available(self) -> bool | None:
        """True if every precondition holds, False if one fails, None if some are open."""
        if any(p.holds is False for p in self.preconditions):
            return False
        return None if any(p.holds is None for p in self.preconditions) else True


Check = Callable[[IncidentFacts, Characterisation, Context], Precondition]


def _answer(answer: Answer) -> bool | None:
    return {Answer.YES: True, Answer.NO: False, Answer.UNDECIDED: None}[answer]


def _state_named(facts: IncidentFacts, _: Characterisation, __: Context) -> Precondition:
    return Precondition(
        "a state is identified",
        facts.state is not None,
        facts.state_name or facts.state or "no state named",
    )


def _attributed(_: IncidentFacts, legal: Characterisation, __: Context) -> Precondition:
    step = legal.step("attribution")
    return Precondition(
        f"attribution meets the {legal.standard} standard",
        _answer(step.answer),
        "; ".join(step.reasons),
    )


def _wrongful(_: IncidentFacts, legal: Characterisation, __: Context) -> Precondition:
    return Precondition(
        "an internationally wrongful act attributable to a state",
        _answer(legal.wrongful_act),
        f"wrongful act: {legal.wrongful_act}",
    )


def _injured_or_collective(
    _: IncidentFacts, __: Characterisation, context: Context
) -> Precondition:
    if context.injured:
        return Precondition("we are the injured state", True, "the responder was a victim")
    stance = (context.positions or {}).get("collective-countermeasures")
    holds = {"yes": True, "qualified": True, "no": False}.get(stance or "")
    return Precondition(
        "collective countermeasures are lawful for a non-injured state",
        holds,
        f"position: {stance or 'not stated'}",
    )


def _eu(_: IncidentFacts, __: Characterisation, context: Context) -> Precondition:
    return Precondition(
        "the responder is an EU member state", context.eu_member, context.responder or ""
    )


def _significant(facts: IncidentFacts, _: Characterisation, __: Context) -> Precondition:
    impaired = facts.has_effect(IMPAIRING)
    return Precondition(
        "a cyber-attack with a significant effect (Council Decision (CFSP) 2019/797)",
        True if impaired or facts.critical_infrastructure else impaired,
        ", ".join(facts.effects) or "effects not reported",
    )


def _peril(facts: IncidentFacts, _: Characterisation, __: Context) -> Precondition:
    impaired = facts.critical_infrastructure and facts.has_effect(IMPAIRING)
    # Past damage is not peril: necessity needs a threat that is still grave and imminent.
    return Precondition(
        "an essential interest faces grave and imminent peril",
        None if impaired else False,
        "critical infrastructure was impaired; whether the peril is ongoing must be established"
        if impaired
        else "no impairment of critical infrastructure reported",
    )


def _responsible_identified(facts: IncidentFacts, _: Characterisation, __: Context) -> Precondition:
    named = facts.actor or facts.state_name or facts.state
    return Precondition(
        "persons or entities responsible can be identified for listing",
        True if named else None,
        f"named: {named}" if named else "nobody has been named",
    )


def _armed_attack(_: IncidentFacts, legal: Characterisation, __: Context) -> Precondition:
    step = legal.step("armed-attack")
    return Precondition(
        "an armed attack occurred (art 51)", _answer(step.answer), "; ".join(step.reasons)
    )


@dataclass(frozen=True)
class _Template:
    key: str
    name: str
    category: str
    legal_basis: str
    pros: str
    cons: str
    checks: tuple[Check, ...]
    response_types: tuple[str, ...]


OPTIONS = (
    _Template(
        "demarche",
        "Private démarche",
        "diplomatic",
        "Ordinary diplomatic intercourse (VCDR art 41); no legal precondition",
        "Signals knowledge quietly; keeps channels open",
        "Little deterrent effect; invisible to the public",
        (_state_named,),
        ("demarche",),
    ),
    _Template(
        "summoning",
        "Summon the ambassador",
        "diplomatic",
        "Ordinary diplomatic intercourse; no legal precondition",
        "Formal and visible protest",
        "Often answered with denial or a tit-for-tat summoning",
        (_state_named,),
        ("summoning",),
    ),
    _Template(
        "public-attribution",
        "Public attribution",
        "diplomatic",
        "A political act; no legal obligation to disclose evidence (GGE 2015 13 b: consider "
        "all relevant information)",
        "Names and shames; sets a norm-based record",
        "Exposes sources and methods; needs confidence in the evidence",
        (_attributed,),
        ("statement",),
    ),
    _Template(
        "joint-statement",
        "Joint statement with partners",
        "diplomatic",
        "A political act among states",
        "Multiplies legitimacy and pressure",
        "Takes time to coordinate; lowest common denominator wording",
        (_attributed,),
        ("joint-statement",),
    ),
    _Template(
        "retorsion",
        "Retorsion: expulsions, visa bans, suspended cooperation",
        "retorsion",
        "Unfriendly but lawful acts (VCDR art 9 persona non grata); no wrongful act needed",
        "Costly to the other side; entirely within our discretion",
        "Invites reciprocal measures; may harm our own interests",
        (_state_named,),
        ("expulsion", "severing-relations"),
    ),
    _Template(
        "eu-sanctions",
        "EU restrictive measures (cyber sanctions regime)",
        "eu-toolbox",
        "Council Decision (CFSP) 2019/797 and Regulation (EU) 2019/796: asset freezes and travel "
        "bans on persons and entities responsible",
        "Targets individuals and units, not the population; EU-wide effect",
        "Needs unanimity in the Council and evidence on each listed person",
        (_eu, _significant, _responsible_identified),
        ("sanctions",),
    ),
    _Template(
        "countermeasures",
        "Countermeasures",
        "countermeasures",
        "Law of state responsibility (ARSIWA arts 22, 49-53): to induce compliance; "
        "proportionate, reversible, after a call to comply (notice, where required)",
        "May otherwise be unlawful acts made lawful; can include cyber operations",
        "Only against the responsible state; must stop when it complies; escalation risk",
        (_wrongful, _injured_or_collective),
        ("countermeasure",),
    ),
    _Template(
        "necessity",
        "Plea of necessity",
        "necessity",
        "ARSIWA art 25: the only way to safeguard an essential interest against grave and "
        "imminent peril; no attribution needed",
        "Available even when the author is unknown",
        "Narrow and exceptional; may not impair others' essential interests",
        (_peril,),
        ("countermeasure", "takedown"),
    ),
    _Template(
        "self-defence",
        "Self-defence",
        "use-of-force",
        "UN Charter art 51: only in response to an armed attack; necessary and proportionate; "
        "report to the Security Council",
        "The strongest lawful answer",
        "Only after an armed attack; grave escalation risk",
        (_armed_attack,),
        (),
    ),
)


def options(facts: IncidentFacts, legal: Characterisation, context: Context) -> tuple[Option, ...]:
    """Every response option in order of escalation, with its preconditions judged."""
    return tuple(
        Option(
            key=t.key,
            name=t.name,
            category=t.category,
            escalation=rank,
            legal_basis=t.legal_basis,
            pros=t.pros,
            cons=t.cons,
            preconditions=tuple(check(facts, legal, context) for check in t.checks),
            response_types=t.response_types,
        )
        for rank, t in enumerate(OPTIONS, start=1)
    )
