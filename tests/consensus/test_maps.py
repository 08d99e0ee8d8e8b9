"""Plain data for the world maps."""

from __future__ import annotations

from typing import get_args

import pytest
from unga_tables import TableOf

from cyberdiplomacy.consensus.maps import QUESTIONS, position_map, stance_map, vote_map
from cyberdiplomacy.errors import InvalidQuery, NotFound
from cyberdiplomacy.sources.schemas import PositionIssue


def test_vote_map_gives_each_voters_vote_on_a_resolution(build_table: TableOf) -> None:
    table = build_table({"AAA": "yn", "BBB": "a.", "CCC": "ny"}, symbols=["A/RES/73/27", None])
    assert vote_map(table, "R/73/27") == {"AAA": "yes", "BBB": "abstain", "CCC": "no"}
    with pytest.raises(NotFound):
        vote_map(table, "A/RES/1/1")


def test_position_map_gives_each_recorded_stance_on_a_question() -> None:
    positions = {"USA": {"ihl-applies": "yes"}, "CHN": {"ihl-applies": "qualified"}, "RUS": {}}
    assert position_map(positions, "ihl-applies") == {"CHN": "qualified", "USA": "yes"}


def test_every_contested_question_of_the_curated_data_has_its_wording() -> None:
    assert set(QUESTIONS) == set(get_args(PositionIssue))
    assert all(q.issue == key and q.text.endswith("?") for key, q in QUESTIONS.items())


def test_stance_map_counts_the_stances_in_the_legends_order() -> None:
    positions = {
        "USA": {"ihl-applies": "yes"},
        "GBR": {"ihl-applies": "yes"},
        "CHN": {"ihl-applies": "qualified"},
        "RUS": {"sovereignty-rule": "no"},
    }
    found = stance_map(positions, "ihl-applies")
    assert found.question.yes == "IHL applies"
    assert found.stances == {"CHN": "qualified", "GBR": "yes", "USA": "yes"}
    assert list(found.counts.items()) == [("yes", 2), ("qualified", 1), ("unclear", 0), ("no", 0)]


def test_stance_map_of_an_unknown_question_names_the_questions() -> None:
    with pytest.raises(InvalidQuery, match="'space-law' is not one of ihl-applies"):
        stance_map({}, "space-law")
