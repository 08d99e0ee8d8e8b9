"""Reading one CSV (or CSV.gz) file of votes: named columns, and errors with the file and line."""

from __future__ import annotations

import csv
import gzip
import io
import zlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import IO, Any, cast

from cyberdiplomacy.errors import ImportFailed


class CsvFile:
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
def open_csv(path: Path) -> Iterator[CsvFile]:
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
            yield CsvFile(name, reader, raw)
        except (EOFError, zlib.error, gzip.BadGzipFile) as exc:  # BadGzipFile is an OSError
            raise ImportFailed(name, f"corrupt gzip data: {exc}") from exc
        except OSError as exc:
            raise ImportFailed(name, f"cannot read: {exc}") from exc
        except UnicodeDecodeError as exc:
            raise ImportFailed(name, "not UTF-8 text", line=reader.line_num + 1) from exc
        except csv.Error as exc:
            raise ImportFailed(name, f"not valid CSV: {exc}", line=reader.line_num) from exc


def parse_day(table: CsvFile, value: str) -> date:
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError as exc:
        raise table.fail(f"invalid date {value!r} (expected YYYY-MM-DD)") from exc


def parse_flag(value: str) -> bool:
    return value.strip() in ("1", "1.0", "TRUE", "true")


def find_file(folder: Path, stem: str) -> Path | None:
    for name in (f"{stem}.csv", f"{stem}.csv.gz"):
        if (folder / name).is_file():
            return folder / name
    return None
