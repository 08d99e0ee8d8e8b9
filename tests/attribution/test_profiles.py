"""Group profiles from a bundle and from the knowledge base, and resolving observed ids."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from cyberdiplomacy.attribution import GroupProfiles, Observation, from_session
from cyberdiplomacy.errors import InvalidQuery, UnknownAttackIds


def test_bundle_profiles_hold_current_groups_with_their_items(toy: GroupProfiles) -> None:
    assert [g.attack_id for g in toy.groups] == ["G0001", "G0002", "G0003", "G0004"]
    assert toy.group("G0001").items == {"T1059.001", "S0001"}
    assert toy.group("G0001").sponsor is None
    assert toy.items["T1059.001"].parent == "T1059"
    assert toy.items["S0001"].techniques == {"T1105"}
    assert "T1086" not in toy.items


def test_profiles_keep_the_reports_cited_for_each_item(toy: GroupProfiles) -> None:
    assert toy.group("G0002").citations == {
        "T1059": frozenset({"Report B"}),
        "T1105": frozenset({"Report B"}),
    }


def test_revoked_ids_resolve_to_their_successors(toy: GroupProfiles) -> None:
    query = toy.resolve(Observation(techniques=("t1086", "T1105")))
    assert query.keys == ("T1059.001", "T1105")
    assert query.resolved == {"T1086": "T1059.001"}


def test_unknown_and_malformed_ids_are_all_named_in_one_error(toy: GroupProfiles) -> None:
    with pytest.raises(UnknownAttackIds) as caught:
        toy.resolve(Observation(techniques=("T9999", "PowerShell"), software=("S0001", "T1105")))
    assert caught.value.unknown == ("T9999",)
    assert caught.value.malformed == ("PowerShell", "T1105")
    assert "T9999" in str(caught.value) and "'PowerShell'" in str(caught.value)
    assert caught.value.status == 400


def test_malformed_victim_codes_are_rejected(toy: GroupProfiles) -> None:
    with pytest.raises(UnknownAttackIds, match="'Ukraine'"):
        toy.resolve(Observation(techniques=("T1105",), victims=("Ukraine",)))


@pytest.mark.parametrize(
    "observation",
    [Observation(), Observation(sectors=("energy",), victims=("UKR",))],
    ids=["nothing", "facets only"],
)
def test_an_observation_without_techniques_or_software_is_an_error(
    toy: GroupProfiles, observation: Observation
) -> None:
    with pytest.raises(InvalidQuery, match="at least one ATT&CK technique or software"):
        toy.resolve(observation)


def test_items_no_group_uses_are_reported_as_unused(toy: GroupProfiles) -> None:
    query = toy.resolve(Observation(techniques=("T1059.003", "T1105")))
    assert query.unused == ("T1059.003",)


def test_held_out_profiles_leave_the_other_groups_alone(toy: GroupProfiles) -> None:
    reduced = toy.without("G0002", ["T1105"])
    assert reduced.group("G0002").items == {"T1059"}
    assert reduced.group("G0003").items == toy.group("G0003").items
    assert [g.attack_id for g in toy.excluding("G0001").groups] == ["G0002", "G0003", "G0004"]


def test_enterprise_bundle_profiles(enterprise: GroupProfiles) -> None:
    assert len(enterprise.groups) == 172
    apt28 = enterprise.group("G0007")
    assert apt28.name == "APT28"
    assert {"T1059.001", "S0023"} <= apt28.items
    assert enterprise.successors["T1086"] == "T1059.001"
    assert all(k in enterprise.items for g in enterprise.groups for k in g.items)


def test_knowledge_base_profiles_add_sponsors_and_facets(
    full_base: Engine, enterprise: GroupProfiles
) -> None:
    with Session(full_base) as session:
        profiles = from_session(session)
    apt28 = profiles.group("G0007")
    assert apt28.sponsor == "RUS"
    assert apt28.items >= enterprise.group("G0007").items
    assert any(k.startswith(("sector:", "victim:")) for k in apt28.items)
    assert {g.attack_id for g in profiles.groups} == {g.attack_id for g in enterprise.groups}
    assert profiles.successors == enterprise.successors
