"""UN General Assembly roll-call votes, from a folder in either of two layouts (CSV or CSV.gz).

**Voeten / `unvotes`** (Erik Voeten's data as packaged by the R package `unvotes`):

- `votes.csv`: rcid, country, country_code (ISO 3166-1 alpha-2), vote (yes, no, abstain)
- `roll_calls.csv`: rcid, session, date, unres, amend, para, short, descr; importantvote optional
- `roll_call_issues.csv` (optional): rcid, short_name (me, nu, di, hr, co, ec), issue

**UN Digital Library voting data** (digitallibrary.un.org record 4060887): any other `*.csv`
in the folder with one row per member and resolution, read by column name:

- required: undl_id, ms_code (ISO 3166-1 alpha-3), ms_vote (Y, N, A; X, NV or empty: did not
  vote), date (YYYY-MM-DD; a time part is ignored), resolution (A/RES/79/1)
- optional: ms_name, session (79 or ES-10; else taken from the symbol, else from the date),
  title, agenda_title, subjects, undl_link
- the plural names of the 2024 data dictionary (ms_codes, ms_names, ms_votes, resolutions,
  agenda_titles) are accepted too.

Members are matched to the knowledge base's states by ISO code. A vote belongs to the member as
it was seated when it voted, under the ISO 3166 code it bore: the USSR (SUN, until 24 December
1991, when the Russian Federation took up its seat), Yugoslavia (YUG, until its seat lapsed in
1992), Czechoslovakia (CSK), the German Democratic Republic (DDR) and South Yemen (YMD) stay
themselves, as do Taiwan's Republic of China seat (TWN, until 1971) and Zanzibar (ZAN, 1963-64,
never in ISO 3166); they are voters without a knowledge-base actor, so no current state inherits
their record. The Federal Republic of Germany is Germany (DEU), the Yemen Arab Republic is Yemen
(YEM), and the Federal Republic of Yugoslavia, Serbia and Montenegro and Serbia (from November
2000) are Serbia (SRB): the same member under the code ISO 3166 carried on.

A roll call's key names its source (voeten:RCID, undl:UNDL_ID), so importing a file again
replaces exactly what it brought, all or nothing. A vote on a whole resolution already recorded
from the other layout (same symbol) is skipped, so the layouts can be combined without doubling.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import zlib
from array import array
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any, cast

import numpy as np
import pycountry
from numpy.typing import NDArray
from sqlalchemy import Table, delete, insert, select
from sqlalchemy.orm import Session
from sqlalchemy.schema import AddConstraint, DropConstraint

from cyberdiplomacy.errors import ImportFailed
from cyberdiplomacy.knowledge import store, votes
from cyberdiplomacy.knowledge.models import Actor, ActorKind, RollCall, Vote, Voter, alias_key
from cyberdiplomacy.sources.progress import Progress, Silent

BATCH = 50_000
DID_NOT_VOTE = 8
VOETEN_VOTES = {"yes": 1, "abstain": 2, "no": 3}
UNDL_VOTES = {"Y": 1, "A": 2, "N": 3, "X": DID_NOT_VOTE, "NV": DID_NOT_VOTE, "": DID_NOT_VOTE}
# Members whose ISO 3166-1 codes were withdrawn, by alpha-2 code; and their names.
FORMER_ISO2 = {"SU": "SUN", "YU": "YUG", "CS": "CSK", "DD": "DDR", "YD": "YMD"}
HISTORICAL = {
    "SUN": "Soviet Union",
    "YUG": "Yugoslavia",
    "CSK": "Czechoslovakia",
    "DDR": "German Democratic Republic",
    "YMD": "Democratic Yemen",
    "TWN": "Republic of China (Taiwan)",
    "ZAN": "Zanzibar",
}
# Members named without a code, by normalised name (either layout).
BY_NAME = {
    "federalrepublicofgermany": "DEU",
    "yemenarabrepublic": "YEM",
    "zanzibar": "ZAN",
    "ussr": "SUN",
    "unionofsovietsocialistrepublics": "SUN",
    "yugoslavia": "YUG",
    "czechoslovakia": "CSK",
    "germandemocraticrepublic": "DDR",
    "democraticyemen": "YMD",
    "yemenpeoplesrepublic": "YMD",
}
# Seats that changed hands on a date: (code, before the date, on and after it).
HANDOVERS = {
    "RUS": (date(1991, 12, 24), "SUN", "RUS"),
    "SUN": (date(1991, 12, 24), "SUN", "RUS"),
    "YUG": (date(2000, 11, 1), "YUG", "SRB"),
    "SCG": (date(2000, 11, 1), "YUG", "SRB"),
}
VOETEN = "voeten"
UNDL = "undl"
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
UNDL_COLUMNS = {  # our name: the names the layout uses
    "undl_id": ("undl_id",),
    "ms_code": ("ms_code", "ms_codes"),
    "ms_vote": ("ms_vote", "ms_votes"),
    "date": ("date",),
    "resolution": ("resolution", "resolutions"),
    "ms_name": ("ms_name", "ms_names"),
    "session": ("session",),
    "title": ("title",),
    "agenda_title": ("agenda_title", "agenda_titles"),
    "subjects": ("subjects",),
    "undl_link": ("undl_link",),
}
UNDL_REQUIRED = ("undl_id", "ms_code", "ms_vote", "date", "resolution")


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


def normalise_symbol(symbol: str) -> str | None:
    """The symbol in A/RES/73/27 form, or None for an empty cell."""
    return votes.normalise(symbol) if symbol.strip() else None


def session_of(day: date) -> int:
    """The regular session sitting on a day: the 73rd from September 2018 to September 2019."""
    return day.year - 1945 if day.month >= 9 else day.year - 1946


class _Members:
    """Resolves a member as written in a file (code, name) and a date to a voter code."""

    def __init__(self, session: Session) -> None:
        states = session.scalars(select(Actor).where(Actor.kind == ActorKind.STATE)).all()
        self.actors = {a.iso3: a for a in states if a.iso3}
        self.iso2 = {a.iso2: a.iso3 for a in states if a.iso2 and a.iso3}
        self.names: dict[str, str] = {}
        self._rules: dict[tuple[str, str], tuple[date | None, str, str]] = {}

    def _iso3(self, code: str, name: str) -> str | None:
        code = code.strip().upper()
        if len(code) == 2:
            if code in FORMER_ISO2:
                return FORMER_ISO2[code]
            if code in self.iso2:
                return self.iso2[code]
            found = pycountry.countries.get(alpha_2=code)
            return str(found.alpha_3) if found else None
        if len(code) == 3 and code.isalpha():
            return code
        return BY_NAME.get(alias_key(name))

    def rule(self, code: str, name: str) -> tuple[date | None, str, str] | None:
        """(handover date or None, code before, code after) for a member as written."""
        key = (code, name)
        if key not in self._rules:
            named = BY_NAME.get(alias_key(name))
            iso3 = named if named in HISTORICAL else self._iso3(code, name)
            if iso3 is None:
                return None
            cutoff, before, after = HANDOVERS.get(iso3, (None, iso3, iso3))
            self._rules[key] = (cutoff, before, after)
            for voter in {before, after}:
                self.names.setdefault(voter, HISTORICAL.get(voter) or name.strip() or voter)
        return self._rules[key]


class _Csv:
    """A CSV file being read: its header's columns, its rows, and how far into the file we are."""

    def __init__(self, name: str, reader: Any, raw: IO[bytes]) -> None:
        self.name = name
        self.reader = reader
        self.raw = raw
        header = next(reader, None)
        if header is None:
            raise ImportFailed(name, "the file is empty")
        self.header = [h.strip().lower() for h in header]

    def fail(self, reason: str) -> ImportFailed:
        return ImportFailed(self.name, reason, line=self.reader.line_num)

    def columns(
        self, names: Mapping[str, tuple[str, ...]], required: tuple[str, ...]
    ) -> dict[str, int]:
        """Our name → column index, for the columns present; `ImportFailed` if one is missing."""
        found = {
            ours: self.header.index(theirs)
            for ours, spellings in names.items()
            for theirs in spellings
            if theirs in self.header
        }
        missing = [name for name in required if name not in found]
        if missing:
            raise ImportFailed(
                self.name, f"missing column {', '.join(missing)} (header: {','.join(self.header)})"
            )
        return found

    def __iter__(self) -> Iterator[list[str]]:
        return iter(self.reader)


