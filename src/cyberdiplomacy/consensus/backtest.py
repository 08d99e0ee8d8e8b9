"""Backtest of the vote forecast: fit on the sessions before s, predict every vote cast in s.

Scored on the recorded yes/no/abstain votes (absences are not predicted) against two baselines:

- repeat: each member repeats its vote on the most similar earlier roll call it voted on
  (TF-IDF similarity of titles; the latest among equally similar ones);
- majority: every member casts the most frequent vote of the training sessions (yes).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from cyberdiplomacy.consensus.cyber import cyber_rows
from cyberdiplomacy.consensus.forecast import CLASSES, TRAINING_SESSIONS, Forecaster
from cyberdiplomacy.knowledge.votes import VOTES, YES
from cyberdiplomacy.progress import Progress, Silent


@dataclass(frozen=True)
class Score:
    """How one method did: accuracy, recall per vote, and log loss where it gives probabilities."""

    method: str
    predictions: int
    accuracy: float
    recall: dict[str, float | None]
    log_loss: float | None = None


@dataclass(frozen=True)
class Backtest:
    """The scores of the forecast and the baselines on the roll calls of some sessions."""

    subset: str
    sessions: list[int]
    roll_calls: int
    scores: list[Score]


def _score(method: str, truth: NDArray[np.int8], predicted: NDArray[np.int64]) -> Score:
    recall: dict[str, float | None] = {}
    for code in (YES, 3, 2):
        cast = truth == code
        recall[VOTES[code]] = (
            round(float((predicted[cast] == code).mean()), 4) if cast.any() else None
        )
    return Score(method, len(truth), round(float((predicted == truth).mean()), 4), recall)


def repeat_most_similar(forecaster: Forecaster, row: int) -> NDArray[np.int64]:
    """Every member's vote on the earlier roll call most like `row` that it voted on (else yes)."""
    table = forecaster.table
    sim = forecaster.index.similarity([table.titles[row]])[0]
    hot, _ = forecaster.nearest(sim, int(table.sessions[row]))
    return np.where(hot.any(axis=1), np.array(CLASSES)[hot.argmax(axis=1)], YES)


def backtest(
    forecaster: Forecaster,
    sessions: Sequence[int],
    rows: NDArray[np.bool_] | None = None,
    subset: str = "all roll calls",
    progress: Progress | None = None,
) -> Backtest:
    """Forecast every vote of `sessions` (optionally only the roll calls in `rows`)."""
    progress = progress or Silent()
    progress.start(f"Backtest: {subset}", len(sessions))
    table = forecaster.table
    wanted = np.ones(len(table), dtype=bool) if rows is None else rows
    truths, forecasts, repeats, majorities, probabilities = [], [], [], [], []
    used, calls = [], 0
    for session in sessions:
        progress.advance()
        targets = wanted & (table.sessions == session)
        if not targets.any():
            continue
        x, y, which = forecaster.examples(session)
        keep = targets[which]
        p = forecaster.predict(session, x[keep])
        training = [
            forecaster.examples(int(s))[1] for s in forecaster.before(session)[-TRAINING_SESSIONS:]
        ]
        majority = int(np.bincount(np.concatenate(training), minlength=4)[1:].argmax()) + 1
        for row in np.flatnonzero(targets):
            cast = table.votes[row] > 0
            repeats.append(repeat_most_similar(forecaster, int(row))[cast])
        truths.append(y[keep])
        probabilities.append(p)
        forecasts.append(np.array(CLASSES)[p.argmax(axis=1)])
        majorities.append(np.full(int(keep.sum()), majority))
        used.append(int(session))
        calls += int(targets.sum())
    truth = np.concatenate(truths) if truths else np.zeros(0, dtype=np.int8)
    if not len(truth):
        return Backtest(subset, used, 0, [])
    p = np.vstack(probabilities)
    observed = p[np.arange(len(truth)), [CLASSES.index(int(v)) for v in truth]]
    model_score = _score("forecast", truth, np.concatenate(forecasts))
    return Backtest(
        subset=subset,
        sessions=used,
        roll_calls=calls,
        scores=[
            replace(model_score, log_loss=round(float(-np.log(observed).mean()), 4)),
            _score("repeat most similar", truth, np.concatenate(repeats)),
            _score("majority vote", truth, np.concatenate(majorities)),
        ],
    )


def standard_backtests(
    forecaster: Forecaster,
    first: int | None = None,
    last: int | None = None,
    progress: Progress | None = None,
) -> list[Backtest]:
    """The cyber set (every session with an ICT-security or cybercrime vote and enough history
    to learn from) and all roll calls (the last ten sessions), within `first`-`last` if given."""
    table = forecaster.table
    sessions = forecaster.sessions
    last = int(sessions.max()) if last is None else last
    rows = cyber_rows(table)
    learnable = sessions[min(TRAINING_SESSIONS, len(sessions) - 1)]
    since = sessions[max(len(sessions) - 10, 0)] if first is None else first
    cyber = [
        int(s) for s in np.unique(table.sessions[rows]) if max(learnable, first or 0) <= s <= last
    ]
    recent = [int(s) for s in sessions if since <= s <= last]
    return [
        backtest(forecaster, cyber, rows, "ICT security and cybercrime", progress),
        backtest(forecaster, recent, None, "all roll calls", progress),
    ]
