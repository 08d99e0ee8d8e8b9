"""The held-out protocols, the metrics and the engine against the baselines."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cyberdiplomacy.attribution import GroupProfiles, Query, evaluate
from cyberdiplomacy.attribution.baselines import Jaccard, TfidfCosine
from cyberdiplomacy.attribution.evaluate import OFFICIAL, REPORT, REPORT_NOISY, Evaluation


class Constant:
    """A method that cannot tell groups apart."""

    def __init__(self, profiles: GroupProfiles) -> None:
        self.groups = len(profiles.groups)

    def scores(self, query: Query) -> np.ndarray:
        return np.zeros(self.groups)


@pytest.fixture(scope="module")
def noisy_reports(enterprise: GroupProfiles) -> Evaluation:
    return evaluate.run(enterprise, seed=0, protocol=REPORT_NOISY)


def test_the_engine_beats_both_baselines_on_top1(noisy_reports: Evaluation) -> None:
    top1 = {r.method: r.top1 for r in noisy_reports.results}
    assert top1["engine"] > top1["tfidf"]
    assert top1["engine"] > top1["jaccard"]


def test_the_engine_is_calibrated_as_shipped(noisy_reports: Evaluation) -> None:
    engine = next(r for r in noisy_reports.results if r.method == "engine")
    assert engine.temperature == pytest.approx(1.0, abs=0.15)
    assert engine.ece < 0.1


def test_the_table_has_a_header_and_a_row_per_method(noisy_reports: Evaluation) -> None:
    rows = noisy_reports.rows()
    assert rows[0][:3] == ("method", "top-1", "top-5")
    assert [r[0] for r in rows[1:]] == ["engine", "jaccard", "tfidf"]


def test_cases_are_the_same_for_the_same_seed(enterprise: GroupProfiles) -> None:
    first = evaluate.cases(enterprise, 7, REPORT_NOISY)
    again = evaluate.cases(enterprise, 7, REPORT_NOISY)
    other = evaluate.cases(enterprise, 8, REPORT_NOISY)
    assert [(c.group, c.query) for c in first] == [(c.group, c.query) for c in again]
    assert [c.query for c in first] != [c.query for c in other]


def test_evaluation_is_deterministic_for_a_fixed_seed(toy_like: GroupProfiles) -> None:
    methods = {"jaccard": Jaccard, "tfidf": TfidfCosine}
    assert evaluate.run(toy_like, seed=3, methods=methods) == evaluate.run(
        toy_like, seed=3, methods=methods
    )


def test_held_out_queries_are_missing_from_the_group_profile(enterprise: GroupProfiles) -> None:
    for case in evaluate.cases(enterprise, 0, OFFICIAL)[:20]:
        assert case.group is not None
        assert not set(case.query.keys) & case.profiles.group(case.group).items


def test_report_queries_list_the_whole_report(enterprise: GroupProfiles) -> None:
    for case in evaluate.cases(enterprise, 0, REPORT)[:20]:
        assert case.group is not None
        full = enterprise.group(case.group)
        reports = set.intersection(*(set(full.citations[k]) for k in case.query.keys))
        assert reports, "every queried item is cited by the held-out report"
        assert len(case.profiles.group(case.group).items) >= REPORT.min_items


def test_unknown_actor_queries_come_from_groups_left_out(enterprise: GroupProfiles) -> None:
    drawn = evaluate.cases(enterprise, 0, REPORT)
    unknown = [c for c in drawn if c.group is None]
    share = len(unknown) / len(drawn)
    assert share == pytest.approx(REPORT.unknown_share, abs=0.02)
    assert all(len(c.profiles.groups) == len(enterprise.groups) - 1 for c in unknown)


def test_a_method_that_cannot_tell_groups_apart_earns_only_chance(
    toy_like: GroupProfiles,
) -> None:
    result = evaluate.run(toy_like, seed=0, methods={"constant": Constant}).results[0]
    groups = len(toy_like.groups)
    assert result.top1 == pytest.approx(1 / groups)
    assert result.top5 == pytest.approx(5 / groups)
    assert math.isinf(result.temperature)


@pytest.fixture(scope="module")
def toy_like(enterprise: GroupProfiles) -> GroupProfiles:
    """The forty largest enterprise groups: quick to evaluate, realistic in shape."""
    largest = sorted(enterprise.groups, key=lambda g: -len(g.items))[:40]
    return GroupProfiles(
        groups=tuple(sorted(largest, key=lambda g: g.attack_id)),
        items=enterprise.items,
        successors=enterprise.successors,
        origin="largest enterprise groups",
    )
