"""UN General Assembly roll calls and votes, read as arrays for the consensus analyses.

`vote_table` loads the roll calls (rows, in date order) and the voters (columns, by code) into
one small integer matrix: about 6,000 by 200 cells for 1946-2018, a few megabytes.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from cyberdiplomacy.errors import InvalidQuery, NotFound
from cyberdiplomacy.knowledge.models import Actor, ActorKind, Membership, RollCall, Voter

NONE, YES, ABSTAIN, NO = 0, 1, 2, 3  # NONE: absent, not voting, or not a member then
VOTES = {YES: "yes", ABSTAIN: "abstain", NO: "no"}
# The issue codes of the Voeten data (roll_call_issues.csv).
ISSUES = {
    "me": "Palestinian conflict",
    "nu": "Nuclear weapons and nuclear material",
    "di": "Arms control and disarmament",
    "hr": "Human rights",
    "co": "Colonialism",
    "ec": "Economic development",
}


@dataclass(frozen=True)
class VoteTable:
    """Roll calls (rows) by voters (columns); `votes` holds NONE, YES, ABSTAIN or NO."""

    votes: NDArray[np.int8]
    codes: tuple[str, ...]
    names: tuple[str, ...]
    current: NDArray[np.bool_]  # the voter is a state of the knowledge base (not historical)
    keys: tuple[str, ...]
    sessions: NDArray[np.int32]
    dates: NDArray[np.datetime64]
    symbols: tuple[str | None, ...]
    titles: tuple[str, ...]
    descriptions: tuple[str | None, ...]
    issues: tuple[tuple[str, ...], ...]
    amendments: NDArray[np.bool_]
    paragraphs: NDArray[np.bool_]

    def __len__(self) -> int:
        return len(self.keys)

    def column(self, code: str) -> int:
        """The column of a voter by code (ISO 3166-1 alpha-3, or SUN, YUG, CSK, DDR, YMD…)."""
        try:
            return self.codes.index(code.strip().upper())
        except ValueError:
            raise NotFound("UNGA voting record of", code) from None

    def rows(self, mask: NDArray[np.bool_]) -> VoteTable:
        """The roll calls where `mask` is true."""
        index = np.flatnonzero(mask)
        return replace(
            self,
            votes=self.votes[index],
            keys=tuple(self.keys[i] for i in index),
            sessions=self.sessions[index],
            dates=self.dates[index],
            symbols=tuple(self.symbols[i] for i in index),
            titles=tuple(self.titles[i] for i in index),
            descriptions=tuple(self.descriptions[i] for i in index),
            issues=tuple(self.issues[i] for i in index),
            amendments=self.amendments[index],
            paragraphs=self.paragraphs[index],
        )

    def select(
        self, *, issue: str | None = None, since: int | None = None, until: int | None = None
    ) -> VoteTable:
        """The roll calls on an issue (code or name) and within years `since`-`until`."""
        mask = np.ones(len(self), dtype=bool)
        if issue:
            code = issue_code(issue)
            mask &= np.array([code in found for found in self.issues], dtype=bool)
        years = self.dates.astype("datetime64[Y]").astype(int) + 1970
        if since is not None:
            mask &= years >= since
        if until is not None:
            mask &= years <= until
        return self.rows(mask)

    def find(self, symbol: str) -> int:
        """The row of the last vote on a whole resolution by symbol (A/RES/73/27 or R/73/27)."""
        wanted = normalise(symbol)
        for row in range(len(self) - 1, -1, -1):
            if self.symbols[row] == wanted and not (self.amendments[row] or self.paragraphs[row]):
                return row
        raise NotFound("recorded vote on resolution", wanted)


def normalise(symbol: str) -> str:
    """A/RES/73/27 for R/73/27 (the Voeten data) or 73/27; A/RES/ES-10/2 for ESS/10/2."""
    symbol = symbol.strip().upper()
    if match := re.fullmatch(r"R/(\d+)/(\w+)", symbol):
        return f"A/RES/{match[1]}/{match[2]}"
    if match := re.fullmatch(r"ESS/(\d+)/(\w+)", symbol):
        return f"A/RES/ES-{match[1]}/{match[2]}"
    if symbol[:1].isdigit():
        return "A/RES/" + symbol
    return symbol


def issue_code(issue: str) -> str:
    """The Voeten issue code for a code or a name ("hr", "Human rights")."""
    key = issue.strip().casefold()
    for code, name in ISSUES.items():
        if key in (code, name.casefold()):
            return code
    raise InvalidQuery("issue", f"{issue!r} is not one of {', '.join(ISSUES)}")


def vote_table(session: Session, *, first_session: int | None = None) -> VoteTable:
    """Every recorded roll call (from `first_session` on) and how each member voted."""
    query = select(RollCall).order_by(RollCall.date, RollCall.id)
    if first_session is not None:
        query = query.where(RollCall.session >= first_session)
    calls = session.scalars(query).all()
    voters = session.execute(
        select(Voter.id, Voter.code, Voter.name, Voter.actor_id).order_by(Voter.code)
    ).all()
    row_of = np.full(max((c.id for c in calls), default=0) + 1, -1, dtype=np.int64)
    row_of[[c.id for c in calls]] = np.arange(len(calls))
    column_of = np.full(max((v.id for v in voters), default=0) + 1, -1, dtype=np.int64)
    column_of[[v.id for v in voters]] = np.arange(len(voters))
    matrix = np.zeros((len(calls), len(voters)), dtype=np.int8)
    records = _vote_rows(session, first_session)
    if len(records):
        rows = row_of[records[:, 0]]
        kept = (rows >= 0) & (records[:, 2] <= NO)
        matrix[rows[kept], column_of[records[kept, 1]]] = records[kept, 2]
    return VoteTable(
        votes=matrix,
        codes=tuple(v.code for v in voters),
        names=tuple(v.name for v in voters),
        current=np.array([v.actor_id is not None for v in voters], dtype=bool),
        keys=tuple(c.key for c in calls),
        sessions=np.array([c.session for c in calls], dtype=np.int32),
        dates=np.array([c.date for c in calls], dtype="datetime64[D]"),
        symbols=tuple(c.symbol for c in calls),
        titles=tuple(c.title for c in calls),
        descriptions=tuple(c.description for c in calls),
        issues=tuple(tuple(c.issues) for c in calls),
        amendments=np.array([c.amendment for c in calls], dtype=bool),
        paragraphs=np.array([c.paragraph for c in calls], dtype=bool),
    )


def _vote_rows(session: Session, first_session: int | None) -> NDArray[np.int64]:
    """(roll_call_id, voter_id, vote) rows, through the driver: 850,000 ORM rows cost seconds."""
    sql = "SELECT vote.roll_call_id, vote.voter_id, vote.vote FROM vote"
    if first_session is not None:
        sql += (
            " JOIN roll_call ON roll_call.id = vote.roll_call_id"
            f" WHERE roll_call.session >= {int(first_session)}"
        )
    cursor = session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql)
        found = cursor.fetchall()
    finally:
        cursor.close()
    flat = itertools.chain.from_iterable(found)
    return np.fromiter(flat, dtype=np.int64, count=3 * len(found)).reshape(-1, 3)


@dataclass(frozen=True)
class Tenure:
    """A state's membership of a bloc: from `since` (None: from the bloc's start) to `until`."""

    iso3: str
    since: dt.date | None
    until: dt.date | None


def bloc_tenures(session: Session) -> dict[str, list[Tenure]]:
    """Every bloc of the knowledge base (slug) with its members' tenures."""
    member, bloc = aliased(Actor), aliased(Actor)
    rows = session.execute(
        select(bloc.slug, member.iso3, Membership.since, Membership.until)
        .join(member, Membership.member_id == member.id)
        .join(bloc, Membership.bloc_id == bloc.id)
        .where(member.kind == ActorKind.STATE)
        .order_by(bloc.slug, member.iso3)
    ).all()
    found: dict[str, list[Tenure]] = {}
    for slug, iso3, since, until in rows:
        if iso3:
            found.setdefault(slug, []).append(Tenure(iso3, since, until))
    return found


def latest_session(session: Session) -> int | None:
    """The latest session with a recorded roll call."""
    return session.scalar(select(func.max(RollCall.session)))


def member_states(session: Session) -> list[str]:
    """The ISO3 codes of the UN member states in the knowledge base."""
    query = select(Actor.iso3).where(Actor.kind == ActorKind.STATE, Actor.un_status == "member")
    return sorted(code for code in session.scalars(query) if code)
