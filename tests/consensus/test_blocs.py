"""Bloc cohesion (Agreement Index, Rice index) and splits, on hand-built votes: known answers."""

from __future__ import annotations

import datetime as dt

import pytest
from unga_tables import TableOf

from cyberdiplomacy.consensus.blocs import cohesion, compare, splits
from cyberdiplomacy.errors import InvalidQuery
from cyberdiplomacy.knowledge.votes import Tenure

# Five roll calls: unanimous; three-way split; 2-1 (yes, no); 2 yes and 1 abstention; and, once
# DDD has joined, 3 yes against its no. DDD's no on the first roll call predates its membership.
COLUMNS = {"AAA": "yyyyy", "BBB": "ynyyy", "CCC": "yanay", "DDD": "n...n", "OUT": "nnnnn"}
SESSIONS = [70, 70, 71, 71, 72]
DATES = ["2015-10-01", "2015-10-02", "2016-10-01", "2016-10-02", "2017-10-01"]
FOUNDED = dt.date(2015, 1, 1)
BLOC = [Tenure(code, FOUNDED, None) for code in ("AAA", "BBB", "CCC")]
BLOC.append(Tenure("DDD", dt.date(2017, 1, 1), None))


def test_cohesion_per_session_is_the_mean_agreement_and_rice_index(build_table: TableOf) -> None:
    result = cohesion(build_table(COLUMNS, sessions=SESSIONS, dates=DATES), "test", BLOC)
    assert [(p.session, p.year, p.roll_calls, p.members) for p in result.sessions] == [
        (70, 2015, 2, 3),
        (71, 2016, 2, 3),
        (72, 2017, 1, 4),
    ]
    # AI: 1 and 0; 0.5 and 0.5; (3 - 1/2) / 4. Rice: 1 and 0; 1/3 and 1; 1/2.
    assert [p.agreement_index for p in result.sessions] == [0.5, 0.5, 0.625]
    assert [p.rice for p in result.sessions] == [0.5, pytest.approx(0.6667), 0.5]
    assert result.roll_calls == 5
    assert result.agreement_index == pytest.approx((1 + 0 + 0.5 + 0.5 + 0.625) / 5, abs=1e-4)


def test_cohesion_counts_a_member_only_from_its_accession(build_table: TableOf) -> None:
    table = build_table(COLUMNS, sessions=SESSIONS, dates=DATES)
    first = cohesion(table, "test", BLOC).sessions[0]
    assert first.members == 3 and first.agreement_index == 0.5


def test_members_without_a_date_count_from_the_blocs_earliest_known_date(
    build_table: TableOf,
) -> None:
    table = build_table(COLUMNS, sessions=SESSIONS, dates=DATES)
    undated = [Tenure(t.iso3, None, None) if t.iso3 != "DDD" else t for t in BLOC]
    assert [p.session for p in cohesion(table, "test", undated).sessions] == [72]
    nobody_dated = [Tenure(t.iso3, None, None) for t in BLOC]
    assert cohesion(table, "test", nobody_dated).sessions[0].members == 4


def test_members_leave_on_their_until_date(build_table: TableOf) -> None:
    table = build_table(COLUMNS, sessions=SESSIONS, dates=DATES)
    left = [*BLOC[:2], Tenure("CCC", FOUNDED, dt.date(2016, 1, 1)), BLOC[3]]
    assert [p.members for p in cohesion(table, "test", left).sessions] == [3, 2, 3]


def test_cohesion_of_a_bloc_without_members_is_refused(build_table: TableOf) -> None:
    with pytest.raises(InvalidQuery, match="no member states"):
        cohesion(build_table(COLUMNS), "empty", [])


def test_splits_name_the_members_who_left_the_majority(build_table: TableOf) -> None:
    table = build_table(COLUMNS, sessions=SESSIONS, dates=DATES)
    majority, found = splits(table, 4, BLOC)
    assert majority == "yes"
    assert [(s.iso3, s.vote, s.bloc_vote) for s in found] == [("DDD", "no", "yes")]
    assert splits(table, 0, BLOC) == ("yes", [])


def test_compare_gives_each_bloc_its_cohesion_and_one_that_always_agrees_scores_one(
    build_table: TableOf,
) -> None:
    table = build_table({**COLUMNS, "TWN": "yyyyy"}, sessions=SESSIONS, dates=DATES)
    tenures = {"test": BLOC, "twins": [Tenure("AAA", FOUNDED, None), Tenure("TWN", None, None)]}
    tenures["pair"] = [Tenure("AAA", FOUNDED, None), Tenure("OUT", FOUNDED, None)]
    found = compare(table, tenures, ["twins", "test", "pair", "twins"])
    assert [c.bloc for c in found] == ["twins", "test", "pair"]
    twins, test, pair = found
    assert [p.agreement_index for p in twins.sessions] == [1.0, 1.0, 1.0]
    assert (twins.agreement_index, twins.rice) == (1.0, 1.0)
    assert [p.agreement_index for p in test.sessions] == [0.5, 0.5, 0.625]
    assert (pair.agreement_index, pair.rice) == (0.25, 0.0)  # yes against no every time


def test_compare_names_the_unknown_blocs(build_table: TableOf) -> None:
    with pytest.raises(InvalidQuery, match="'nowhere' not among test"):
        compare(build_table(COLUMNS), {"test": BLOC}, ["test", "nowhere"])
    with pytest.raises(InvalidQuery, match="at least one"):
        compare(build_table(COLUMNS), {"test": BLOC}, [])
