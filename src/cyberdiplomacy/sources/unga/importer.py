"""Writing what the layouts read: voters, roll calls and votes, replacing earlier imports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import cast

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Table, delete, insert, select
from sqlalchemy.orm import Session
from sqlalchemy.schema import AddConstraint, DropConstraint

from cyberdiplomacy.knowledge import store
from cyberdiplomacy.knowledge.models import RollCall, Vote, Voter
from cyberdiplomacy.progress import Progress, Silent
from cyberdiplomacy.sources.unga.layouts import BATCH, UNDL, VOETEN, Parsed, read_layouts
from cyberdiplomacy.sources.unga.members import Members

SOURCES = {  # publisher, title, URL
    VOETEN: (
        "Erik Voeten, Anton Strezhnev and Michael Bailey",
        "United Nations General Assembly Voting Data",
        None,
    ),
    UNDL: (
        "United Nations Dag Hammarskjöld Library",
        "General Assembly Voting Data",
        "https://digitallibrary.un.org/record/4060887",
    ),
}


@dataclass(frozen=True)
class UngaImport:
    """What one import brought."""

    roll_calls: int
    votes: int
    members: int
    historical_members: int
    skipped_roll_calls: int

    def counts(self) -> dict[str, int]:
        return {
            "roll_calls": self.roll_calls,
            "votes": self.votes,
            "members": self.members,
            "historical_members": self.historical_members,
            "skipped_roll_calls": self.skipped_roll_calls,
        }


def store_voters(session: Session, members: Members, codes: set[str]) -> dict[str, int]:
    """Create or update a voter per code; link current states to their actor."""
    existing = {v.code: v for v in session.scalars(select(Voter))}
    for code in sorted(codes):
        actor = members.actors.get(code)
        found = existing.get(code) or Voter(code=code)
        found.name = actor.name if actor else members.names[code]
        found.actor_id = actor.id if actor else None
        session.add(found)
    session.flush()
    return {v.code: v.id for v in session.scalars(select(Voter).where(Voter.code.in_(codes)))}


def _tuples(rows: NDArray[np.int64]) -> list[tuple[int, int, int]]:
    """Rows as tuples of Python ints, column by column (much faster than a 2-D `tolist`)."""
    return list(zip(*(rows[:, i].tolist() for i in range(3)), strict=True))


def insert_votes(session: Session, rows: NDArray[np.int64], progress: Progress) -> None:
    """Bulk-write (roll_call_id, voter_id, vote) rows: COPY on PostgreSQL, executemany on SQLite."""
    progress.start("Writing UNGA votes", len(rows))
    connection = session.connection()
    driver = connection.connection.driver_connection
    assert driver is not None
    if connection.dialect.name == "postgresql":
        # Checking the foreign keys row by row costs ten times the COPY itself; PostgreSQL's
        # advice for bulk loads is to drop them and add them back, which checks them in one go.
        keys = cast(Table, Vote.__table__).foreign_key_constraints
        for key in keys:
            connection.execute(DropConstraint(key))
        statement = "COPY vote (roll_call_id, voter_id, vote) FROM STDIN"
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            for start in range(0, len(rows), BATCH):
                chunk = _tuples(rows[start : start + BATCH])
                copy.write("".join(f"{a}\t{b}\t{c}\n" for a, b, c in chunk))
                progress.advance(len(chunk))
        for key in keys:
            connection.execute(AddConstraint(key))
        return
    cursor = driver.cursor()
    try:
        for start in range(0, len(rows), BATCH):
            chunk = _tuples(rows[start : start + BATCH])
            cursor.executemany(
                "INSERT INTO vote (roll_call_id, voter_id, vote) VALUES (?, ?, ?)", chunk
            )
            progress.advance(len(chunk))
    finally:
        cursor.close()


def store_layout(
    session: Session, parsed: Parsed, voters: dict[str, int], progress: Progress
) -> tuple[int, int, int]:
    """Replace the roll calls this layout brought before; returns (roll calls, votes, skipped)."""
    publisher, title, url = SOURCES[parsed.origin]
    source = store.source(session, publisher=publisher, title=title, url=url)
    prefix = f"{parsed.origin}:"
    mine = select(RollCall.key, RollCall.id).where(RollCall.key.startswith(prefix))
    old = {key: id_ for key, id_ in session.execute(mine)}
    stale = [old[c["key"]] for c in parsed.calls if c["key"] in old]
    quiet = {"synchronize_session": False}
    for start in range(0, len(stale), 500):
        chunk = stale[start : start + 500]
        session.execute(delete(Vote).where(Vote.roll_call_id.in_(chunk)), execution_options=quiet)
        session.execute(delete(RollCall).where(RollCall.id.in_(chunk)), execution_options=quiet)
    taken = set(
        session.scalars(
            select(RollCall.symbol).where(
                ~RollCall.key.startswith(prefix),
                RollCall.symbol.is_not(None),
                RollCall.amendment.is_(False),
                RollCall.paragraph.is_(False),
            )
        )
    )
    today = date.today()
    kept = [
        {**c, "source_id": source.id, "as_of": today, "tlp": "clear"}
        for c in parsed.calls
        if c["amendment"] or c["paragraph"] or c["symbol"] not in taken
    ]
    for start in range(0, len(kept), 1000):
        session.connection().execute(insert(RollCall), kept[start : start + 1000])
    ids = {key: id_ for key, id_ in session.execute(mine)}
    kept_keys = {c["key"] for c in kept}
    call_ids = np.array(
        [ids[c["key"]] if c["key"] in kept_keys else 0 for c in parsed.calls], dtype=np.int64
    )
    voter_ids = np.array([voters[code] for code in parsed.voters], dtype=np.int64)
    calls = call_ids[np.frombuffer(parsed.call_index, dtype=np.int32)]
    written = calls > 0
    rows = np.column_stack(
        [
            calls[written],
            voter_ids[parsed.voter_index][written],
            np.frombuffer(parsed.votes, dtype=np.int8)[written],
        ]
    )
    rows = rows[np.lexsort((rows[:, 1], rows[:, 0]))]  # in key order: appends to the index
    insert_votes(session, rows, progress)
    return len(kept), len(rows), len(parsed.calls) - len(kept)


def import_votes(session: Session, folder: Path, progress: Progress | None = None) -> UngaImport:
    """Import the roll calls and votes in `folder` (either layout, or both); see the module doc."""
    progress = progress or Silent()
    members = Members(session)
    layouts = read_layouts(folder, progress)
    for parsed in layouts:
        parsed.resolve(members)
        parsed.check_unique()
    voters = store_voters(session, members, {c for p in layouts for c in p.voters})
    totals = [0, 0, 0]  # roll calls, votes, skipped roll calls
    for parsed in layouts:
        counted = store_layout(session, parsed, voters, progress)
        totals = [a + b for a, b in zip(totals, counted, strict=True)]
    historical = sum(1 for code in voters if code not in members.actors)
    return UngaImport(totals[0], totals[1], len(voters), historical, totals[2])
