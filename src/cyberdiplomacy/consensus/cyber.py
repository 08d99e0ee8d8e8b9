"""Cyber focus: the General Assembly's votes on ICT security, and the rival resolutions of 2018.

Since 1998 the First Committee's resolution on "Developments in the field of information and
telecommunications in the context of international security" (Russia's, adopted mostly by
consensus) has been the UN's ICT-security track. In 2018 two rival texts were put to the vote:
A/RES/73/27 (Russian-led, creating the Open-ended Working Group) and A/RES/73/266 (US-led, a
new Group of Governmental Experts). `rivals` says who voted for both (bridges), who split from
their bloc's line, and who the swing states of the next round are: the members whose forecast
vote on the next session's version of either text is least certain.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from cyberdiplomacy.consensus.blocs import Split, splits
from cyberdiplomacy.knowledge.votes import ABSTAIN, NO, VOTES, YES, Tenure, VoteTable

if TYPE_CHECKING:  # the forecaster brings scikit-learn, which the other analyses do without
    from cyberdiplomacy.consensus.forecast import Forecaster

ICT_SECURITY = re.compile(
    r"information and telecommunications? in the context of international security"
    r"|responsible state behaviou?r in cyberspace"
    r"|security of and in the use of information and communications technologies"
    r"|^information, international security$",
    re.IGNORECASE,
)
CYBERCRIME = re.compile(
    r"information and communications? technologies for criminal purposes|cybercrime",
    re.IGNORECASE,
)
RIVALS = ("A/RES/73/27", "A/RES/73/266")
SWING_STATES = 25


def cyber_topic(title: str, description: str | None) -> str | None:
    """The roll call's cyber topic (ict-security, cybercrime or None), by title or description."""
    # A description's first clause only: meeting records quote other agenda items further on.
    text = re.sub(r"^[A-Z]/\d+/\d+ \d+ - ", "", description or "")
    lead = re.split(r" : |: ", text, maxsplit=1)[0]
    for found in (title, lead):
        if ICT_SECURITY.search(found):
            return "ict-security"
        if CYBERCRIME.search(found):
            return "cybercrime"
    return None


def cyber_rows(table: VoteTable, topic: str | None = None) -> NDArray[np.bool_]:
    """The roll calls on ICT security and cybercrime (or on one `topic`)."""
    found = [cyber_topic(t, d) for t, d in zip(table.titles, table.descriptions, strict=True)]
    return np.array([f is not None and (topic is None or f == topic) for f in found], dtype=bool)


@dataclass(frozen=True)
class CyberVote:
    """A recorded vote on an ICT-security or cybercrime text, with its tally."""

    symbol: str | None
    title: str
    topic: str
    session: int
    date: str
    yes: int
    no: int
    abstain: int


@dataclass(frozen=True)
class Stance:
    """How a member voted on the two rival texts, and its camp."""

    iso3: str
    name: str
    first: str | None
    second: str | None
    camp: str  # bridge, first, second, neither


@dataclass(frozen=True)
class BlocSplits:
    """A bloc's line on one rival text and the members who left it."""

    bloc: str
    symbol: str
    majority: str | None
    splits: list[Split]


@dataclass(frozen=True)
class SwingState:
    """A member whose vote on the next round is least certain, with its forecasts."""

    iso3: str
    name: str
    uncertainty: float
    first: dict[str, float]
    second: dict[str, float]
    camp: str | None


@dataclass(frozen=True)
class Rivals:
    """The rival resolutions: tallies, camps, bloc splits and the next round's swing states."""

    first: CyberVote
    second: CyberVote
    history: list[CyberVote]
    stances: list[Stance]
    bridges: list[str]
    splits: list[BlocSplits]
    next_session: int
    swing_states: list[SwingState]


def _tally(table: VoteTable, row: int) -> CyberVote:
    votes = table.votes[row]
    return CyberVote(
        symbol=table.symbols[row],
        title=table.titles[row],
        topic=cyber_topic(table.titles[row], table.descriptions[row]) or "other",
        session=int(table.sessions[row]),
        date=str(table.dates[row]),
        yes=int((votes == YES).sum()),
        no=int((votes == NO).sum()),
        abstain=int((votes == ABSTAIN).sum()),
    )


def _camp(first: int, second: int) -> str:
    if first == YES and second == YES:
        return "bridge"
    if first == YES:
        return "first"
    if second == YES:
        return "second"
    return "neither"


def rivals(
    table: VoteTable,
    tenures: Mapping[str, Sequence[Tenure]],
    forecaster: Forecaster,
    symbols: tuple[str, str] = RIVALS,
) -> Rivals:
    """Analyse two rival texts (by default A/RES/73/27 and A/RES/73/266; see the module doc)."""
    first, second = (table.find(symbol) for symbol in symbols)
    a, b = table.votes[first], table.votes[second]
    both = np.flatnonzero((a > 0) | (b > 0))
    stances = [
        Stance(
            iso3=table.codes[c],
            name=table.names[c],
            first=VOTES.get(int(a[c])),
            second=VOTES.get(int(b[c])),
            camp=_camp(int(a[c]), int(b[c])),
        )
        for c in both
    ]
    bloc_splits = []
    for bloc in sorted(tenures):
        for row in (first, second):
            majority, splitters = splits(table, row, tenures[bloc])
            if splitters:
                bloc_splits.append(BlocSplits(bloc, table.symbols[row] or "", majority, splitters))
    session = int(max(table.sessions[first], table.sessions[second])) + 1
    rounds = [
        {
            m.iso3: m
            for m in forecaster.forecast(
                table.titles[row], session, like=[table.symbols[row] or ""]
            ).members
        }
        for row in (first, second)
    ]
    camps = {s.iso3: s.camp for s in stances}
    swing = sorted(
        (
            SwingState(
                iso3=iso3,
                name=rounds[0][iso3].name,
                uncertainty=round(
                    1
                    - (
                        max(rounds[0][iso3].probabilities.values())
                        + max(rounds[1][iso3].probabilities.values())
                    )
                    / 2,
                    4,
                ),
                first=rounds[0][iso3].probabilities,
                second=rounds[1][iso3].probabilities,
                camp=camps.get(iso3),
            )
            for iso3 in rounds[0]
            if iso3 in rounds[1]
        ),
        key=lambda s: -s.uncertainty,
    )
    history = [_tally(table, int(r)) for r in np.flatnonzero(cyber_rows(table))]
    return Rivals(
        first=_tally(table, first),
        second=_tally(table, second),
        history=history,
        stances=stances,
        bridges=[s.iso3 for s in stances if s.camp == "bridge"],
        splits=bloc_splits,
        next_session=session,
        swing_states=swing[:SWING_STATES],
    )
