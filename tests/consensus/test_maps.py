"""Plain data for the world maps."""

from __future__ import annotations

import pytest
from conftest import TableOf

from cyberdiplomacy.consensus.maps import position_map, vote_map
from cyberdiplomacy.errors import NotFound


def test_vote_map_gives_each_voters_vote_on_a_resolution(build_table: TableOf) -> None:
    table = build_table({"AAA": "yn", "BBB": "a.", "CCC": "ny"}, symbols=["A/RES/73/27", None])
    assert vote_map(table, "R/73/27") == {"AAA": "yes", "BBB": "abstain", "CCC": "no"}
    with pytest.raises(NotFound):
        vote_map(table, "A/RES/1/1")


def test_position_map_gives_each_recorded_stance_on_a_question() -> None:
    positions = {"USA": {"ihl-applies": "yes"}, "CHN": {"ihl-applies": "qualified"}, "RUS": {}}
    assert position_map(positions, "ihl-applies") == {"CHN": "qualified", "USA": "yes"}
