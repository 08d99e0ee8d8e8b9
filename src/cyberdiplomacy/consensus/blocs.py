"""How closely a bloc votes together in the UN General Assembly, and who leaves its line.

Per roll call, over the members voting that day (yes Y, no N, abstain A; n = Y + N + A):

- the Agreement Index of Hix, Noury and Roland (2005), AI = (max(Y, N, A) - (n - max) / 2) / n,
  1 when all vote alike and 0 when the members split evenly three ways;
- the Rice index, |Y - N| / (Y + N), the classic two-way measure (abstentions left aside).

A state counts as a member from its `since` date (members without one: from the earliest known
date of the bloc) until its `until` date, so cohesion before a bloc existed is not reported.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from cyberdiplomacy.errors import InvalidQuery
from cyberdiplomacy.knowledge.votes import ABSTAIN, NO, VOTES, YES, Tenure, VoteTable


@dataclass(frozen=True)
class CohesionPoint:
    """A bloc's cohesion in one session: means over the roll calls with two members voting."""

    session: int
    year: int
    roll_calls: int
    members: int
    agreement_index: float
    rice: float | None


@dataclass(frozen=True)
class Cohesion:
    """A bloc's cohesion over time, and overall."""

    bloc: str
    roll_calls: int
    agreement_index: float | None
    rice: float | None
    sessions: list[CohesionPoint]


@dataclass(frozen=True)
class Split:
    """A member that voted otherwise than its bloc's majority on a roll call."""

    iso3: str
    name: str
    vote: str
    bloc_vote: str


def membership(
    codes: Sequence[str], dates: NDArray[np.datetime64], tenures: Sequence[Tenure]
) -> NDArray[np.bool_]:
    """Dates by voters: was the voter (by code) a member of the bloc on that date?"""
    known = [t.since for t in tenures if t.since is not None]
    start = np.datetime64(min(known)) if known else None
    members = np.zeros((len(dates), len(codes)), dtype=bool)
    for tenure in tenures:
        if tenure.iso3 not in codes:
            continue
        since = np.datetime64(tenure.since) if tenure.since else start
        rows = np.ones(len(dates), dtype=bool)
        if since is not None:
            rows &= dates >= since
        if tenure.until is not None:
            rows &= dates < np.datetime64(tenure.until)
        members[:, list(codes).index(tenure.iso3)] |= rows
    return members


def _counts(table: VoteTable, members: NDArray[np.bool_]) -> NDArray[np.int64]:
    """Yes, abstain and no votes of the members, per roll call (rows by 3)."""
    return np.stack(
        [((table.votes == v) & members).sum(axis=1) for v in (YES, ABSTAIN, NO)], axis=1
    )


def cohesion(
    table: VoteTable, bloc: str, tenures: Sequence[Tenure], *, min_members: int = 2
) -> Cohesion:
    """The bloc's Agreement Index and Rice index per session, over its members at the time."""
    if not tenures:
        raise InvalidQuery("bloc", f"{bloc!r} has no member states in the knowledge base")
    counts = _counts(table, membership(table.codes, table.dates, tenures))
    voting = counts.sum(axis=1)
    kept = voting >= max(min_members, 2)
    yes, no = counts[:, 0].astype(float), counts[:, 2].astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        top = counts.max(axis=1)
        ai = (top - (voting - top) / 2) / voting
        rice = np.abs(yes - no) / (yes + no)
    points = []
    years = table.dates.astype("datetime64[Y]").astype(int) + 1970
    for session in np.unique(table.sessions[kept]):
        rows = kept & (table.sessions == session)
        rice_rows = rows & ((yes + no) > 0)
        points.append(
            CohesionPoint(
                session=int(session),
                year=int(years[rows].min()),
                roll_calls=int(rows.sum()),
                members=int(voting[rows].max()),
                agreement_index=round(float(ai[rows].mean()), 4),
                rice=round(float(rice[rice_rows].mean()), 4) if rice_rows.any() else None,
            )
        )
    rice_kept = kept & ((yes + no) > 0)
    return Cohesion(
        bloc=bloc,
        roll_calls=int(kept.sum()),
        agreement_index=round(float(ai[kept].mean()), 4) if kept.any() else None,
        rice=round(float(rice[rice_kept].mean()), 4) if rice_kept.any() else None,
        sessions=points,
    )


def compare(
    table: VoteTable, tenures: Mapping[str, Sequence[Tenure]], blocs: Sequence[str]
) -> list[Cohesion]:
    """The cohesion of several blocs over the same roll calls, in the order asked for."""
    unknown = [b for b in blocs if b not in tenures]
    if unknown:
        raise InvalidQuery(
            "blocs", f"{', '.join(map(repr, unknown))} not among {', '.join(sorted(tenures))}"
        )
    if not blocs:
        raise InvalidQuery("blocs", "choose at least one bloc")
    return [cohesion(table, bloc, tenures[bloc]) for bloc in dict.fromkeys(blocs)]


def splits(table: VoteTable, row: int, tenures: Sequence[Tenure]) -> tuple[str | None, list[Split]]:
    """The bloc's majority vote on one roll call, and the members who voted otherwise."""
    members = membership(table.codes, table.dates[row : row + 1], tenures)[0]
    votes = table.votes[row]
    counts = [int(((votes == v) & members).sum()) for v in (YES, ABSTAIN, NO)]
    if sum(counts) == 0:
        return None, []
    majority = (YES, ABSTAIN, NO)[int(np.argmax(counts))]
    return VOTES[majority], [
        Split(table.codes[c], table.names[c], VOTES[int(votes[c])], VOTES[majority])
        for c in np.flatnonzero(members & (votes > 0) & (votes != majority))
    ]
