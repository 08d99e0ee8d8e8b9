"""Vote forecasts: how each member will vote on a draft resolution, with probabilities.

For a draft (title, session, and optionally the symbols of resolutions it resembles), every member
gets P(yes), P(no) and P(abstain) from a multinomial logistic model over these signals, each
computed only from the sessions before the draft's:

- similar: the member's votes on the ten earlier roll calls most like the draft (TF-IDF over
  titles, `like` resolutions first), weighted by similarity and recency (x0.85 per session),
  smoothed towards how the whole Assembly voted on them;
- nearest: its vote on the most similar of them it voted on (the "repeat" heuristic);
- peers: the "similar" signal of the ten members that voted most like it over the last three
  sessions (its de facto bloc);
- blocs: the same for its fellow members of the knowledge base's blocs (EU, AU, NATO, SCO…);
- trend: its votes over the last session (rising abstention, a change of line);
- assembly: how the Assembly voted on the similar roll calls, and how similar they are.

The model is refitted for the draft's session on the roll calls of the five sessions before it,
each described by features from the sessions before that one, so it learns how far to trust each
signal without seeing the session it predicts. `backtest` replays this session by session.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from cyberdiplomacy.consensus.agreement import agreement_counts
from cyberdiplomacy.consensus.blocs import membership
from cyberdiplomacy.consensus.similarity import SimilarResolution, TitleIndex
from cyberdiplomacy.errors import InvalidQuery
from cyberdiplomacy.knowledge.votes import VOTES, Tenure, VoteTable

NEIGHBOURS = 10
DECAY = 0.85
PEERS = 10
PEER_SESSIONS = 3
MIN_SHARED_VOTES = 20
TRAINING_SESSIONS = 5
SMOOTHING = 1.0
FLOOR = 1e-3
CLASSES = (1, 2, 3)  # yes, abstain, no: the vote codes, in the order of the one-hot columns
FEATURES = 23  # five log-probability triples, nearest vote (plain, x similarity), 2 scalars
NEAREST_DEPTH = 50  # earlier roll calls searched for one the member voted on


@dataclass(frozen=True)
class MemberForecast:
    """A member's most likely vote and the probability of each."""

    iso3: str
    name: str
    vote: str
    probabilities: dict[str, float]


@dataclass(frozen=True)
class Forecast:
    """Every member's forecast vote on a draft, and the earlier resolutions it resembles."""

    title: str
    session: int
    similar: list[SimilarResolution]
    members: list[MemberForecast]
    expected: dict[str, float]


def _probabilities(row: NDArray[np.float64]) -> dict[str, float]:
    """Yes/no/abstain probabilities rounded to 4 places that still sum to 1."""
    rounded = {VOTES[c]: round(float(p), 4) for c, p in zip(CLASSES, row, strict=True)}
    top = max(rounded, key=lambda k: rounded[k])
    rounded[top] = round(1.0 - sum(v for k, v in rounded.items() if k != top), 4)
    return {k: rounded[k] for k in ("yes", "no", "abstain")}


