"""Vote forecasts and their backtest: a hand-built assembly with stable habits; the real data."""

from __future__ import annotations

import pytest
from unga_tables import TableOf

from cyberdiplomacy.consensus.backtest import backtest
from cyberdiplomacy.consensus.forecast import Forecaster, forecast
from cyberdiplomacy.errors import InvalidQuery, NotFound
from cyberdiplomacy.knowledge.votes import Tenure, VoteTable

RealTable = tuple[VoteTable, dict[str, list[Tenure]]]
TITLES = ["Question of Alpha", "Rights of Beta", "Gamma disarmament"]


def habits(sessions: int) -> dict[str, str]:
    """Three resolutions a session: AAA and DDD vote yes to all, BBB no to Beta, CCC abstains
    on Gamma, and EEE votes no to Alpha."""
    return {
        "AAA": "yyy" * sessions,
        "BBB": "yny" * sessions,
        "CCC": "yya" * sessions,
        "DDD": "yyy" * sessions,
        "EEE": "nyy" * sessions,
    }


@pytest.fixture
def assembly(build_table: TableOf) -> VoteTable:
    sessions = [s for s in range(60, 70) for _ in TITLES]
    return build_table(habits(10), sessions=sessions, titles=TITLES * 10)


@pytest.fixture(scope="module")
def real_forecaster(unga_table: RealTable) -> Forecaster:
    return Forecaster(*unga_table)


def test_forecast_follows_each_members_habit_on_the_most_similar_resolution(
    assembly: VoteTable,
) -> None:
    result = forecast(assembly, "Rights of Beta", 70)
    votes = {m.iso3: m.vote for m in result.members}
    assert votes == {"AAA": "yes", "BBB": "no", "CCC": "yes", "DDD": "yes", "EEE": "yes"}
    assert result.similar[0].title == "Rights of Beta" and result.similar[0].session == 69
    gamma = {m.iso3: m for m in forecast(assembly, "Gamma disarmament", 70).members}
    assert gamma["CCC"].vote == "abstain" and gamma["CCC"].probabilities["abstain"] > 0.5


def test_forecast_probabilities_are_yes_no_abstain_and_sum_to_one(assembly: VoteTable) -> None:
    for member in forecast(assembly, "Question of Alpha", 70).members:
        assert list(member.probabilities) == ["yes", "no", "abstain"]
        assert sum(member.probabilities.values()) == pytest.approx(1.0, abs=1e-9)
        assert member.vote == max(member.probabilities, key=member.probabilities.__getitem__)


def test_forecast_needs_earlier_sessions_with_every_kind_of_vote(build_table: TableOf) -> None:
    table = build_table({"AAA": "yyy", "BBB": "yyy"}, sessions=[60, 61, 62])
    with pytest.raises(InvalidQuery, match="too few votes"):
        forecast(table, "Anything", 63)


def test_forecast_like_an_unknown_resolution_is_not_found(assembly: VoteTable) -> None:
    with pytest.raises(NotFound, match="A/RES/99/1"):
        forecast(assembly, "Rights of Beta", 70, like=["R/99/1"])


def test_forecast_like_the_russian_resolution_puts_the_west_against_it(
    real_forecaster: Forecaster,
) -> None:
    title = "Developments in the field of information and telecommunications"
    result = real_forecaster.forecast(title, 74, like=["R/73/27"])
    votes = {m.iso3: m.vote for m in result.members}
    assert votes["RUS"] == votes["CHN"] == "yes"
    assert votes["USA"] == votes["GBR"] == votes["FRA"] == "no"
    assert len(votes) >= 190 and "SUN" not in votes
    assert result.similar[0].symbol == "A/RES/73/27"


def test_backtest_beats_the_majority_baseline(real_forecaster: Forecaster) -> None:
    result = backtest(real_forecaster, [72, 73])
    scores = {s.method: s for s in result.scores}
    assert result.sessions == [72, 73] and result.roll_calls > 150
    model, majority = scores["forecast"], scores["majority vote"]
    assert model.predictions == majority.predictions > 30_000
    assert model.accuracy > majority.accuracy + 0.05
    assert model.accuracy > scores["repeat most similar"].accuracy
    assert majority.recall == {"yes": 1.0, "no": 0.0, "abstain": 0.0}
    assert model.recall["no"] > 0.5 and model.log_loss is not None
