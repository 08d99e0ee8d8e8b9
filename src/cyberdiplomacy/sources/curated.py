"""Curated YAML datasets shipped in `cyberdiplomacy/data/`, validated on load with pydantic.

Every record names its source and `as_of` date; an invalid file is reported with its path and
the dotted path of the bad field, and nothing from it is imported.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import TypeAdapter, ValidationError

from cyberdiplomacy.errors import ImportFailed
from cyberdiplomacy.sources.schemas import Bloc

T = TypeVar("T")


def bundled(name: str) -> Path:
    """Path of a dataset shipped with the package."""
    return Path(str(resources.files("cyberdiplomacy") / "data" / name))


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a curated file: where, and what."""

    path: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.field}: {self.message}"

    def error(self) -> ImportFailed:
        return ImportFailed(self.path, f"{self.field}: {self.message}", line=self.line)


class _Loader(yaml.SafeLoader):
    """Safe YAML that leaves dates as text, so pydantic judges them field by field."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _parse(path: Path) -> tuple[Any, list[int]]:
    """The YAML document and the line where each top-level record starts."""
    try:
        text = path.read_text(encoding="utf-8")
        node = yaml.compose(text, Loader=_Loader)
        raw = yaml.load(text, Loader=_Loader)  # a SafeLoader subclass: no arbitrary objects
    except OSError as exc:
        raise ImportFailed(str(path), f"cannot read: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise ImportFailed(str(path), "not UTF-8 text") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        raise ImportFailed(str(path), f"not valid YAML: {exc}", line=line) from exc
    if raw is not None and not isinstance(raw, list):
        raise ImportFailed(str(path), "expected a list of records at the top level")
    lines = [item.start_mark.line + 1 for item in node.value] if node is not None else []
    return raw or [], lines


def check(path: Path, schema: type[T]) -> tuple[list[tuple[int, T]], list[Problem]]:
    """Validate each record of a YAML list; return the good ones with their lines, and problems."""
    raw, lines = _parse(path)
    records: list[tuple[int, T]] = []
    problems: list[Problem] = []
    adapter = TypeAdapter(schema)
    for index, item in enumerate(raw):
        try:
            records.append((lines[index], adapter.validate_python(item)))
        except ValidationError as exc:
            label = item.get("slug") if isinstance(item, dict) else None
            for error in exc.errors():
                field = ".".join(str(p) for p in error["loc"]) or "record"
                where = f"record {index + 1}" + (f" ({label})" if label else "")
                problems.append(Problem(str(path), lines[index], f"{where} {field}", error["msg"]))
    return records, problems


def load_lines(path: Path, schema: type[T]) -> list[tuple[int, T]]:
    """Valid records with their lines, or `ImportFailed` for the first problem."""
    records, problems = check(path, schema)
    if problems:
        raise problems[0].error()
    return records


def load(path: Path, schema: type[T]) -> list[T]:
    """Read a YAML list of records, each valid against `schema`, or raise on the first problem."""
    return [record for _, record in load_lines(path, schema)]


def blocs(path: Path | None = None) -> list[Bloc]:
    """The bloc definitions, bundled unless `path` is given; curated blocs must be sourced."""
    path = path or bundled("blocs.yaml")
    found = load(path, Bloc)
    for index, bloc in enumerate(found):
        if bloc.country_converter is None and (bloc.source is None or bloc.as_of is None):
            raise ImportFailed(str(path), "a curated bloc needs a source and as_of", ref=f"{index}")
    return found
