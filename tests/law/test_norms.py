"""Norm findings: each norm triggers on its facts, stays silent without them, names the gaps."""

from __future__ import annotations

from dataclasses import replace

from cyberdiplomacy.law import norms
from cyberdiplomacy.law.facts import IncidentFacts
from cyberdiplomacy.law.norms import Finding

GRID = IncidentFacts(
    name="grid attack",
    type="sabotage",
    victims=("UKR",),
    sectors=("energy",),
    effects=("physical-digital:damaged-or-unavailable", "economic:disrupted-operations"),
    targets=("critical-infrastructure",),
    armed_conflict=False,
    state="RUS",
    state_name="Russia",
    attribution_probability=0.95,
    state_responsibility="state-executed",
)


def finding(facts: IncidentFacts, code: str) -> norms.NormFinding:
    return next(n for n in norms.assess(facts) if n.code == code)


def test_damaging_critical_infrastructure_implicates_13f_with_a_trace() -> None:
    found = finding(GRID, "GGE-2015-13f")
    assert found.finding is Finding.IMPLICATED
    assert all(check.holds for check in found.trace)
    assert any("energy" in check.because for check in found.trace)
    assert found.missing == ()


def test_espionage_without_damage_does_not_implicate_13f() -> None:
    spying = replace(GRID, type="espionage", effects=("physical-digital:exposed-leaked",))
    assert finding(spying, "GGE-2015-13f").finding is Finding.NOT_IMPLICATED


def test_a_non_critical_target_does_not_implicate_13f() -> None:
    shop = replace(GRID, sectors=("commercial-facilities",), targets=("private-company",))
    assert finding(shop, "GGE-2015-13f").finding is Finding.NOT_IMPLICATED


def test_unknown_state_nexus_means_cannot_decide_and_names_the_gap() -> None:
    unattributed = replace(
        GRID, state=None, state_name=None, attribution_probability=None, state_responsibility=None
    )
    found = finding(unattributed, "GGE-2015-13f")
    assert found.finding is Finding.UNDECIDED
    assert found.missing == ("a state conducted or knowingly supported it",)


def test_unreported_effects_mean_cannot_decide_not_a_guess() -> None:
    unknown_effects = replace(GRID, effects=())
    assert finding(unknown_effects, "GGE-2015-13f").finding is Finding.UNDECIDED


def test_attacks_on_certs_implicate_13k_only_when_certs_were_hit() -> None:
    cert = replace(GRID, targets=("cert-csirt",), sectors=())
    assert finding(cert, "GGE-2015-13k").finding is Finding.IMPLICATED
    assert finding(GRID, "GGE-2015-13k").finding is Finding.NOT_IMPLICATED


def test_supply_chain_compromise_implicates_13i() -> None:
    supply = replace(GRID, targets=("supply-chain",), type="espionage")
    assert finding(supply, "GGE-2015-13i").finding is Finding.IMPLICATED
    assert finding(GRID, "GGE-2015-13i").finding is Finding.NOT_IMPLICATED


def test_tolerated_activity_implicates_13c_not_13f() -> None:
    tolerated = replace(GRID, state_responsibility="state-ignored")
    assert finding(tolerated, "GGE-2015-13c").finding is Finding.IMPLICATED
    assert finding(tolerated, "GGE-2015-13f").finding is Finding.NOT_IMPLICATED


def test_election_interference_implicates_paris_principle_3() -> None:
    election = replace(
        GRID,
        type="doxing",
        sectors=("government-facilities",),
        targets=("electoral-infrastructure",),
        effects=("physical-digital:exposed-leaked",),
    )
    assert finding(election, "PARIS-3").finding is Finding.IMPLICATED
    assert finding(GRID, "PARIS-3").finding is Finding.NOT_IMPLICATED


def test_implicated_norms_come_first() -> None:
    order = [n.finding for n in norms.assess(GRID)]
    ranks = {Finding.IMPLICATED: 0, Finding.UNDECIDED: 1, Finding.NOT_IMPLICATED: 2}
    assert order == sorted(order, key=ranks.__getitem__)
