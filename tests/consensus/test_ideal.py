"""Ideal points: a hand-built assembly with known positions; the known poles of real sessions."""

from __future__ import annotations

import numpy as np
import pytest
from unga_tables import TableOf

from cyberdiplomacy.consensus.ideal import ideal_points, over_time, trajectories
from cyberdiplomacy.errors import InvalidQuery, NotFound
from cyberdiplomacy.knowledge.votes import Tenure, VoteTable

RealTable = tuple[VoteTable, dict[str, list[Tenure]]]


def spatial_votes(positions: list[float], repeats: int = 4) -> dict[str, str]:
    """Votes of states on a line: roll calls cut between every two neighbours, `repeats` times
    each, alternately yes on the right and on the left; a state next to a cut abstains."""
    cuts = np.repeat((np.array(positions[1:]) + positions[:-1]) / 2, repeats)
    sides = np.resize([1, -1], len(cuts))
    columns = {}
    for i, x in enumerate(positions):
        letters = [
            "a" if abs(x - c) < 0.05 else "y" if s * (x - c) > 0 else "n"
            for c, s in zip(cuts, sides, strict=True)
        ]
        columns[f"S{i:02d}"] = "".join(letters)
    return columns


def test_ideal_points_recover_the_order_of_a_known_line(build_table: TableOf) -> None:
    positions = list(np.linspace(-2, 2, 15))
    table = build_table(spatial_votes(positions))
    result = ideal_points(table, 70, anchor="S14")
    order = [p.code for p in result.points]
    assert order == [f"S{i:02d}" for i in range(14, -1, -1)]
    scores = [p.score for p in result.points]
    assert np.mean(scores) == pytest.approx(0, abs=1e-3) and np.std(scores) == pytest.approx(
        1, 0.01
    )


def test_the_anchor_decides_which_end_is_positive(build_table: TableOf) -> None:
    table = build_table(spatial_votes(list(np.linspace(-2, 2, 9))))
    assert ideal_points(table, 70, anchor="S00").points[0].code == "S00"
    assert ideal_points(table, 70, anchor="S08").points[0].code == "S08"


def test_ideal_points_need_contested_roll_calls(build_table: TableOf) -> None:
    with pytest.raises(InvalidQuery, match="too few contested"):
        ideal_points(build_table({"AAA": "yyyyyy", "BBB": "yyyyyy", "CCC": "yyyyyy"}), 70)


def test_the_united_states_and_israel_and_their_opposites_are_the_poles_of_2018(
    unga_table: RealTable,
) -> None:
    order = [p.code for p in ideal_points(unga_table[0], 73).points]
    assert set(order[:3]) >= {"USA", "ISR"}
    assert {"CUB", "IRN", "SYR", "PRK"} <= set(order[-15:])


def test_the_soviet_bloc_is_the_opposite_pole_in_1975(unga_table: RealTable) -> None:
    order = [p.code for p in ideal_points(unga_table[0], 30).points]
    assert {"USA", "ISR", "GBR"} <= set(order[:5])
    assert {"SUN", "DDR", "CSK"} <= set(order[-10:])


def test_trajectories_follow_states_over_the_sessions_they_can_be_placed_in(
    build_table: TableOf,
) -> None:
    columns = spatial_votes(list(np.linspace(-2, 2, 9)))
    calls = len(columns["S00"])
    table = build_table(
        {code: letters + "y" * 6 for code, letters in columns.items()},
        sessions=[70] * calls + [71] * 6,  # session 71: unanimous, nothing to place
    )
    found = trajectories(table, ["S08", "S00"])
    assert [s for s, _ in found["S08"]] == [70] and found["S08"][0][1] > found["S00"][0][1]


def test_over_time_ranks_states_per_session_as_their_order_changes(build_table: TableOf) -> None:
    line = list(np.linspace(-2, 2, 9))
    first = spatial_votes(line)
    second = spatial_votes([-2.5, *line[:-1]])  # S08 crosses over to the far left end
    second = {f"S{(i - 1) % 9:02d}": second[f"S{i:02d}"] for i in range(9)}
    calls = len(first["S00"])
    table = build_table(
        {code: first[code] + second[code] + "y" * 6 for code in first},
        sessions=[70] * calls + [71] * calls + [72] * 6,  # session 72: unanimous, skipped
    )
    result = over_time(table, [70, 71, 72], ["S08", "S00"], anchor="S07")
    assert (result.sessions, result.skipped, result.anchor) == ([70, 71], [72], "S07")
    assert [t.code for t in result.states] == ["S08", "S00"]
    s08, s00 = result.states
    assert [(p.session, p.rank, p.of) for p in s08.places] == [(70, 1, 9), (71, 9, 9)]
    assert [(p.session, p.rank) for p in s00.places] == [(70, 9), (71, 8)]
    assert s08.places[0].score > 0 > s08.places[1].score


def test_over_time_follows_every_state_by_default_latest_rank_first(build_table: TableOf) -> None:
    table = build_table(spatial_votes(list(np.linspace(-2, 2, 9))))
    result = over_time(table, anchor="S08")
    assert [t.code for t in result.states] == [f"S{i:02d}" for i in range(8, -1, -1)]
    assert result.states[0].name == "State S08"


def test_over_time_refuses_a_state_without_a_voting_record(build_table: TableOf) -> None:
    table = build_table(spatial_votes(list(np.linspace(-2, 2, 9))))
    with pytest.raises(NotFound):
        over_time(table, [70], ["XXX"])


def test_fits_are_cached_per_session_votes_not_per_session_number(build_table: TableOf) -> None:
    left = build_table(spatial_votes(list(np.linspace(-2, 2, 9))))
    right = build_table(spatial_votes(list(np.linspace(2, -2, 9))))
    assert ideal_points(left, 70, anchor="S00") is ideal_points(left, 70, anchor="S00")
    assert ideal_points(left, 70, anchor="S00").points[-1].code == "S08"
    assert ideal_points(right, 70, anchor="S08").points[0].code == "S08"
    assert ideal_points(right, 70, anchor="S00").points[-1].code == "S08"
