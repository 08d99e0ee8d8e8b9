"""Legal steps: attribution, sovereignty, intervention, use of force, armed attack, IHL."""

from __future__ import annotations

from dataclasses import replace

from cyberdiplomacy.law import characterisation, responses
from cyberdiplomacy.law.characterisation import Answer, characterise
from cyberdiplomacy.law.facts import IncidentFacts

WIPER = IncidentFacts(
    name="wiper",
    type="data-destruction",
    victims=("UKR",),
    sectors=("energy", "financial-services"),
    effects=("physical-digital:destroyed", "economic:disrupted-operations"),
    targets=("critical-infrastructure", "supply-chain"),
    armed_conflict=False,
    state="RUS",
    state_name="Russia",
    attribution_probability=0.97,
    state_responsibility="state-executed",
)
SOVEREIGNTY_RULE = {"sovereignty-rule": "yes"}
NO_SOVEREIGNTY_RULE = {"sovereignty-rule": "no"}


def test_state_executed_operation_above_the_standard_is_attributable() -> None:
    assert characterise(WIPER).step("attribution").answer is Answer.YES


def test_attribution_below_the_standard_of_proof_fails() -> None:
    weak = replace(WIPER, attribution_probability=0.6)
    assert characterise(weak).step("attribution").answer is Answer.NO
    lenient = characterise(weak, standard="balance-of-probabilities")
    assert lenient.step("attribution").answer is Answer.YES


def test_no_named_state_cannot_decide_attribution() -> None:
    nobody = replace(WIPER, state=None, attribution_probability=None)
    assert characterise(nobody).step("attribution").answer is Answer.UNDECIDED


def test_state_support_needs_effective_control() -> None:
    shaped = replace(WIPER, state_responsibility="state-shaped")
    step = characterise(shaped).step("attribution")
    assert step.answer is Answer.UNDECIDED and "effective control" in " ".join(step.reasons)


def test_sovereignty_conclusion_changes_with_the_national_position() -> None:
    assert characterise(WIPER, SOVEREIGNTY_RULE).step("sovereignty").answer is Answer.YES
    uk = characterise(WIPER, NO_SOVEREIGNTY_RULE).step("sovereignty")
    assert uk.answer is Answer.NO and uk.position is not None


def test_compare_shows_where_positions_diverge() -> None:
    _, divergences = characterisation.compare(
        WIPER, {"FRA": SOVEREIGNTY_RULE, "GBR": NO_SOVEREIGNTY_RULE}
    )
    steps = {d.step: d.answers for d in divergences}
    assert steps["sovereignty"] == {"FRA": Answer.YES, "GBR": Answer.NO}


def test_espionage_is_neither_intervention_nor_use_of_force() -> None:
    spying = replace(
        WIPER,
        type="espionage",
        effects=("physical-digital:exposed-leaked",),
        targets=("government",),
        sectors=("government-facilities",),
    )
    found = characterise(spying, SOVEREIGNTY_RULE)
    assert found.step("intervention").answer is Answer.NO
    assert found.step("use-of-force").answer is Answer.NO
    assert found.step("sovereignty").answer is Answer.NO


def test_election_interference_is_a_prohibited_intervention() -> None:
    election = replace(
        WIPER,
        type="doxing",
        targets=("electoral-infrastructure",),
        effects=("physical-digital:exposed-leaked",),
    )
    assert characterise(election).step("intervention").answer is Answer.YES


def test_deaths_make_a_use_of_force_and_an_armed_attack() -> None:
    lethal = replace(WIPER, type="sabotage", effects=("physical-digital:loss-of-life",))
    found = characterise(lethal)
    assert found.step("use-of-force").answer is Answer.YES
    assert found.step("armed-attack").answer is Answer.YES
    severity = next(f for f in found.schmitt if f.name == "severity")
    assert severity.score == 2


def test_data_destruction_alone_is_not_an_armed_attack() -> None:
    found = characterise(WIPER)
    assert found.step("armed-attack").answer is not Answer.YES
    assert len(found.schmitt) == 8 and all(f.explanation for f in found.schmitt)


def test_unknown_effects_leave_use_of_force_undecided() -> None:
    unknown = replace(WIPER, effects=())
    assert characterise(unknown).step("use-of-force").answer is Answer.UNDECIDED


def test_ihl_applies_only_in_armed_conflict_and_is_undecided_when_unknown() -> None:
    assert characterise(WIPER).step("ihl").answer is Answer.NO
    at_war = characterise(replace(WIPER, armed_conflict=True)).step("ihl")
    assert at_war.answer is Answer.YES and "distinction" in " ".join(at_war.reasons)
    assert characterise(replace(WIPER, armed_conflict=None)).step("ihl").answer is Answer.UNDECIDED


def test_due_diligence_step_appears_for_tolerated_operations() -> None:
    tolerated = replace(WIPER, state_responsibility="state-ignored")
    found = characterise(tolerated, {"due-diligence": "no"})
    assert found.step("due-diligence").answer is Answer.NO
    assert found.step("attribution").answer is Answer.NO


def test_countermeasures_need_a_wrongful_act_and_self_defence_an_armed_attack() -> None:
    context = responses.Context(responder="FRA", positions=SOVEREIGNTY_RULE)
    legal = characterise(WIPER, SOVEREIGNTY_RULE)
    by_key = {o.key: o for o in responses.options(WIPER, legal, context)}
    assert by_key["countermeasures"].available is True
    assert by_key["self-defence"].available is not True
    assert by_key["demarche"].available is True
    ranks = [o.escalation for o in by_key.values()]
    assert ranks == sorted(ranks)
    espionage = replace(WIPER, type="espionage", effects=("physical-digital:exposed-leaked",))
    legal = characterise(espionage, SOVEREIGNTY_RULE)
    found = {o.key: o for o in responses.options(espionage, legal, context)}
    assert found["countermeasures"].available is False


def test_collective_countermeasures_follow_the_responders_position() -> None:
    legal = characterise(WIPER, SOVEREIGNTY_RULE)
    for stance, expected in (("yes", True), ("no", False)):
        context = responses.Context(
            responder="X", injured=False, positions={"collective-countermeasures": stance}
        )
        option = next(
            o for o in responses.options(WIPER, legal, context) if o.key == "countermeasures"
        )
        assert option.available is expected