@contextmanager
def _csv(path: Path) -> Iterator[_Csv]:
    """Read a .csv or .csv.gz file; read errors become `ImportFailed` with the file and line."""
    name = str(path)
    try:
        raw = path.open("rb")
    except OSError as exc:
        raise ImportFailed(name, f"cannot read: {exc.strerror}") from exc
    with raw:
        stream = cast(IO[bytes], gzip.GzipFile(fileobj=raw)) if path.name.endswith(".gz") else raw
        reader = csv.reader(io.TextIOWrapper(stream, encoding="utf-8-sig", newline=""))
        try:
            yield _Csv(name, reader, raw)
        except (EOFError, zlib.error, gzip.BadGzipFile) as exc:  # BadGzipFile is an OSError
            raise ImportFailed(name, f"corrupt gzip data: {exc}") from exc
        except OSError as exc:
            raise ImportFailed(name, f"cannot read: {exc}") from exc
        except UnicodeDecodeError as exc:
            raise ImportFailed(name, "not UTF-8 text", line=reader.line_num + 1) from exc
        except csv.Error as exc:
            raise ImportFailed(name, f"not valid CSV: {exc}", line=reader.line_num) from exc


class _Parsed:
    """One file's roll calls and votes, before they are written.

    Members are kept as written (code, name) with the line where each first appears; they are
    resolved to voters once, vectorised over the votes, by `resolve`.
    """

    def __init__(self, origin: str, name: str) -> None:
        self.origin = origin
        self.name = name
        self.calls: list[dict[str, Any]] = []
        self.call_index = array("i")
        self.member_index = array("i")
        self.votes = array("b")
        self.members: dict[tuple[str, str], int] = {}
        self.first_lines: list[int] = []
        self.voters: list[str] = []
        self.voter_index: NDArray[np.int32] = np.zeros(0, dtype=np.int32)

    def member(self, code: str, name: str, line: int) -> int:
        found = self.members.get((code, name))
        if found is None:
            found = self.members[(code, name)] = len(self.first_lines)
            self.first_lines.append(line)
        return found

    def resolve(self, members: _Members) -> None:
        """Each vote's voter: the member as written, on the day of the roll call."""
        rules = []
        for (code, name), line in zip(self.members, self.first_lines, strict=True):
            rule = members.rule(code, name)
            if rule is None:
                raise ImportFailed(self.name, f"unknown member {code!r} ({name})", line=line)
            rules.append(rule)
        codes = sorted({r[1] for r in rules} | {r[2] for r in rules})
        index = {code: i for i, code in enumerate(codes)}
        never = date.max
        cutoff = np.array([r[0] or never for r in rules], dtype="datetime64[D]")
        before = np.array([index[r[1]] for r in rules], dtype=np.int32)
        after = np.array([index[r[2]] for r in rules], dtype=np.int32)
        days = np.array([c["date"] for c in self.calls], dtype="datetime64[D]")
        member = np.frombuffer(self.member_index, dtype=np.int32)
        day = days[np.frombuffer(self.call_index, dtype=np.int32)]
        voters = np.where(day < cutoff[member], before[member], after[member])
        used, inverse = np.unique(voters, return_inverse=True)  # not the USSR in 2018
        self.voters = [codes[i] for i in used]
        self.voter_index = inverse.astype(np.int32)

    def check_unique(self) -> None:
        """A member votes once per roll call."""
        calls = np.frombuffer(self.call_index, dtype=np.int32).astype(np.int64)
        pairs = calls * (len(self.voters) + 1) + self.voter_index
        _, first = np.unique(pairs, return_index=True)
        if len(first) < len(pairs):
            seen = np.zeros(len(pairs), dtype=bool)
            seen[first] = True
            repeat = int(np.argmin(seen))
            voter = self.voters[self.voter_index[repeat]]
            call = self.calls[self.call_index[repeat]]["key"]
            raise ImportFailed(self.name, f"{voter} votes twice on roll call {call}")


