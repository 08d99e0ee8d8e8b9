"""Agreement between two states and the agreement matrix, on hand-built votes."""

from __future__ import annotations

import pytest
from unga_tables import TableOf

from cyberdiplomacy.consensus.agreement import agreement, agreement_matrix
from cyberdiplomacy.errors import InvalidQuery, NotFound

COLUMNS = {"AAA": "yyyna", "BBB": "yynnn", "CCC": "nnnyy", "DDD": "yy..."}
SESSIONS = [70, 70, 71, 71, 71]


def test_agreement_counts_identical_votes_and_half_agreement_on_abstentions(
    build_table: TableOf,
) -> None:
    result = agreement(build_table(COLUMNS, sessions=SESSIONS), "AAA", "BBB")
    assert (result.votes, result.identical, result.index) == (5, 0.6, pytest.approx(0.7))
    assert [(s.session, s.votes, s.identical) for s in result.sessions] == [
        (70, 2, 1.0),
        (71, 3, pytest.approx(1 / 3)),
    ]
    assert result.sessions[1].index == pytest.approx(0.5)


def test_agreement_of_opposites_is_zero_but_for_the_abstention(build_table: TableOf) -> None:
    result = agreement(build_table(COLUMNS), "aaa", "CCC")
    assert (result.a, result.identical, result.index) == ("AAA", 0.0, pytest.approx(0.1))


def test_agreement_counts_only_roll_calls_both_voted_on(build_table: TableOf) -> None:
    result = agreement(build_table(COLUMNS), "AAA", "DDD")
    assert (result.votes, result.identical) == (2, 1.0)


def test_agreement_on_an_issue_and_a_period(build_table: TableOf) -> None:
    table = build_table(
        COLUMNS,
        sessions=SESSIONS,
        issues=[("hr",), ("hr",), ("me",), ("hr",), ()],
        dates=["2015-10-01", "2015-10-02", "2016-10-01", "2016-10-02", "2016-10-03"],
    )
    assert agreement(table, "AAA", "BBB", issue="Human rights").votes == 3
    assert agreement(table, "AAA", "BBB", issue="hr", since=2016).identical == 1.0
    assert agreement(table, "AAA", "BBB", until=2015).votes == 2
    with pytest.raises(InvalidQuery, match="issue"):
        agreement(table, "AAA", "BBB", issue="space")


def test_agreement_between_states_that_never_met_is_none(build_table: TableOf) -> None:
    result = agreement(build_table({"AAA": "yy..", "BBB": "..nn"}), "AAA", "BBB")
    assert (result.votes, result.identical, result.index) == (0, None, None)


def test_agreement_with_an_unknown_state_is_not_found(build_table: TableOf) -> None:
    with pytest.raises(NotFound, match="ZZZ"):
        agreement(build_table(COLUMNS), "AAA", "ZZZ")


def test_agreement_matrix_matches_pairwise_agreement(build_table: TableOf) -> None:
    table = build_table(COLUMNS)
    matrix = agreement_matrix(table, min_votes=1)
    assert matrix.codes == ["AAA", "BBB", "CCC", "DDD"]
    for i, a in enumerate(matrix.codes):
        for j, b in enumerate(matrix.codes):
            pair = agreement(table, a, b)
            assert matrix.votes[i][j] == pair.votes
            assert matrix.identical[i][j] == pytest.approx(pair.identical, abs=1e-4)
            assert matrix.index[i][j] == pytest.approx(pair.index, abs=1e-4)


def test_agreement_matrix_leaves_out_pairs_with_too_few_shared_votes(build_table: TableOf) -> None:
    matrix = agreement_matrix(build_table(COLUMNS), ["AAA", "DDD", "BBB"], min_votes=3)
    assert matrix.codes == ["AAA", "DDD", "BBB"]
    assert matrix.identical[0][1] is None and matrix.identical[0][2] == 0.6
