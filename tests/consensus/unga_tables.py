"""Hand-built vote tables and slices of the shared UNGA data, for the consensus tests.

Plain functions in a module of their own (not in conftest.py) so that test modules can import
them whichever conftest.py pytest happened to load last under that name.

`table_of` builds a `VoteTable` from one string per voter, one letter per roll call:
y(es), n(o), a(bstain), or . (no vote).
"""

from __future__ import annotations

import csv
import gzip
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pytest

from cyberdiplomacy.knowledge import votes

UNGA = Path(__file__).resolve().parents[3] / "shared" / "data" / "unga"
LETTERS = {"y": votes.YES, "a": votes.ABSTAIN, "n": votes.NO, ".": votes.NONE}
TableOf = Callable[..., votes.VoteTable]


def table_of(
    columns: dict[str, str],
    *,
    sessions: Sequence[int] | None = None,
    titles: Sequence[str] | None = None,
    issues: Sequence[tuple[str, ...]] | None = None,
    dates: Sequence[str] | None = None,
    symbols: Sequence[str | None] | None = None,
) -> votes.VoteTable:
    """A vote table with one column per voter code, from strings of vote letters."""
    codes = sorted(columns)
    calls = len(next(iter(columns.values())))
    matrix = np.array([[LETTERS[columns[c][r]] for c in codes] for r in range(calls)], np.int8)
    sessions = list(sessions or [70] * calls)
    days = dates or [f"{2015 + s - 70}-10-{1 + r % 28:02d}" for r, s in enumerate(sessions)]
    return votes.VoteTable(
        votes=matrix.reshape(calls, len(codes)),
        codes=tuple(codes),
        names=tuple(f"State {c}" for c in codes),
        current=np.ones(len(codes), dtype=bool),
        keys=tuple(f"test:{r}" for r in range(calls)),
        sessions=np.array(sessions, dtype=np.int32),
        dates=np.array(days, dtype="datetime64[D]"),
        symbols=tuple(symbols or [f"A/RES/{s}/{r}" for r, s in enumerate(sessions)]),
        titles=tuple(titles or [f"Resolution {r}" for r in range(calls)]),
        descriptions=tuple(None for _ in range(calls)),
        issues=tuple(issues or [() for _ in range(calls)]),
        amendments=np.zeros(calls, dtype=bool),
        paragraphs=np.zeros(calls, dtype=bool),
    )


def shared_unga() -> Path:
    if not (UNGA / "votes.csv.gz").exists():
        pytest.skip(f"shared UNGA voting data not found at {UNGA}")
    return UNGA


def write_slice(folder: Path, sessions: set[int]) -> Path:
    """The shared data's roll calls of some sessions, in the Voeten layout, gzipped."""
    source = shared_unga()
    folder.mkdir(parents=True, exist_ok=True)
    kept: set[str] = set()
    for name in ("roll_calls", "votes", "roll_call_issues"):
        with (
            gzip.open(source / f"{name}.csv.gz", "rt", encoding="utf-8", newline="") as src,
            gzip.open(folder / f"{name}.csv.gz", "wt", encoding="utf-8", newline="") as out,
        ):
            reader, writer = csv.reader(src), csv.writer(out)
            header = next(reader)
            writer.writerow(header)
            for row in reader:
                if name == "roll_calls" and int(float(row[1])) in sessions:
                    kept.add(row[0])
                if row[0] in kept:
                    writer.writerow(row)
    return folder