def _day(table: _Csv, value: str) -> date:
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError as exc:
        raise table.fail(f"invalid date {value!r} (expected YYYY-MM-DD)") from exc


def _flag(value: str) -> bool:
    return value.strip() in ("1", "1.0", "TRUE", "true")


def _find(folder: Path, stem: str) -> Path | None:
    for name in (f"{stem}.csv", f"{stem}.csv.gz"):
        if (folder / name).is_file():
            return folder / name
    return None


def _voeten_calls(path: Path, issues: dict[str, list[str]]) -> dict[str, dict[str, Any]]:
    names: dict[str, tuple[str, ...]] = {
        k: (k,) for k in ("rcid", "session", "date", "unres", "amend", "para", "short", "descr")
    }
    names["important"] = ("importantvote",)
    calls: dict[str, dict[str, Any]] = {}
    with _csv(path) as table:
        col = table.columns(names, ("rcid", "session", "date", "unres", "short", "descr"))

        def cell(row: list[str], name: str) -> str:
            return row[col[name]] if name in col else ""

        for row in table:
            rcid = cell(row, "rcid").strip()
            try:
                session = int(float(cell(row, "session")))
            except ValueError as exc:
                raise table.fail(f"invalid session {cell(row, 'session')!r}") from exc
            description = cell(row, "descr").strip() or None
            symbol = normalise_symbol(cell(row, "unres"))
            calls[rcid] = {
                "key": f"{VOETEN}:{rcid}",
                "session": session,
                "date": _day(table, cell(row, "date")),
                "symbol": symbol,
                "title": cell(row, "short").strip() or (description or symbol or rcid)[:200],
                "description": description,
                "issues": issues.get(rcid, []),
                "amendment": _flag(cell(row, "amend")),
                "paragraph": _flag(cell(row, "para")),
                "important": _flag(cell(row, "important")),
                "url": None,
            }
    return calls