class Forecaster:
    """Forecasts from one vote table; caches what every session's features need."""

    def __init__(
        self,
        table: VoteTable,
        tenures: Mapping[str, Sequence[Tenure]] | None = None,
        index: TitleIndex | None = None,
    ) -> None:
        self.table = table
        self.index = index or TitleIndex(table)
        self.tenures = dict(tenures or {})
        self.onehot = np.stack([table.votes == c for c in CLASSES], axis=2).astype(np.float32)
        self.sessions = np.unique(table.sessions)
        self._context: dict[int, tuple[NDArray[np.int64], NDArray[np.float64]]] = {}
        self._examples: dict[
            int, tuple[NDArray[np.float64], NDArray[np.int8], NDArray[np.int64]]
        ] = {}
        self._models: dict[int, Pipeline] = {}
        self._bloc_days: dict[dt.date, NDArray[np.float64]] = {}

    def before(self, session: int) -> NDArray[np.int32]:
        """The sessions with roll calls before `session`."""
        return self.sessions[self.sessions < session]

    def context(self, session: int) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
        """Each member's peers (indices, -1 for none) and its vote shares in the last session."""
        if session not in self._context:
            earlier = self.before(session)
            if not len(earlier):
                raise InvalidQuery("session", f"no roll calls before session {session}")
            recent = np.isin(self.table.sessions, earlier[-PEER_SESSIONS:])
            both, _, score = agreement_counts(self.table.votes[recent])
            with np.errstate(invalid="ignore", divide="ignore"):
                index = np.where(both >= MIN_SHARED_VOTES, score / both, -1.0)
            np.fill_diagonal(index, -1.0)
            order = np.argsort(-index, axis=1)[:, :PEERS]
            peers = np.where(np.take_along_axis(index, order, axis=1) >= 0, order, -1)
            counts = self.onehot[self.table.sessions == earlier[-1]].sum(axis=0)
            overall = counts.sum(axis=0) / max(counts.sum(), 1.0)
            base = (counts + SMOOTHING * overall) / (counts.sum(axis=1) + SMOOTHING)[:, None]
            self._context[session] = (peers, base)
        return self._context[session]

    def features(
        self, similarity: NDArray[np.float64], session: int, day: dt.date, like: Sequence[int] = ()
    ) -> NDArray[np.float64]:
        """The signals of the module docstring for every member (rows), as model inputs."""
        table = self.table
        peers, base = self.context(session)
        score = np.where(
            table.sessions < session,
            similarity * DECAY ** (session - 1 - table.sessions.astype(float)),
            0.0,
        )
        score[list(like)] = 1.0
        top = np.argsort(-score, kind="stable")[:NEIGHBOURS]
        top = top[score[top] > 0]
        hot = self.onehot[top]
        counts = np.einsum("k,kns->ns", score[top], hot)
        total = counts.sum()
        assembly = counts.sum(axis=0) / total if total > 0 else base.mean(axis=0)
        similar = (counts + SMOOTHING * assembly) / (counts.sum(axis=1) + SMOOTHING)[:, None]
        nearest, nearest_similarity = self.nearest(similarity, session, like)
        has_peers = peers >= 0
        n_peers = has_peers.sum(axis=1)[:, None]
        peer = np.where(
            n_peers > 0,
            (similar[peers] * has_peers[..., None]).sum(axis=1) / np.maximum(n_peers, 1),
            assembly,
        )
        blocs = self._blocs(day)
        sizes = blocs.sum(axis=0)
        bloc_means = (blocs.T @ similar) / np.maximum(sizes, 1)[:, None]
        in_blocs = blocs.sum(axis=1)
        bloc = np.where(
            in_blocs[:, None] > 0, (blocs @ bloc_means) / np.maximum(in_blocs, 1)[:, None], assembly
        )
        scalars = np.column_stack(
            [
                np.full(len(table.codes), score[top].max() if len(top) else 0.0),
                counts.sum(axis=1) / max(score[top].sum(), 1e-9),
            ]
        )
        logs = [np.log(p + FLOOR) for p in (similar, peer, bloc, base)]
        logs.append(np.broadcast_to(np.log(assembly + FLOOR), similar.shape))
        return np.hstack([*logs, nearest, nearest * nearest_similarity[:, None], scalars])

    def ranked(
        self, similarity: NDArray[np.float64], session: int, like: Sequence[int] = ()
    ) -> NDArray[np.int64]:
        """Earlier roll calls, most similar first (`like` ones before all, the latest on ties)."""
        table = self.table
        earlier = np.flatnonzero(table.sessions < session)
        earlier = earlier[~np.isin(earlier, like)]
        order = np.lexsort((-earlier, -np.round(similarity[earlier], 6)))
        return np.concatenate([np.asarray(like, dtype=np.int64), earlier[order]])

    def nearest(
        self, similarity: NDArray[np.float64], session: int, like: Sequence[int] = ()
    ) -> tuple[NDArray[np.float32], NDArray[np.float64]]:
        """Each member's vote (one-hot; zeros if none) on the most similar earlier roll call it
        voted on, and that roll call's similarity (1 for a `like` one)."""
        rows = self.ranked(similarity, session, like)[:NEAREST_DEPTH]
        hot = self.onehot[rows]
        voted = hot.sum(axis=2) > 0
        first = voted.argmax(axis=0)
        found = voted.any(axis=0)
        members = np.arange(hot.shape[1])
        sims = np.where(np.isin(rows, like), 1.0, similarity[rows])
        return hot[first, members] * found[:, None], np.where(found, sims[first], 0.0)

    def _blocs(self, day: dt.date) -> NDArray[np.float64]:
        """Members (rows) by blocs (columns) of the knowledge base on `day`."""
        if day not in self._bloc_days:
            dates = np.array([day], dtype="datetime64[D]")
            columns = [membership(self.table.codes, dates, t)[0] for t in self.tenures.values()]
            self._bloc_days[day] = (
                np.column_stack(columns).astype(np.float64)
                if columns
                else np.zeros((len(self.table.codes), 0))
            )
        return self._bloc_days[day]

    def examples(
        self, session: int
    ) -> tuple[NDArray[np.float64], NDArray[np.int8], NDArray[np.int64]]:
        """Features, recorded votes and roll-call rows of every vote cast in `session`."""
        if session not in self._examples:
            rows = np.flatnonzero(self.table.sessions == session)
            sims = self.index.similarity([self.table.titles[r] for r in rows])
            blocks, votes, which = [], [], []
            for row, sim in zip(rows, sims, strict=True):
                cast = self.table.votes[row] > 0
                day = self.table.dates[row].astype(dt.date)
                blocks.append(self.features(sim, session, day)[cast])
                votes.append(self.table.votes[row][cast])
                which.append(np.full(int(cast.sum()), row))
            self._examples[session] = (
                np.vstack(blocks) if blocks else np.zeros((0, FEATURES)),
                np.concatenate(votes).astype(np.int8) if votes else np.zeros(0, np.int8),
                np.concatenate(which) if which else np.zeros(0, np.int64),
            )
        return self._examples[session]

    def model(self, session: int) -> Pipeline:
        """The model for `session`, fitted on the sessions before it."""
        if session not in self._models:
            training = [s for s in self.before(session)[-TRAINING_SESSIONS:] if len(self.before(s))]
            parts = [self.examples(int(s)) for s in training]
            x = np.vstack([p[0] for p in parts]) if parts else np.zeros((0, FEATURES))
            y = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0)
            if len(np.unique(y)) < len(CLASSES):
                raise InvalidQuery("session", f"too few votes before session {session} to learn")
            model = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=1000))
            with threadpool_limits(1):  # on a few cores, BLAS threads only fight each other
                self._models[session] = model.fit(x, y)
        return self._models[session]

    def predict(self, session: int, features: NDArray[np.float64]) -> NDArray[np.float64]:
        """P(yes), P(abstain), P(no) (columns, in CLASSES order) for rows of features."""
        model = self.model(session)
        order = [list(model.classes_).index(c) for c in CLASSES]
        with threadpool_limits(1):
            return np.asarray(model.predict_proba(features)[:, order], dtype=np.float64)

    def forecast(
        self,
        title: str,
        session: int,
        like: Sequence[str] = (),
        members: Sequence[str] | None = None,
    ) -> Forecast:
        """Every member's forecast vote on a draft titled `title` in `session`."""
        table = self.table
        like_rows = [table.find(symbol) for symbol in like]
        in_session = table.dates[table.sessions == session]
        day = (
            in_session.min().astype(dt.date) if len(in_session) else dt.date(1945 + session, 9, 15)
        )
        features = self.features(self.index.similarity([title])[0], session, day, like_rows)
        if members is None:
            last = table.sessions == self.before(session)[-1]
            columns = np.flatnonzero((table.votes[last] > 0).any(axis=0) & table.current)
        else:
            columns = np.array([table.column(code) for code in members], dtype=int)
        probabilities = self.predict(session, features[columns])
        liked = [
            SimilarResolution(table.symbols[r], table.titles[r], int(table.sessions[r]), 1.0)
            for r in like_rows
        ]
        others = self.index.similar(title, session, k=5 + len(liked))
        similar = liked + [s for s in others if s.symbol not in {r.symbol for r in liked}][:5]
        return Forecast(
            title=title,
            session=session,
            similar=similar,
            members=sorted(
                (
                    MemberForecast(
                        iso3=table.codes[c],
                        name=table.names[c],
                        vote=VOTES[CLASSES[int(np.argmax(p))]],
                        probabilities=_probabilities(p),
                    )
                    for c, p in zip(columns, probabilities, strict=True)
                ),
                key=lambda m: m.iso3,
            ),
            expected={
                VOTES[c]: round(float(probabilities[:, i].sum()), 1) for i, c in enumerate(CLASSES)
            },
        )


def forecast(
    table: VoteTable,
    title: str,
    session: int,
    like: Sequence[str] = (),
    tenures: Mapping[str, Sequence[Tenure]] | None = None,
) -> Forecast:
    """Every current member's forecast vote on a draft (see the module docstring)."""
    return Forecaster(table, tenures).forecast(title, session, like)
