"""Curated YAML datasets shipped in `cyberdiplomacy/data/`, validated on load with pydantic.

Every record names its source and `as_of` date; an invalid file is reported with its path and
the dotted path of the bad field, and nothing from it is imported.
"""

from __future__ import annotations

from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, HttpUrl, TypeAdapter, ValidationError

from cyberdiplomacy.errors import ImportFailed

T = TypeVar("T")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceRef(Strict):
    """A citation: who published what, when, and where (URL only where known)."""

    publisher: str
    title: str
    url: HttpUrl | None = None
    published: date | None = None


class Member(Strict):
    iso3: str = Field(pattern=r"^[A-Z]{3}$")
    since: date | None = None
    until: date | None = None


class Bloc(Strict):
    """A bloc; members come from a country_converter column or are curated with a source."""

    slug: str = Field(pattern=r"^[a-z0-9-]+$")
    name: str
    full_name: str
    country_converter: str | None = None
    source: SourceRef | None = None
    as_of: date | None = None
    members: list[Member] = []


def bundled(name: str) -> Path:
    """Path of a dataset shipped with the package."""
    return Path(str(resources.files("cyberdiplomacy") / "data" / name))


def load(path: Path, schema: type[T]) -> list[T]:
    """Read a YAML list of records and validate each against `schema`."""
    try:
        raw: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ImportFailed(str(path), f"cannot read: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        raise ImportFailed(str(path), f"not valid YAML: {exc}", line=line) from exc
    try:
        return TypeAdapter(list[schema]).validate_python(raw or [])  # type: ignore[valid-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise ImportFailed(str(path), f"{first['msg']}", ref=f"record {field}") from exc


def blocs(path: Path | None = None) -> list[Bloc]:
    """The bloc definitions, bundled unless `path` is given; curated blocs must be sourced."""
    path = path or bundled("blocs.yaml")
    found = load(path, Bloc)
    for index, bloc in enumerate(found):
        if bloc.country_converter is None and (bloc.source is None or bloc.as_of is None):
            raise ImportFailed(str(path), "a curated bloc needs a source and as_of", ref=f"{index}")
    return found