def _voeten_issues(path: Path | None) -> dict[str, list[str]]:
    issues: dict[str, list[str]] = {}
    if path is None:
        return issues
    with _csv(path) as table:
        col = table.columns({"rcid": ("rcid",), "issue": ("short_name",)}, ("rcid", "issue"))
        for row in table:
            found = issues.setdefault(row[col["rcid"]].strip(), [])
            if row[col["issue"]].strip() not in found:
                found.append(row[col["issue"]].strip())
    return issues


def _read_voeten(folder: Path, progress: Progress) -> _Parsed:
    votes_path, calls_path = _find(folder, "votes"), _find(folder, "roll_calls")
    if votes_path is None or calls_path is None:
        raise ImportFailed(str(folder), "the Voeten layout needs both votes.csv and roll_calls.csv")
    calls = _voeten_calls(calls_path, _voeten_issues(_find(folder, "roll_call_issues")))
    parsed = _Parsed(VOETEN, str(votes_path))
    parsed.calls = list(calls.values())
    position = {rcid: i for i, rcid in enumerate(calls)}
    progress.start("Reading UNGA votes", votes_path.stat().st_size)
    with _csv(votes_path) as table:
        names: dict[str, tuple[str, ...]] = {k: (k,) for k in ("rcid", "country", "country_code")}
        names["vote"] = ("vote",)
        col = table.columns(names, tuple(names))
        rcid_at, name_at, code_at, vote_at = (col[k] for k in names)
        add_call, add_member = parsed.call_index.append, parsed.member_index.append
        add_vote, member = parsed.votes.append, parsed.member
        read = 0
        for count, row in enumerate(table, 1):
            try:
                add_call(position[row[rcid_at]])
                add_vote(VOETEN_VOTES[row[vote_at]])
            except KeyError as exc:
                if row[rcid_at] not in position:
                    raise table.fail(
                        f"roll call {row[rcid_at]} is not in {calls_path.name}"
                    ) from exc
                raise table.fail(f"unknown vote {row[vote_at]!r} (yes, no or abstain)") from exc
            add_member(member(row[code_at], row[name_at], table.reader.line_num))
            if count % BATCH == 0:
                progress.advance(table.raw.tell() - read)
                read = table.raw.tell()
        progress.advance(table.raw.tell() - read)
    return parsed


def _is_undl(path: Path) -> bool:
    with _csv(path) as table:
        return any(name in table.header for name in UNDL_COLUMNS["ms_vote"])


