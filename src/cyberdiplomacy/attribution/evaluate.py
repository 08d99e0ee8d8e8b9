"""Repeatable held-out protocols for attribution methods: ranking quality and calibration.

Items protocols (`OFFICIAL`, `NOISY`): for every group with enough items, a seeded random
30-50% of its techniques and software leaves its profile and becomes the query (`NOISY` keeps
only part of it and mixes in popular items the group lacks). By construction the right group is
the one profile that lacks every queried item, so exact-match methods cannot rank it: these
protocols measure generalisation only, and every method scores near zero on them.

Report protocols (`REPORT`, `REPORT_NOISY`), which stand in for new campaigns: one report that
ATT&CK cites for the group is held out; items only that report supports leave the profile, and
the query is everything the report lists, so it overlaps the profile as a new campaign report
does. The group must keep at least `min_items` items, as campaigns are attributed to known
groups.

So that the "unknown actor" class can be calibrated and judged, extra queries come from groups
left out of the profiles entirely; their right answer is "unknown".

Every method's scores become probabilities through softmax(scores / T) with an unknown class of
logit b; (T, b) are fitted by maximum likelihood on a second seed and judged on the first, so
calibration is out of sample and comparable across methods. Ties in ranking count as the
expected rank under random tie-breaking, so a method cannot gain from constant scores.
"""

from __future__ import annotations

import itertools
import math
import typing
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from cyberdiplomacy.attribution.baselines import Jaccard, TfidfCosine
from cyberdiplomacy.attribution.profiles import Group, GroupProfiles, Query
from cyberdiplomacy.attribution.technical import Engine, Parameters

Scores = NDArray[np.float64]
CALIBRATION_BINS = 10
NEWTON_STEPS = 50


class Ranker(typing.Protocol):
    """What the protocol needs of a method: one score per group, higher is likelier."""

    def scores(self, query: Query) -> Scores: ...


Method = Callable[[GroupProfiles], Ranker]

METHODS: Mapping[str, Method] = {"engine": Engine, "jaccard": Jaccard, "tfidf": TfidfCosine}


@dataclass(frozen=True)
class Protocol:
    """How queries are drawn from a group's items.

    `hold_out` is "items" (hide a random `hidden` share of the group's items) or "report" (hide
    one report ATT&CK cites for the group, with at least `min_items` items: the items only that
    report supports leave the profile, and the query is everything the report lists, including
    what other reports also support, as with a new campaign report). `kept` bounds the share of
    the held-out items that is queried; `noise` is the share of the query made of items,
    weighted by popularity, that the group is not known for.
    """

    name: str = "held-out"
    hold_out: Literal["items", "report"] = "items"
    hidden: tuple[float, float] = (0.3, 0.5)
    kept: tuple[float, float] = (1.0, 1.0)
    noise: float = 0.0
    min_items: int = 5
    unknown_share: float = 0.2


OFFICIAL = Protocol()
NOISY = Protocol(name="held-out+noise", kept=(0.5, 1.0), noise=0.25)
REPORT = Protocol(name="report", hold_out="report")
REPORT_NOISY = Protocol(name="report+noise", hold_out="report", kept=(0.5, 1.0), noise=0.25)
PROTOCOLS = (OFFICIAL, NOISY, REPORT, REPORT_NOISY)


@dataclass(frozen=True)
class Case:
    """One query: the profiles it runs against and the right group (None: unknown actor)."""

    profiles: GroupProfiles
    query: Query
    group: str | None


@dataclass(frozen=True)
class MethodResult:
    """One method's scores on the protocol; (temperature, unknown_logit) as fitted."""

    method: str
    top1: float
    top5: float
    mrr: float
    ece: float
    brier: float
    temperature: float
    unknown_logit: float


