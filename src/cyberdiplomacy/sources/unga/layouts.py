"""The two file layouts (Voeten / `unvotes` and the UN Digital Library's), read into `Parsed`."""

from __future__ import annotations

import re
from array import array
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from cyberdiplomacy.errors import ImportFailed
from cyberdiplomacy.knowledge import votes
from cyberdiplomacy.progress import Progress
from cyberdiplomacy.sources.unga.csvfile import find_file, open_csv, parse_day, parse_flag
from cyberdiplomacy.sources.unga.members import Members

BATCH = 50_000
DID_NOT_VOTE = 8
VOETEN_VOTES = {"yes": 1, "abstain": 2, "no": 3}
UNDL_VOTES = {"Y": 1, "A": 2, "N": 3, "X": DID_NOT_VOTE, "NV": DID_NOT_VOTE, "": DID_NOT_VOTE}
VOETEN = "voeten"
UNDL = "undl"
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


def normalise_symbol(symbol: str) -> str | None:
    """The symbol in A/RES/73/27 form, or None for an empty cell."""
    return votes.normalise(symbol) if symbol.strip() else None


def session_of(day: date) -> int:
    """The regular session sitting on a day: the 73rd from September 2018 to September 2019."""
    return day.year - 1945 if day.month >= 9 else day.year - 1946


class Parsed:
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

    def resolve(self, members: Members) -> None:
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


def _voeten_calls(path: Path, issues: dict[str, list[str]]) -> dict[str, dict[str, Any]]:
    names: dict[str, tuple[str, ...]] = {
        k: (k,) for k in ("rcid", "session", "date", "unres", "amend", "para", "short", "descr")
    }
    names["important"] = ("importantvote",)
    calls: dict[str, dict[str, Any]] = {}
    with open_csv(path) as table:
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
                "date": parse_day(table, cell(row, "date")),
                "symbol": symbol,
                "title": cell(row, "short").strip() or (description or symbol or rcid)[:200],
                "description": description,
                "issues": issues.get(rcid, []),
                "amendment": parse_flag(cell(row, "amend")),
                "paragraph": parse_flag(cell(row, "para")),
                "important": parse_flag(cell(row, "important")),
                "url": None,
            }
    return calls


def _voeten_issues(path: Path | None) -> dict[str, list[str]]:
    issues: dict[str, list[str]] = {}
    if path is None:
        return issues
    with open_csv(path) as table:
        col = table.columns({"rcid": ("rcid",), "issue": ("short_name",)}, ("rcid", "issue"))
        for row in table:
            found = issues.setdefault(row[col["rcid"]].strip(), [])
            if row[col["issue"]].strip() not in found:
                found.append(row[col["issue"]].strip())
    return issues


def read_voeten(folder: Path, progress: Progress) -> Parsed:
    votes_path, calls_path = find_file(folder, "votes"), find_file(folder, "roll_calls")
    if votes_path is None or calls_path is None:
        raise ImportFailed(str(folder), "the Voeten layout needs both votes.csv and roll_calls.csv")
    calls = _voeten_calls(calls_path, _voeten_issues(find_file(folder, "roll_call_issues")))
    parsed = Parsed(VOETEN, str(votes_path))
    parsed.calls = list(calls.values())
    position = {rcid: i for i, rcid in enumerate(calls)}
    progress.start("Reading UNGA votes", votes_path.stat().st_size)
    with open_csv(votes_path) as table:
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


def is_undl(path: Path) -> bool:
    with open_csv(path) as table:
        return any(name in table.header for name in UNDL_COLUMNS["ms_vote"])


def _undl_session(value: str, symbol: str, day: date) -> int:
    if value.isdigit():
        return int(value)
    if match := re.match(r"A/RES/(\d+)/", symbol):
        return int(match[1])
    return session_of(day)


def read_undl(path: Path, progress: Progress) -> Parsed:
    parsed = Parsed(UNDL, str(path))
    calls: dict[str, int] = {}
    progress.start(f"Reading {path.name}", path.stat().st_size)
    with open_csv(path) as table:
        col = table.columns(UNDL_COLUMNS, UNDL_REQUIRED)

        def cell(row: list[str], name: str) -> str:
            return row[col[name]].strip() if name in col and col[name] < len(row) else ""

        read = 0
        for count, row in enumerate(table, 1):
            undl_id = cell(row, "undl_id")
            if undl_id not in calls:
                day = parse_day(table, cell(row, "date"))
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


def read_layouts(folder: Path, progress: Progress) -> list[Parsed]:
    """Every layout found in `folder`: the Voeten files, then each UN Digital Library CSV."""
    if not folder.is_dir():
        raise ImportFailed(str(folder), "not a folder of UNGA voting data")
    layouts: list[Parsed] = []
    voeten_files = {
        f"{stem}.csv{gz}"
        for stem in ("votes", "roll_calls", "roll_call_issues")
        for gz in ("", ".gz")
    }
    if find_file(folder, "votes") or find_file(folder, "roll_calls"):
        layouts.append(read_voeten(folder, progress))
    for path in sorted(folder.iterdir()):
        if (
            path.name not in voeten_files
            and path.name.endswith((".csv", ".csv.gz"))
            and is_undl(path)
        ):
            layouts.append(read_undl(path, progress))
    if not layouts:
        raise ImportFailed(
            str(folder),
            "found neither votes.csv and roll_calls.csv (Voeten layout) "
            "nor a UN Digital Library voting CSV (with ms_code and ms_vote columns)",
        )
    return layouts