def _undl_session(value: str, symbol: str, day: date) -> int:
    if value.isdigit():
        return int(value)
    if match := re.match(r"A/RES/(\d+)/", symbol):
        return int(match[1])
    return session_of(day)


def _read_undl(path: Path, progress: Progress) -> _Parsed:
    parsed = _Parsed(UNDL, str(path))
    calls: dict[str, int] = {}
    progress.start(f"Reading {path.name}", path.stat().st_size)
    with _csv(path) as table:
        col = table.columns(UNDL_COLUMNS, UNDL_REQUIRED)

        def cell(row: list[str], name: str) -> str:
            return row[col[name]].strip() if name in col and col[name] < len(row) else ""

        read = 0
        for count, row in enumerate(table, 1):
            undl_id = cell(row, "undl_id")
            if undl_id not in calls:
                day = _day(table, cell(row, "date"))
                symbol = normalise_symbol(cell(row, "resolution"))
                if not undl_id or symbol is None:
                    raise table.fail("a row without undl_id or resolution")
                context = [cell(row, "agenda_title"), cell(row, "subjects")]
                calls[undl_id] = len(parsed.calls)
                parsed.calls.append(
                    {
                        "key": f"{UNDL}:{undl_id}",
                        "session": _undl_session(cell(row, "session"), symbol, day),
                        "date": day,
                        "symbol": symbol,
                        "title": cell(row, "title") or symbol,
                        "description": " - ".join(c for c in context if c) or None,
                        "issues": [],
                        "amendment": False,
                        "paragraph": False,
                        "important": False,
                        "url": cell(row, "undl_link") or None,
                    }
                )
            vote = UNDL_VOTES.get(cell(row, "ms_vote").upper())
            if vote is None:
                raise table.fail(f"unknown vote {cell(row, 'ms_vote')!r} (Y, N, A or X)")
            parsed.call_index.append(calls[undl_id])
            parsed.votes.append(vote)
            line = table.reader.line_num
            parsed.member_index.append(
                parsed.member(cell(row, "ms_code"), cell(row, "ms_name"), line)
            )
            if count % BATCH == 0:
                progress.advance(table.raw.tell() - read)
                read = table.raw.tell()
        progress.advance(table.raw.tell() - read)
    return parsed


def _store_voters(session: Session, members: _Members, codes: set[str]) -> dict[str, int]:
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


def _insert_votes(session: Session, rows: NDArray[np.int64], progress: Progress) -> None:
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


def _store(
    session: Session, parsed: _Parsed, voters: dict[str, int], progress: Progress
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
    _insert_votes(session, rows, progress)
    return len(kept), len(rows), len(parsed.calls) - len(kept)


def import_votes(session: Session, folder: Path, progress: Progress | None = None) -> UngaImport:
    """Import the roll calls and votes in `folder` (either layout, or both); see the module doc."""
    progress = progress or Silent()
    if not folder.is_dir():
        raise ImportFailed(str(folder), "not a folder of UNGA voting data")
    members = _Members(session)
    layouts: list[_Parsed] = []
    voeten_files = {
        f"{stem}.csv{gz}"
        for stem in ("votes", "roll_calls", "roll_call_issues")
        for gz in ("", ".gz")
    }
    if _find(folder, "votes") or _find(folder, "roll_calls"):
        layouts.append(_read_voeten(folder, progress))
    for path in sorted(folder.iterdir()):
        if (
            path.name not in voeten_files
            and path.name.endswith((".csv", ".csv.gz"))
            and _is_undl(path)
        ):
            layouts.append(_read_undl(path, progress))
    if not layouts:
        raise ImportFailed(
            str(folder),
            "found neither votes.csv and roll_calls.csv (Voeten layout) "
            "nor a UN Digital Library voting CSV (with ms_code and ms_vote columns)",
        )
    for parsed in layouts:
        parsed.resolve(members)
        parsed.check_unique()
    voters = _store_voters(session, members, {c for p in layouts for c in p.voters})
    totals = [0, 0, 0]  # roll calls, votes, skipped roll calls
    for parsed in layouts:
        counted = _store(session, parsed, voters, progress)
        totals = [a + b for a, b in zip(totals, counted, strict=True)]
    historical = sum(1 for code in voters if code not in members.actors)
    return UngaImport(totals[0], totals[1], len(voters), historical, totals[2])