@dataclass(frozen=True)
class Evaluation:
    """The protocol's results, one row per method."""

    protocol: Protocol
    seed: int
    queries: int
    unknown_queries: int
    results: tuple[MethodResult, ...]

    def rows(self) -> list[tuple[str, ...]]:
        """A header and one formatted row per method, for CLI and page tables."""
        header: tuple[str, ...] = ("method", "top-1", "top-5", "MRR", "ECE", "Brier", "T", "b")
        return [header] + [
            (
                r.method,
                f"{r.top1:.3f}",
                f"{r.top5:.3f}",
                f"{r.mrr:.3f}",
                f"{r.ece:.3f}",
                f"{r.brier:.3f}",
                f"{r.temperature:.3g}",
                f"{r.unknown_logit:.3g}",
            )
            for r in self.results
        ]


def _sample(rng: np.random.Generator, items: Sequence[str], share: float) -> list[str]:
    count = min(len(items), max(1, round(share * len(items))))
    return [items[i] for i in sorted(rng.choice(len(items), size=count, replace=False))]


def _observable(profiles: GroupProfiles, keys: Iterable[str]) -> list[str]:
    """The techniques and software among `keys`, sorted (facets are never held out)."""
    return sorted(k for k in keys if profiles.items[k].kind in ("technique", "software"))


def _reports(profiles: GroupProfiles, group: Group, protocol: Protocol) -> dict[str, list[str]]:
    """The group's cited reports that list at least `min_items` techniques and software and
    whose removal leaves at least as many: a campaign is attributed to a group already known."""
    listed: dict[str, list[str]] = {}
    for key in _observable(profiles, group.citations):
        for report in group.citations[key]:
            listed.setdefault(report, []).append(key)
    size = len(_observable(profiles, group.items))
    return {
        report: keys
        for report, keys in sorted(listed.items())
        if len(keys) >= protocol.min_items
        and size - sum(group.citations[k] <= {report} for k in keys) >= protocol.min_items
    }


def _hold_out(
    rng: np.random.Generator, profiles: GroupProfiles, group: Group, protocol: Protocol
) -> tuple[list[str], list[str]]:
    """(items leaving the group's profile, items queried) for one group."""
    if protocol.hold_out == "report":
        reports = _reports(profiles, group, protocol)
        report = sorted(reports)[rng.integers(len(reports))]
        shown = reports[report]
        hidden = [k for k in shown if group.citations[k] <= {report}]
    else:
        hidden = shown = _sample(
            rng, _observable(profiles, group.items), rng.uniform(*protocol.hidden)
        )
    queried = _sample(rng, shown, rng.uniform(*protocol.kept))
    if protocol.noise > 0:
        count = max(1, round(len(queried) * protocol.noise / (1 - protocol.noise)))
        queried += _noise(rng, profiles, group.items, count)
    return hidden, queried


def _noise(
    rng: np.random.Generator, profiles: GroupProfiles, own: frozenset[str], count: int
) -> list[str]:
    """Items drawn by how many groups use them, none of which the group is known for."""
    usage = Counter(k for g in profiles.groups for k in _observable(profiles, g.items - own))
    keys = sorted(usage)
    weights = np.array([usage[k] for k in keys], dtype=np.float64)
    picked = rng.choice(
        len(keys), size=min(count, len(keys)), replace=False, p=weights / weights.sum()
    )
    return [keys[i] for i in sorted(picked)]


def _eligible(profiles: GroupProfiles, group: Group, protocol: Protocol) -> bool:
    if protocol.hold_out == "report":
        return bool(_reports(profiles, group, protocol))
    return len(_observable(profiles, group.items)) >= protocol.min_items


def cases(profiles: GroupProfiles, seed: int, protocol: Protocol = OFFICIAL) -> list[Case]:
    """The protocol's queries for one seed: one per eligible group, then the unknown actors."""
    rng = np.random.default_rng(seed)
    eligible = [g for g in profiles.groups if _eligible(profiles, g, protocol)]
    drawn: list[Case] = []
    for group in eligible:
        hidden, queried = _hold_out(rng, profiles, group, protocol)
        reduced = profiles.without(group.attack_id, hidden)
        drawn.append(Case(reduced, Query(tuple(queried)), group.attack_id))
    extra = round(len(eligible) * protocol.unknown_share / (1 - protocol.unknown_share))
    for n in sorted(rng.choice(len(eligible), size=min(extra, len(eligible)), replace=False)):
        group = eligible[n]
        _, queried = _hold_out(rng, profiles, group, protocol)
        drawn.append(Case(profiles.excluding(group.attack_id), Query(tuple(queried)), None))
    return drawn


