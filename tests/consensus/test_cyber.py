"""The cyber focus: which roll calls are on ICT security, and the rival resolutions of 2018."""

from __future__ import annotations

import pytest

from cyberdiplomacy.consensus.cyber import cyber_rows, cyber_topic, rivals
from cyberdiplomacy.consensus.forecast import Forecaster
from cyberdiplomacy.knowledge.votes import Tenure, VoteTable

RealTable = tuple[VoteTable, dict[str, list[Tenure]]]


@pytest.mark.parametrize(
    ("title", "description", "topic"),
    [
        ("INFORMATION, INTERNATIONAL SECURITY", None, "ict-security"),
        ("Advancing responsible State behaviour in cyberspace", None, "ict-security"),
        (
            "Developments in the field of information and telecommunicati",
            "Developments in the field of information and telecommunications in the context of "
            "international security : resolution / adopted by the General Assembly",
            "ict-security",
        ),
        (
            "Countering the use of information and communications technologies for criminal "
            "purposes",
            None,
            "cybercrime",
        ),
        (
            "",
            "The President: ... Agenda item 91 Developments in the field of information and "
            "telecommunications in the context of international security",
            None,
        ),
        ("Nuclear disarmament", None, None),
    ],
)
def test_cyber_topic_reads_the_title_and_the_descriptions_lead(
    title: str, description: str | None, topic: str | None
) -> None:
    assert cyber_topic(title, description) == topic


def test_the_cyber_roll_calls_of_the_shared_data(unga_table: RealTable) -> None:
    table = unga_table[0]
    symbols = [table.symbols[i] for i, found in enumerate(cyber_rows(table)) if found]
    assert symbols == [
        "A/RES/60/45", "A/RES/61/54", "A/RES/62/17", "A/RES/63/37", "A/RES/71/28",
        "A/RES/73/27", "A/RES/73/187", "A/RES/73/266",
    ]  # fmt: skip


def test_rivals_of_2018_bridges_splits_and_swing_states(unga_table: RealTable) -> None:
    table, tenures = unga_table
    result = rivals(table, tenures, Forecaster(table, tenures))
    assert (result.first.yes, result.first.no, result.first.abstain) == (119, 46, 14)
    assert (result.second.yes, result.second.no, result.second.abstain) == (138, 12, 16)
    camps = {s.iso3: s.camp for s in result.stances}
    assert camps["IND"] == camps["SGP"] == camps["MEX"] == "bridge"
    assert camps["RUS"] == "first" and camps["USA"] == "second"
    assert set(result.bridges) == {code for code, camp in camps.items() if camp == "bridge"}
    found = {(s.bloc, s.symbol): {m.iso3 for m in s.splits} for s in result.splits}
    assert ("eu", "A/RES/73/27") not in found  # the EU voted no as one
    assert found[("sco", "A/RES/73/266")] >= {"CHN", "RUS"}
    assert found[("nato", "A/RES/73/27")] == {"TUR"}
    assert result.next_session == 74 and len(result.swing_states) == 25
    uncertainties = [s.uncertainty for s in result.swing_states]
    assert uncertainties == sorted(uncertainties, reverse=True)
    assert all(sum(s.first.values()) == pytest.approx(1) for s in result.swing_states)
