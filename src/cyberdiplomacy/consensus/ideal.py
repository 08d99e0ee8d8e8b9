"""Ideal points: each state's position on the main dimension of one session's roll calls.

Model: the two-parameter logistic item-response model of roll-call analysis (Clinton, Jackman
and Rivers 2004), fitted by penalised maximum likelihood instead of their MCMC. State i has an
ideal point x_i, roll call j an intercept a_j and a discrimination b_j, and
P(i votes yes on j) = 1 / (1 + exp(-(a_j + b_j x_i))). A yes counts 1, a no 0 and an abstention
1/2, half-way between, as in the Voeten agreement index (Bailey, Strezhnev and Voeten 2017 make
abstention the middle category of an ordered model to the same end).

Fitting: alternating Newton steps, each vectorised over all roll calls or all states. Given the
ideal points, every roll call's (a_j, b_j) is a two-parameter logistic regression with a ridge
penalty (which keeps perfectly separating votes finite); given the roll calls, every x_i is a
one-parameter one with a standard normal prior. The start is the first principal component of
the vote matrix (a missing vote set to the roll call's mean), the least-squares solution of the
linearised model. Roll calls with under 2.5% in the minority (as in W-NOMINATE) say nothing about
order and are left out, and so are states with fewer than `min_votes` votes on the rest.

Identification: the points are standardised (mean 0, standard deviation 1 over the states placed)
and turned so that `anchor` (the United States by default) is on the positive side. Sessions are
fitted separately, so scores compare states within a session; across sessions compare ranks.

Over time: `over_time` places the states session by session (skipping sessions with too few
contested roll calls) and gives each state's score and rank per session. A fit is a pure function
of the session's votes, so fits are kept in a small cache keyed on a digest of those votes: the
same session asked again (by a page, then by its API) is not fitted twice.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from cyberdiplomacy.errors import InvalidQuery
from cyberdiplomacy.knowledge.votes import ABSTAIN, NO, YES, VoteTable
from cyberdiplomacy.progress import Progress, Silent

MIN_MINORITY = 0.025
RIDGE = 0.5
# Over time, by default: the last twenty sessions (a fit takes 0.1-0.3 s a session), and ten
# states of the main camps: the permanent five, large swing states, the far end from the anchor.
RECENT_SESSIONS = 20
FOLLOWED = ("USA", "GBR", "FRA", "RUS", "CHN", "IND", "BRA", "ZAF", "IRN", "CUB")
CACHE_SIZE = 256  # fitted sessions kept: every session since 1946, for a few anchors


@dataclass(frozen=True)
class IdealPoint:
    """A state's place on the session's main dimension (standardised: mean 0, sd 1)."""

    code: str
    name: str
    score: float
    votes: int


@dataclass(frozen=True)
class IdealPoints:
    """One session's ideal points, highest first."""

    session: int
    roll_calls: int
    anchor: str | None
    points: list[IdealPoint]


@dataclass(frozen=True)
class SessionPlace:
    """A state's score and rank (1: the anchor's end) in one session, of `of` states placed."""

    session: int
    score: float
    rank: int
    of: int


@dataclass(frozen=True)
class Trajectory:
    """A state's places over the sessions it was placed in."""

    code: str
    name: str
    places: list[SessionPlace]


@dataclass(frozen=True)
class IdealPointsOverTime:
    """Ideal points session by session; `skipped` had too few contested roll calls to fit."""

    sessions: list[int]
    skipped: list[int]
    anchor: str | None
    states: list[Trajectory]


def _logistic(z: NDArray[np.float64]) -> NDArray[np.float64]:
    """1 / (1 + exp(-z)), written with tanh so that it never overflows."""
    return np.asarray(0.5 * (1.0 + np.tanh(0.5 * z)), dtype=np.float64)


def _outcomes(votes: NDArray[np.int8]) -> NDArray[np.float64]:
    """Votes as 1 (yes), 1/2 (abstain), 0 (no) or NaN (none), transposed to states by calls."""
    values = np.full(votes.shape, np.nan)
    values[votes == YES], values[votes == ABSTAIN], values[votes == NO] = 1.0, 0.5, 0.0
    return values.T


def fit(
    outcomes: NDArray[np.float64], *, iterations: int = 200, tolerance: float = 1e-5
) -> NDArray[np.float64]:
    """Ideal points (standardised) for a states-by-roll-calls matrix of 1, 1/2, 0 and NaN."""
    observed = ~np.isnan(outcomes)
    seen = observed.astype(float)
    y = np.where(observed, outcomes, 0.0)
    means = y.sum(axis=0) / np.maximum(seen.sum(axis=0), 1)
    centred = np.where(observed, y, means) - means
    x = np.linalg.svd(centred, full_matrices=False)[0][:, 0]
    x = (x - x.mean()) / (x.std() or 1.0)
    clipped = np.clip(means, 0.01, 0.99)
    a, b = np.log(clipped / (1 - clipped)), np.zeros(outcomes.shape[1])
    for _ in range(iterations):
        p = _logistic(a + np.outer(x, b))
        r, w = (y - p) * seen, p * (1 - p) * seen
        grad_a, grad_b = r.sum(axis=0) - RIDGE * a, r.T @ x - RIDGE * b
        h_aa, h_ab, h_bb = w.sum(axis=0) + RIDGE, w.T @ x, w.T @ (x * x) + RIDGE
        det = h_aa * h_bb - h_ab * h_ab
        a, b = a + (h_bb * grad_a - h_ab * grad_b) / det, b + (h_aa * grad_b - h_ab * grad_a) / det
        p = _logistic(a + np.outer(x, b))
        r, w = (y - p) * seen, p * (1 - p) * seen
        step = (r @ b - x) / (w @ (b * b) + 1.0)
        x = x + step
        mean, sd = x.mean(), x.std() or 1.0
        x, a, b = (x - mean) / sd, a + b * mean, b * sd
        if np.abs(step).max() < tolerance:
            break
    return np.asarray(x, dtype=np.float64)


