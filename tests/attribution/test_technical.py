"""The attribution engine: probabilities, evidence, partial matches and rank monotonicity."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cyberdiplomacy.attribution import Engine, GroupProfiles, Observation, Parameters
from cyberdiplomacy.attribution.profiles import Catalogue, Item, Query, from_bundle, victim_key
from cyberdiplomacy.errors import InvalidQuery


def _rank(engine: Engine, attack_id: str, observation: Observation) -> int:
    candidates = engine.attribute(observation, limit=None).candidates
    return [c.attack_id for c in candidates].index(attack_id) + 1


def test_group_probabilities_others_and_unknown_sum_to_one(toy: GroupProfiles) -> None:
    result = Engine(toy).attribute(Observation(techniques=("T1105",), software=("S0001",)), 2)
    assert len(result.candidates) == 2
    total = sum(c.probability for c in result.candidates) + result.others + result.unknown
    assert math.isclose(total, 1.0)


def test_the_group_with_the_observed_rare_software_ranks_first(toy: GroupProfiles) -> None:
    result = Engine(toy).attribute(Observation(techniques=("T1105",), software=("S0001",)))
    first = result.candidates[0]
    assert first.attack_id == "G0001"
    assert [e.item for e in first.evidence] == ["S0001", "T1105"]
    assert [e.match for e in first.evidence] == ["exact", "software"]
    assert first.evidence[1].via == "S0001"
    assert first.evidence[0].weight > first.evidence[1].weight


def test_a_group_with_the_parent_technique_gets_partial_credit(toy: GroupProfiles) -> None:
    engine = Engine(toy)
    query = Query(("T1059.001",))
    scores = dict(zip([g.attack_id for g in toy.groups], engine.scores(query), strict=True))
    assert scores["G0001"] > scores["G0002"] > scores["G0003"]
    evidence = engine.evidence(1, query)
    assert [(e.item, e.match, e.via) for e in evidence] == [("T1059.001", "parent", "T1059")]
    no_credit = Engine(toy, replace(Parameters(), parent_credit=0.0)).scores(query)
    assert math.isclose(no_credit[1], no_credit[2])


def test_a_group_with_a_sub_technique_gets_partial_credit_for_its_parent(
    toy: GroupProfiles,
) -> None:
    evidence = Engine(toy).evidence(0, Query(("T1059",)))
    assert [(e.match, e.via) for e in evidence] == [("sub-technique", "T1059.001")]


def test_a_group_known_for_items_that_go_with_an_observed_one_gets_related_credit(
    toy: GroupProfiles,
) -> None:
    engine = Engine(toy)
    query = Query(("T1001",))
    scores = engine.scores(query)
    assert scores[1] > scores[0]  # G0002 shares T1105 with T1001's users; G0001 shares nothing
    assert [(e.item, e.match, e.via) for e in engine.evidence(1, query)] == [
        ("T1001", "related", "T1105")
    ]
    assert engine.evidence(0, query) == ()


def test_revoked_ids_are_ranked_as_their_successors_and_reported(toy: GroupProfiles) -> None:
    engine = Engine(toy)
    old = engine.attribute(Observation(techniques=("T1086",)))
    new = engine.attribute(Observation(techniques=("T1059.001",)))
    assert old.resolved == {"T1086": "T1059.001"}
    assert old.candidates == new.candidates


def test_sponsor_states_sum_the_probabilities_of_their_groups(toy: GroupProfiles) -> None:
    sponsors = {"G0001": "RUS", "G0002": "RUS", "G0003": "PRK"}
    sponsored = replace(
        toy, groups=tuple(replace(g, sponsor=sponsors.get(g.attack_id)) for g in toy.groups)
    )
    result = Engine(sponsored).attribute(Observation(techniques=("T1105",)), limit=None)
    by_group = {c.attack_id: c.probability for c in result.candidates}
    states = {s.iso3: s.probability for s in result.states}
    assert list(states) == sorted(states, key=lambda iso3: -states[iso3])
    assert math.isclose(states["RUS"], by_group["G0001"] + by_group["G0002"])
    assert math.isclose(states["PRK"], by_group["G0003"])
    assert sum(states.values()) + by_group["G0004"] + result.unknown == pytest.approx(1.0)


def test_matching_facets_raise_a_group(toy: GroupProfiles) -> None:
    tagged = replace(
        toy,
        groups=tuple(
            replace(g, items=g.items | {"victim:UKR"}) if g.attack_id == "G0003" else g
            for g in toy.groups
        ),
    )
    victim = Item(victim_key("UKR"), "victim", "UKR")
    tagged = replace(tagged, items=Catalogue([*toy.items.values(), victim]))
    plain = Engine(tagged).scores(tagged.resolve(Observation(techniques=("T1001",))))
    with_victim = Engine(tagged).scores(
        tagged.resolve(Observation(techniques=("T1001",), victims=("ukr",)))
    )
    assert with_victim[2] > plain[2]
    assert with_victim[3] == plain[3]


# On the shared ATT&CK bundle -----------------------------------------------------------------


@pytest.fixture(scope="module")
def engine(enterprise: GroupProfiles) -> Engine:
    return Engine(enterprise)


@pytest.fixture(scope="module")
def distinctive(enterprise: GroupProfiles) -> dict[str, list[str]]:
    """For each group, the techniques and software no other group is known for."""
    users = Counter(k for g in enterprise.groups for k in g.items)
    return {
        g.attack_id: sorted(k for k in g.items if users[k] == 1)
        for g in enterprise.groups
        if any(users[k] == 1 for k in g.items)
    }


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_adding_a_distinctive_item_of_a_group_never_lowers_its_rank(
    engine: Engine, distinctive: dict[str, list[str]], data: st.DataObject
) -> None:
    keys = sorted(engine.profiles.items)
    group = data.draw(st.sampled_from(sorted(distinctive)))
    extra = data.draw(st.sampled_from(distinctive[group]))
    seen = data.draw(st.lists(st.sampled_from(keys), min_size=1, max_size=25, unique=True))
    before = _observation(engine, seen)
    after = _observation(engine, [*seen, extra])
    assert _rank(engine, group, after) <= _rank(engine, group, before)


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_probabilities_sum_to_one_for_any_observation(engine: Engine, data: st.DataObject) -> None:
    keys = sorted(engine.profiles.items)
    seen = data.draw(st.lists(st.sampled_from(keys), min_size=1, max_size=40, unique=True))
    result = engine.attribute(_observation(engine, seen), limit=5)
    total = sum(c.probability for c in result.candidates) + result.others + result.unknown
    assert total == pytest.approx(1.0)
    assert all(0.0 <= c.probability <= 1.0 for c in result.candidates)


@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_evidence_weights_add_up_to_the_score_less_the_size_terms(
    engine: Engine, data: st.DataObject
) -> None:
    keys = sorted(engine.profiles.items)
    seen = data.draw(st.lists(st.sampled_from(keys), min_size=1, max_size=30, unique=True))
    query = engine.profiles.resolve(_observation(engine, seen))
    row = data.draw(st.integers(0, len(engine.profiles.groups) - 1))
    c, size = engine.coefficients, engine.log_size[row]
    observed = sum(engine.profiles.items[k].kind in ("technique", "software") for k in query.keys)
    rest = engine.scores(query)[row] - c[5] * observed * size - c[6] * size
    assert sum(e.weight for e in engine.evidence(row, query)) == pytest.approx(rest, abs=1e-9)


def _observation(engine: Engine, keys: list[str]) -> Observation:
    kinds = {k: engine.profiles.items[k].kind for k in keys}
    return Observation(
        techniques=tuple(k for k in keys if kinds[k] == "technique"),
        software=tuple(k for k in keys if kinds[k] == "software"),
    )


def test_apt28_tooling_points_to_apt28(engine: Engine) -> None:
    result = engine.attribute(
        Observation(techniques=("T1566.001", "T1071.001"), software=("S0023", "S0044")), limit=3
    )
    assert result.candidates[0].attack_id == "G0007"
    assert result.candidates[0].evidence[0].item in {"S0023", "S0044"}


def test_an_engine_without_profiles_says_to_import_attack(tmp_path: Path) -> None:
    bundle = tmp_path / "empty.json"
    bundle.write_text('{"type": "bundle", "id": "bundle--0", "objects": []}', encoding="utf-8")
    with pytest.raises(InvalidQuery, match="import attack"):
        Engine(from_bundle(bundle))
