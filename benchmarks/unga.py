"""Benchmark: importing the UNGA votes, and the agreement matrix, workbench vs pandas.

Import (workbench, a SQLite file in a temporary folder, with the UN member states already
imported): `import unga` of the shared Voeten data (853,763 votes), then the same import again
(which replaces what the first brought). With `--postgresql ADMIN_URL`, the same on a
throw-away PostgreSQL database.

Agreement matrix, on the same votes in one process:
  workbench  `knowledge.votes.vote_table` (the base into a roll calls-by-voters matrix), then
             `consensus.agreement.agreement_matrix` (one-hot matrix products);
  pandas     the straightforward way: the same (roll call, voter, vote) rows as a DataFrame,
             `pivot`, then for every state the share of identical votes and the weighted
             index against every other state, column against frame.
Both produce the share of identical votes and the weighted agreement index for every pair; the
script checks that they agree. The last line is
`import_seconds=<first import> reimport_seconds=<second> matrix_ratio=<pandas s / ours>`.

Run: .venv/bin/python benchmarks/unga.py [--data ../shared/data/unga] [--postgresql URL]
"""

from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from cyberdiplomacy.consensus.agreement import agreement_matrix
from cyberdiplomacy.knowledge import votes
from cyberdiplomacy.knowledge.database import make_engine, transaction, upgrade
from cyberdiplomacy.sources import countries, unga

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "unga"
REPEATS = 3  # the matrix timings are the best of this many runs
T = TypeVar("T")


def time_imports(engine: Engine, data: Path) -> tuple[float, float, int]:
    """Seconds of a first import and of a re-import, and the votes imported."""
    upgrade(engine)
    with transaction(engine) as session:
        countries.import_states(session)
    seconds = []
    for _ in range(2):
        start = time.perf_counter()
        with transaction(engine) as session:
            result = unga.import_votes(session, data)
        seconds.append(time.perf_counter() - start)
    return seconds[0], seconds[1], result.votes


def postgresql_imports(admin_url: str, data: Path) -> tuple[float, float, int]:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"cdw_bench_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(make_url(admin_url).set(database=name).render_as_string(False))
    try:
        return time_imports(engine, data)
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def best(function: Callable[..., T], *args: Any) -> tuple[float, T]:
    """The fastest of REPEATS runs, and the result."""
    timings = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        result = function(*args)
        timings.append(time.perf_counter() - start)
    return min(timings), result


def long_rows(table: votes.VoteTable) -> pd.DataFrame:
    """The votes as (roll call, voter, vote) rows, as a pandas user would hold them."""
    calls, voters = np.nonzero(table.votes)
    return pd.DataFrame(
        {
            "rcid": calls,
            "country": np.array(table.codes)[voters],
            "vote": table.votes[calls, voters].astype(float),
        }
    )


def pandas_pivot(rows: pd.DataFrame) -> pd.DataFrame:
    return rows.pivot(index="rcid", columns="country", values="vote")


def pandas_matrix(wide: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Identical-vote shares and weighted agreement indices, state by state."""
    present = wide.notna()
    identical, index = {}, {}
    for state in wide.columns:
        both = present.mul(present[state], axis=0).sum()
        identical[state] = wide.eq(wide[state], axis=0).sum() / both
        distance = wide.sub(wide[state], axis=0).abs()
        score = 1 - distance.where(distance < 2, 2) / 2  # yes-abstain 1/2, yes-no 0
        index[state] = score.sum() / both
    return pd.DataFrame(identical), pd.DataFrame(index)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="The Voeten-layout folder.")
    parser.add_argument("--postgresql", help="Also time the import on PostgreSQL (an admin URL).")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.sqlite'}")
        first, again, count = time_imports(engine, args.data)
        start = time.perf_counter()
        with transaction(engine) as session:
            table = votes.vote_table(session)
        load = time.perf_counter() - start
        engine.dispose()
    pg = postgresql_imports(args.postgresql, args.data) if args.postgresql else None

    ours, matrix = best(agreement_matrix, table, None)
    rows = long_rows(table)
    pivot, wide = best(pandas_pivot, rows)
    pairs, (identical, index) = best(pandas_matrix, wide)

    codes = matrix.codes
    theirs_identical = identical.loc[codes, codes].to_numpy()
    theirs_index = index.loc[codes, codes].to_numpy()
    mine_identical = np.array([[np.nan if v is None else v for v in r] for r in matrix.identical])
    mine_index = np.array([[np.nan if v is None else v for v in r] for r in matrix.index])
    enough = np.array(matrix.votes) >= 10  # the workbench leaves out pairs with fewer votes
    same = np.allclose(mine_identical[enough], theirs_identical[enough], atol=1e-4) and np.allclose(
        mine_index[enough], theirs_index[enough], atol=1e-4
    )

    print(
        f"\ndata: {args.data} ({count} votes, {len(table)} roll calls, {len(table.codes)} voters)"
    )
    print("\nimport unga (SQLite)               seconds")
    print(f"  {'first import':<32}{first:>8.2f}   ({count / first:,.0f} votes/s)")
    print(f"  {'import again (replaces)':<32}{again:>8.2f}")
    if pg:
        print("import unga (PostgreSQL)           seconds")
        print(f"  {'first import':<32}{pg[0]:>8.2f}   ({pg[2] / pg[0]:,.0f} votes/s)")
        print(f"  {'import again (replaces)':<32}{pg[1]:>8.2f}")
    print(f"\nagreement matrix, {len(codes)} states (best of {REPEATS})  seconds")
    print(f"  {'workbench: base -> matrix (once)':<32}{load:>8.2f}   (not counted)")
    print(f"  {'workbench: agreement_matrix':<32}{ours:>8.3f}")
    print(f"  {'pandas: pivot':<32}{pivot:>8.3f}")
    print(f"  {'pandas: pairwise':<32}{pairs:>8.3f}")
    print(f"\nsame answers on both sides: {'yes' if same else 'NO'}")
    ratio = (pivot + pairs) / ours
    print(f"import_seconds={first:.2f} reimport_seconds={again:.2f} matrix_ratio={ratio:.1f}")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