_cache: OrderedDict[tuple[bytes, int, str | None, int], IdealPoints] = OrderedDict()
_cache_lock = threading.Lock()


def ideal_points(
    table: VoteTable, session: int, *, anchor: str | None = "USA", min_votes: int = 10
) -> IdealPoints:
    """The ideal points of the states that voted in `session` (see the module docstring)."""
    votes = table.votes[table.sessions == session]
    digest = hashlib.blake2b(votes.tobytes(), digest_size=16)
    digest.update(repr((votes.shape, table.codes, table.names)).encode())
    key = (digest.digest(), session, anchor, min_votes)
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    found = _fit_session(table, votes, session, anchor, min_votes)
    with _cache_lock:
        _cache[key] = found
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return found


def _fit_session(
    table: VoteTable, votes: NDArray[np.int8], session: int, anchor: str | None, min_votes: int
) -> IdealPoints:
    """One session's fit, uncached."""
    present = votes > 0
    counts = np.stack([(votes == v).sum(axis=1) for v in (YES, ABSTAIN, NO)], axis=1)
    total = counts.sum(axis=1)
    minority = total - counts.max(axis=1)
    contested = (total > 0) & (minority >= np.maximum(MIN_MINORITY * total, 1))
    placed = present[contested].sum(axis=0) >= min_votes
    if contested.sum() < 5 or placed.sum() < 3:
        raise InvalidQuery("session", f"session {session} has too few contested roll calls")
    columns = np.flatnonzero(placed)
    x = fit(_outcomes(votes[contested][:, columns]))
    used_anchor = anchor if anchor and anchor in [table.codes[c] for c in columns] else None
    if used_anchor and x[[table.codes[c] for c in columns].index(used_anchor)] < 0:
        x = -x
    order = np.argsort(-x)
    return IdealPoints(
        session=session,
        roll_calls=int(contested.sum()),
        anchor=used_anchor,
        points=[
            IdealPoint(
                code=table.codes[columns[i]],
                name=table.names[columns[i]],
                score=round(float(x[i]), 4),
                votes=int(present[contested][:, columns[i]].sum()),
            )
            for i in order
        ],
    )


def trajectories(
    table: VoteTable, codes: Sequence[str], sessions: Sequence[int] | None = None
) -> dict[str, list[tuple[int, float]]]:
    """Each state's (session, score) over the sessions with enough contested roll calls."""
    found: dict[str, list[tuple[int, float]]] = {code: [] for code in codes}
    for session in sessions if sessions is not None else np.unique(table.sessions).tolist():
        try:
            points = {p.code: p.score for p in ideal_points(table, int(session)).points}
        except InvalidQuery:
            continue  # too few contested roll calls that session
        for code in codes:
            if code in points:
                found[code].append((int(session), points[code]))
    return found


def over_time(
    table: VoteTable,
    sessions: Sequence[int] | None = None,
    codes: Sequence[str] | None = None,
    *,
    anchor: str | None = "USA",
    progress: Progress | None = None,
) -> IdealPointsOverTime:
    """Each state's score and rank per session (all sessions of `table`, and all states, by
    default); a session with too few contested roll calls is skipped, a state never placed left
    out. States come in the order of `codes`, else by their latest rank."""
    wanted = [c.strip().upper() for c in codes] if codes is not None else None
    for code in wanted or []:
        table.column(code)  # NotFound for a code without a voting record
    chosen = sorted({int(s) for s in (sessions if sessions is not None else table.sessions)})
    places: dict[str, list[SessionPlace]] = {}
    names = dict(zip(table.codes, table.names, strict=True))
    fitted, skipped = [], []
    progress = progress or Silent()
    progress.start("Fitting ideal points", len(chosen))
    for session in chosen:
        try:
            points = ideal_points(table, session, anchor=anchor).points
        except InvalidQuery:
            skipped.append(session)
            continue
        finally:
            progress.advance()
        fitted.append(session)
        for rank, point in enumerate(points, 1):
            if wanted is None or point.code in wanted:
                places.setdefault(point.code, []).append(
                    SessionPlace(session, point.score, rank, len(points))
                )
    if wanted is None:
        order = sorted(places, key=lambda c: (-places[c][-1].session, places[c][-1].rank))
    else:
        order = [c for c in dict.fromkeys(wanted) if c in places]
    return IdealPointsOverTime(
        sessions=fitted,
        skipped=skipped,
        anchor=anchor if anchor in table.codes else None,
        states=[Trajectory(code, names[code], places[code]) for code in order],
    )