@dataclass(frozen=True)
class _Scored:
    """Scores of every case, padded to one width; column `width` is the unknown class."""

    scores: Scores
    mask: NDArray[np.bool_]
    truth: NDArray[np.int64]

    @property
    def known(self) -> NDArray[np.bool_]:
        return np.asarray(self.truth < self.scores.shape[1], dtype=np.bool_)


def _truth(case: Case) -> int:
    ids = [g.attack_id for g in case.profiles.groups]
    return len(ids) if case.group is None else ids.index(case.group)


def _score(method: Method, drawn: list[Case]) -> _Scored:
    width = max(len(c.profiles.groups) for c in drawn)
    scores = np.zeros((len(drawn), width))
    mask = np.zeros((len(drawn), width), dtype=bool)
    truth = np.full(len(drawn), width, dtype=np.int64)
    for n, case in enumerate(drawn):
        row = method(case.profiles).scores(case.query)
        scores[n, : len(row)] = row
        mask[n, : len(row)] = True
        if case.group is not None:
            truth[n] = _truth(case)
    return _Scored(scores, mask, truth)


def _softmax(logits: Scores) -> Scores:
    shifted = np.exp(logits - logits.max())
    return np.asarray(shifted / shifted.sum(), dtype=np.float64)


def fit_logit(
    features: Sequence[NDArray[np.float64]], truth: Sequence[int], l2: float = 1e-4
) -> tuple[Scores, float]:
    """Coefficients and unknown-class logit maximising the likelihood of the right answers.

    Case n's groups have logits `features[n] @ coefficients`, the unknown actor a fixed logit;
    `truth[n]` is the right group's row, or `len(features[n])` for the unknown actor. The
    negative log-likelihood is convex, so damped Newton steps converge; a light L2 penalty
    keeps correlated features finite.
    """
    width = features[0].shape[1] + 1

    def objective(theta: Scores, derivatives: bool) -> tuple[float, Scores, Scores]:
        loss, gradient, hessian = 0.5 * l2 * float(theta @ theta), l2 * theta, l2 * np.eye(width)
        for matrix, right in zip(features, truth, strict=True):
            design = np.zeros((len(matrix) + 1, width))
            design[:-1, :-1] = matrix
            design[-1, -1] = 1.0
            logits = design @ theta
            top = logits.max()
            total = float(np.log(np.exp(logits - top).sum())) + top
            loss += (total - logits[right]) / len(features)
            if derivatives:
                p = np.exp(logits - total)
                mean = p @ design
                gradient += (mean - design[right]) / len(features)
                hessian += ((design * p[:, None]).T @ design - np.outer(mean, mean)) / len(features)
        return loss, gradient, hessian

    theta = np.zeros(width)
    loss, gradient, hessian = objective(theta, True)
    for _ in range(NEWTON_STEPS):
        step = np.linalg.solve(hessian, gradient)
        scale = 1.0
        while scale > 1e-8:
            trial = theta - scale * step
            trial_loss = objective(trial, False)[0]
            if trial_loss <= loss:
                break
            scale /= 2
        else:
            break
        theta, improvement = trial, loss - trial_loss
        loss, gradient, hessian = objective(theta, True)
        if improvement < 1e-10:
            break
    return theta[:-1], float(theta[-1])


def fit_calibration(scored: _Scored) -> tuple[float, float]:
    """(temperature, unknown logit) of softmax(scores / T) with an unknown class, by likelihood."""
    features = [scored.scores[n, scored.mask[n]][:, None] for n in range(len(scored.scores))]
    truth = [int(min(t, m.sum())) for t, m in zip(scored.truth, scored.mask, strict=True)]
    (inverse,), bias = fit_logit(features, truth)
    if inverse <= 0:  # scores anti-correlated with the truth: the best positive T is infinite
        return math.inf, fit_logit([f[:, :0] for f in features], truth)[1]
    return 1.0 / inverse, bias


