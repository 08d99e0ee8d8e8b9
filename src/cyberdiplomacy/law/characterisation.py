"""International-law characterisation of an incident, step by step, under a national position.

The steps follow the usual order of analysis (Tallinn Manual 2.0, ARSIWA, the UN Charter):
attribution to a state against a standard of proof; violation of sovereignty; prohibited
intervention; use of force, scored on the Schmitt factors; armed attack; and international
humanitarian law where an armed conflict exists. Each step concludes yes, no or "cannot
decide" with its reasons. Where states disagree (is sovereignty a rule? is due diligence
binding?) the chosen state's published position decides, and `compare` shows under which
positions a conclusion changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from cyberdiplomacy.law.facts import (
    DESTRUCTION,
    IMPAIRING,
    PHYSICAL_HARM,
    STATE_CONDUCT,
    STATE_SUPPORT,
    STATE_TOLERANCE,
    IncidentFacts,
)


class Answer(StrEnum):
    YES = "yes"
    NO = "no"
    UNDECIDED = "cannot decide"


# Standards of proof a government may choose for attributing an operation to a state.
STANDARDS = {
    "balance-of-probabilities": 0.5,
    "clear-and-convincing": 0.75,
    "beyond-reasonable-doubt": 0.95,
}
DEFAULT_STANDARD = "clear-and-convincing"
POSITION_LABELS = {
    "sovereignty-rule": "sovereignty is a standalone rule",
    "due-diligence": "due diligence is a binding obligation",
    "collective-countermeasures": "collective countermeasures are lawful",
    "ihl-applies": "IHL applies to cyber operations",
}
COERCIVE_TYPES = frozenset({"doxing", "information-operations", "sabotage", "data-destruction"})


@dataclass(frozen=True)
class Step:
    """One step of the analysis: its question, answer and reasons, and the position it used."""

    key: str
    question: str
    answer: Answer
    reasons: tuple[str, ...]
    position: str | None = None


@dataclass(frozen=True)
class Factor:
    """One Schmitt factor: its score (0 none, 1 some, 2 strong; None unknown) and why."""

    name: str
    score: int | None
    explanation: str


@dataclass(frozen=True)
class Characterisation:
    """The steps, the Schmitt factors, and whether a wrongful act attributable to a state exists."""

    profile: str | None
    standard: str
    steps: tuple[Step, ...]
    schmitt: tuple[Factor, ...]
    wrongful_act: Answer

    def step(self, key: str) -> Step:
        return next(s for s in self.steps if s.key == key)


def _stance(positions: Mapping[str, str], issue: str) -> tuple[str | None, str | None]:
    stance = positions.get(issue)
    if stance is None:
        return None, None
    return stance, f"position: {POSITION_LABELS.get(issue, issue)} — {stance}"


def _attribution(facts: IncidentFacts, standard: str) -> Step:
    question = "Is the operation attributable to a state?"
    threshold = STANDARDS[standard]
    if facts.state is None:
        return Step("attribution", question, Answer.UNDECIDED, ("no state has been named",))
    who = facts.state_name or facts.state
    probability = facts.attribution_probability
    if probability is None:
        return Step(
            "attribution", question, Answer.UNDECIDED, (f"{who} named without a likelihood",)
        )
    measured = f"likelihood {probability:.0%} against the {standard} standard ({threshold:.0%})"
    if probability < threshold:
        return Step("attribution", question, Answer.NO, (f"{who}: {measured} is not met",))
    level = facts.state_responsibility
    if level in STATE_CONDUCT:
        return Step(
            "attribution",
            question,
            Answer.YES,
            (
                measured + " is met",
                f"{level}: conduct of state organs or on its instructions (ARSIWA arts 4, 8)",
            ),
        )
    if level in STATE_SUPPORT:
        return Step(
            "attribution",
            question,
            Answer.UNDECIDED,
            (
                measured + " is met",
                f"{level}: attributable only if {who} directed or controlled the operation "
                "(ARSIWA art 8, effective control)",
            ),
        )
    if level in STATE_TOLERANCE or level == "state-prohibited.":
        return Step(
            "attribution",
            question,
            Answer.NO,
            (f"{level}: non-state conduct, not attributable; see due diligence",),
        )
    return Step(
        "attribution",
        question,
        Answer.YES,
        (
            measured + " is met",
            "no state-responsibility level stated: presumed conduct of state organs, as the "
            "attributing governments describe it — verify before relying on it",
        ),
    )


def _sovereignty(facts: IncidentFacts, attributable: Answer, positions: Mapping[str, str]) -> Step:
    question = "Did it violate the victim state's sovereignty?"
    stance, note = _stance(positions, "sovereignty-rule")
    if stance == "no":
        return Step(
            "sovereignty",
            question,
            Answer.NO,
            ("sovereignty is treated as a principle, not a rule a cyber operation can breach",),
            note,
        )
    if attributable is Answer.NO:
        return Step("sovereignty", question, Answer.NO, ("not attributable to a state",), note)
    impaired = facts.has_effect(IMPAIRING | PHYSICAL_HARM)
    governmental = facts.has_target("government") or facts.has_target("electoral-infrastructure")
    reasons = []
    if impaired:
        reasons.append(
            "loss of functionality or damage on the victim's territory (Tallinn 2.0 r. 4)"
        )
    if governmental and facts.type in COERCIVE_TYPES:
        reasons.append("interference with inherently governmental functions")
    if stance is None:
        reasons.append(
            "the chosen profile states no position; most published positions treat "
            "sovereignty as a rule"
        )
    if impaired or (governmental and facts.type in COERCIVE_TYPES):
        answer = Answer.YES if attributable is Answer.YES else Answer.UNDECIDED
        return Step("sovereignty", question, answer, tuple(reasons), note)
    if impaired is None:
        return Step(
            "sovereignty", question, Answer.UNDECIDED, ("effects not reported", *reasons), note
        )
    return Step(
        "sovereignty",
        question,
        Answer.NO,
        ("no damage, loss of functionality or usurped governmental function reported", *reasons),
        note,
    )


def _intervention(facts: IncidentFacts, attributable: Answer) -> Step:
    question = "Was it a prohibited intervention (coercion in the domaine réservé)?"
    if attributable is Answer.NO:
        return Step("intervention", question, Answer.NO, ("not attributable to a state",))
    electoral = facts.has_target("electoral-infrastructure")
    governmental = facts.has_target("government")
    if electoral is None:
        return Step("intervention", question, Answer.UNDECIDED, ("targets not reported",))
    disruptive = facts.type in COERCIVE_TYPES or bool(facts.has_effect(IMPAIRING))
    if facts.type == "espionage" and not facts.has_effect(IMPAIRING):
        return Step("intervention", question, Answer.NO, ("espionage alone does not coerce",))
    if electoral and disruptive:
        return Step(
            "intervention",
            question,
            Answer.YES if attributable is Answer.YES else Answer.UNDECIDED,
            (
                "electoral processes are the paradigm of the domaine réservé",
                f"the means ({facts.type or 'disruption'}) interfere with a free electoral choice",
            ),
        )
    if governmental and disruptive:
        return Step(
            "intervention",
            question,
            Answer.UNDECIDED,
            (
                "governmental functions were disrupted",
                "whether the aim was to compel a sovereign choice is not established",
            ),
        )
    return Step(
        "intervention", question, Answer.NO, ("no coercion of electoral or governmental choices",)
    )


def _schmitt(facts: IncidentFacts) -> tuple[Factor, ...]:
    severe = facts.has_effect(PHYSICAL_HARM)
    destroyed = facts.has_effect(DESTRUCTION)
    impaired = facts.has_effect(IMPAIRING)
    level = facts.state_responsibility

    def severity() -> Factor:
        if severe:
            return Factor("severity", 2, "people were injured or killed")
        if destroyed:
            return Factor(
                "severity", 1, "data or systems were destroyed, no physical harm reported"
            )
        if impaired is None:
            return Factor("severity", None, "effects not reported")
        return Factor("severity", 0, "no destruction or injury reported")

    immediate = facts.type in ("sabotage", "data-destruction", "denial-of-service")
    return (
        severity(),
        Factor(
            "immediacy",
            None if facts.type is None else (1 if immediate else 0),
            "effects followed the operation quickly" if immediate else "no immediate effects",
        ),
        Factor(
            "directness",
            None if impaired is None else (1 if impaired else 0),
            "the operation itself caused the disruption" if impaired else "no direct effects",
        ),
        Factor(
            "invasiveness",
            1 if facts.critical_infrastructure or facts.has_target("government") else 0,
            "penetrated government or critical systems"
            if facts.critical_infrastructure
            else "no protected systems reported",
        ),
        Factor(
            "measurability",
            None if impaired is None else (1 if impaired else 0),
            "consequences can be measured (outages, losses)" if impaired else "nothing to measure",
        ),
        Factor(
            "military character",
            None if facts.military_unit is None else (2 if facts.military_unit else 0),
            "unknown whether military forces acted"
            if facts.military_unit is None
            else ("conducted by military forces" if facts.military_unit else "non-military actors"),
        ),
        Factor(
            "state involvement",
            None
            if level is None
            else (2 if level in STATE_CONDUCT else 1 if level in STATE_SUPPORT else 0),
            f"state responsibility: {level or 'unknown'}",
        ),
        Factor(
            "presumptive legality",
            None
            if facts.type is None
            else (
                0
                if facts.type
                in ("espionage", "doxing", "information-operations", "financial-theft")
                else 2
            ),
            "espionage, influence and theft are not presumptively unlawful uses of force"
            if facts.type in ("espionage", "doxing", "information-operations", "financial-theft")
            else "destructive operations are not presumptively lawful",
        ),
    )


def _use_of_force(facts: IncidentFacts, attributable: Answer, factors: tuple[Factor, ...]) -> Step:
    question = "Was it a use of force (UN Charter art 2(4))?"
    severity = factors[0].score
    if attributable is Answer.NO:
        return Step("use-of-force", question, Answer.NO, ("not attributable to a state",))
    if severity is None:
        return Step("use-of-force", question, Answer.UNDECIDED, ("effects not reported",))
    known = [f.score for f in factors if f.score is not None]
    total = f"Schmitt factors {sum(known)} of {2 * len(known)} on {len(known)} known factors"
    if severity == 2:
        answer = Answer.YES if attributable is Answer.YES else Answer.UNDECIDED
        return Step(
            "use-of-force", question, answer, ("effects comparable to a kinetic attack", total)
        )
    if severity == 1 and sum(known) >= len(known):
        return Step(
            "use-of-force",
            question,
            Answer.UNDECIDED,
            ("destruction without physical harm: states are divided on such cases", total),
        )
    return Step("use-of-force", question, Answer.NO, ("effects fall below the threshold", total))


def _armed_attack(facts: IncidentFacts, force: Step) -> Step:
    question = "Was it an armed attack (art 51), opening self-defence?"
    if force.answer is Answer.NO:
        return Step("armed-attack", question, Answer.NO, ("not a use of force",))
    deadly = facts.has_effect(frozenset({"physical-digital:loss-of-life"}))
    if force.answer is Answer.YES and deadly:
        return Step(
            "armed-attack", question, Answer.YES, ("loss of life: the gravest form of force",)
        )
    if force.answer is Answer.YES:
        return Step(
            "armed-attack",
            question,
            Answer.UNDECIDED,
            ("a use of force; whether its scale and effects make it an armed attack is contested",),
        )
    return Step("armed-attack", question, Answer.UNDECIDED, ("the use-of-force question is open",))


def _ihl(facts: IncidentFacts, positions: Mapping[str, str]) -> Step:
    question = "Does international humanitarian law govern it, and was it respected?"
    _, note = _stance(positions, "ihl-applies")
    if facts.armed_conflict is None:
        return Step(
            "ihl", question, Answer.UNDECIDED, ("unknown whether an armed conflict exists",), note
        )
    if not facts.armed_conflict:
        return Step("ihl", question, Answer.NO, ("no armed conflict: IHL does not apply",), note)
    reasons = ["an armed conflict exists: IHL applies to cyber operations connected to it"]
    civilian = facts.critical_infrastructure and not facts.has_target("government")
    if facts.has_effect(DESTRUCTION | IMPAIRING) and civilian:
        reasons.append(
            "damage to civilian infrastructure: check distinction, proportionality and precautions"
        )
    return Step("ihl", question, Answer.YES, tuple(reasons), note)


def characterise(
    facts: IncidentFacts,
    positions: Mapping[str, str] | None = None,
    *,
    profile: str | None = None,
    standard: str = DEFAULT_STANDARD,
) -> Characterisation:
    """The legal analysis of `facts` under `positions` (issue → stance) of state `profile`."""
    positions = positions or {}
    attribution = _attribution(facts, standard)
    sovereignty = _sovereignty(facts, attribution.answer, positions)
    intervention = _intervention(facts, attribution.answer)
    factors = _schmitt(facts)
    force = _use_of_force(facts, attribution.answer, factors)
    armed = _armed_attack(facts, force)
    steps = [attribution, sovereignty, intervention, force, armed, _ihl(facts, positions)]
    if facts.state_responsibility in STATE_TOLERANCE:
        stance, note = _stance(positions, "due-diligence")
        steps.insert(
            1,
            Step(
                "due-diligence",
                "Did the territorial state breach a due diligence obligation?",
                Answer.NO if stance == "no" else Answer.UNDECIDED,
                (
                    "due diligence is not treated as binding"
                    if stance == "no"
                    else "the state knew of the operation; whether it could have stopped it is "
                    "not established",
                ),
                note,
            ),
        )
    breaches = [s.answer for s in steps if s.key in ("sovereignty", "intervention", "use-of-force")]
    if Answer.YES in breaches:
        wrongful = Answer.YES
    elif Answer.UNDECIDED in breaches or attribution.answer is Answer.UNDECIDED:
        wrongful = Answer.UNDECIDED
    else:
        wrongful = Answer.NO
    return Characterisation(profile, standard, tuple(steps), factors, wrongful)


@dataclass(frozen=True)
class Divergence:
    """A step whose answer differs between national positions."""

    step: str
    answers: dict[str, Answer]


def compare(
    facts: IncidentFacts,
    profiles: Mapping[str, Mapping[str, str]],
    standard: str = DEFAULT_STANDARD,
) -> tuple[dict[str, Characterisation], tuple[Divergence, ...]]:
    """The characterisation under every profile, and the steps on which they disagree."""
    results = {
        state: characterise(facts, positions, profile=state, standard=standard)
        for state, positions in profiles.items()
    }
    keys = dict.fromkeys(step.key for r in results.values() for step in r.steps)
    divergences = []
    for key in [*keys, "wrongful-act"]:
        answers = {
            state: (r.wrongful_act if key == "wrongful-act" else r.step(key).answer)
            for state, r in results.items()
            if key == "wrongful-act" or any(s.key == key for s in r.steps)
        }
        if len(set(answers.values())) > 1:
            divergences.append(Divergence(key, answers))
    return results, tuple(divergences)