def fit_engine(
    profiles: GroupProfiles,
    seeds: Sequence[int] = (1, 2, 3),
    protocols: Sequence[Protocol] = (REPORT, REPORT_NOISY),
    parameters: Parameters | None = None,
) -> Parameters:
    """The engine's coefficients and unknown logit, fitted on the protocols' cases for `seeds`.

    Fit on the report protocols: their queries overlap the profiles as real campaign reports
    do, whereas the items protocols' queries are by construction what the group lacks.
    """
    base = parameters or Parameters()
    features, truth = [], []
    for protocol, seed in itertools.product(protocols, seeds):
        for case in cases(profiles, seed, protocol):
            features.append(Engine(case.profiles, base).features(case.query))
            truth.append(_truth(case))
    coefficients, bias = fit_logit(features, truth)
    return replace(
        base, coefficients=tuple(round(float(c), 4) for c in coefficients), unknown_logit=bias
    )


def _ranks(scored: _Scored) -> tuple[Scores, Scores, Scores]:
    """Expected top-1, top-5 and reciprocal rank of each known case under random tie-breaks."""
    known = scored.known
    scores, mask, truth = scored.scores[known], scored.mask[known], scored.truth[known]
    true_score = scores[np.arange(len(scores)), truth][:, None]
    greater = ((scores > true_score) & mask).sum(axis=1)
    positions = ((scores == true_score) & mask).sum(axis=1)

    def top(k: int) -> Scores:
        return np.asarray(np.clip((k - greater) / positions, 0.0, 1.0), dtype=np.float64)

    reciprocal = np.array(
        [
            np.mean(1.0 / np.arange(g + 1, g + p + 1))
            for g, p in zip(greater, positions, strict=True)
        ]
    )
    return top(1), top(5), reciprocal


def _probabilities(scored: _Scored, temperature: float, bias: float) -> Scores:
    """Softmax over each case's groups and the unknown class (last column)."""
    logits = np.where(scored.mask, scored.scores / temperature, -np.inf)
    logits = np.hstack([logits, np.full((len(logits), 1), bias)])
    return np.array([_softmax(row) for row in logits])


def _calibration(probabilities: Scores, truth: NDArray[np.int64]) -> tuple[float, float]:
    """Expected calibration error of the top answer (10 equal bins) and the Brier score."""
    confidence = probabilities.max(axis=1)
    correct = probabilities.argmax(axis=1) == truth
    bins = np.minimum((confidence * CALIBRATION_BINS).astype(int), CALIBRATION_BINS - 1)
    ece = sum(
        abs(correct[bins == n].mean() - confidence[bins == n].mean()) * (bins == n).mean()
        for n in range(CALIBRATION_BINS)
        if (bins == n).any()
    )
    onehot = np.zeros_like(probabilities)
    onehot[np.arange(len(truth)), truth] = 1.0
    brier = ((probabilities - onehot) ** 2).sum(axis=1).mean()
    return float(ece), float(brier)


def run(
    profiles: GroupProfiles,
    seed: int = 0,
    protocol: Protocol = OFFICIAL,
    methods: Mapping[str, Method] = METHODS,
) -> Evaluation:
    """Every method on the protocol's queries for `seed`, calibrated on those for `seed + 1`."""
    judged = cases(profiles, seed, protocol)
    fitting = cases(profiles, seed + 1, protocol)
    results = []
    for name, method in methods.items():
        temperature, bias = fit_calibration(_score(method, fitting))
        scored = _score(method, judged)
        top1, top5, reciprocal = _ranks(scored)
        ece, brier = _calibration(_probabilities(scored, temperature, bias), scored.truth)
        results.append(
            MethodResult(
                method=name,
                top1=float(top1.mean()),
                top5=float(top5.mean()),
                mrr=float(reciprocal.mean()),
                ece=ece,
                brier=brier,
                temperature=temperature,
                unknown_logit=bias,
            )
        )
    unknown = sum(1 for c in judged if c.group is None)
    return Evaluation(protocol, seed, len(judged) - unknown, unknown, tuple(results))
