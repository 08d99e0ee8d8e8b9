"""Build the knowledge base from the sources bundled with the workbench, and record each import."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from cyberdiplomacy.errors import ImportFailed
from cyberdiplomacy.knowledge.access import SYSTEM
from cyberdiplomacy.knowledge.database import transaction, upgrade
from cyberdiplomacy.knowledge.models import ImportRun
from cyberdiplomacy.progress import Progress, Silent
from cyberdiplomacy.sources import (
    attack,
    countries,
    curated,
    incidents,
    instruments,
    misp,
    positions,
    schemas,
    vocabularies,
)

BUNDLED = "bundled"


def record(session: Session, importer: str, origin: str, counts: dict[str, Any]) -> ImportRun:
    """Note a finished import in the same transaction as its data."""
    run = ImportRun(importer=importer, origin=origin, finished=datetime.now(UTC), counts=counts)
    session.add(run)
    return run


def last_run(session: Session, importer: str) -> ImportRun | None:
    """The most recent import by `importer`, if any."""
    return session.scalars(
        select(ImportRun).where(ImportRun.importer == importer).order_by(ImportRun.id.desc())
    ).first()


@dataclass(frozen=True)
class Dataset:
    """A curated YAML file shipped in `cyberdiplomacy/data/`, its schema and its importer."""

    file: str
    schema: type[BaseModel]
    load: Callable[[Session, Path | None], int]


DATASETS = (
    Dataset("blocs.yaml", schemas.Bloc, lambda s, p: countries.import_blocs(s, p)),
    Dataset("organisations.yaml", schemas.Organisation, instruments.import_organisations),
    Dataset("instruments.yaml", schemas.Instrument, instruments.import_instruments),
    Dataset("incidents.yaml", schemas.Incident, incidents.import_incidents),
    Dataset("claims.yaml", schemas.Claim, incidents.import_claims),
    Dataset("responses.yaml", schemas.Response, incidents.import_responses),
    Dataset("positions.yaml", schemas.Position, positions.import_positions),
)


def import_bundled(session: Session, progress: Progress | None = None) -> dict[str, int]:
    """Everything shipped with the workbench, in dependency order; returns counts per step."""
    progress = progress or Silent()
    counts = {
        "states": countries.import_states(session, progress),
        "vocabulary_terms": vocabularies.import_vocabularies(session, progress),
        "threat_actors": misp.import_threat_actors(session, progress),
        "budapest_participations": misp.import_budapest_status(session, progress),
    }
    progress.start("Curated knowledge", len(DATASETS))
    for dataset in DATASETS:
        counts[dataset.file.removesuffix(".yaml")] = dataset.load(session, None)
        progress.advance()
    record(session, BUNDLED, "cyberdiplomacy package data", counts)
    return counts


def validate(session: Session, paths: list[Path]) -> list[curated.Problem]:
    """Check curated files (the bundled ones, with `paths` standing in for their namesakes).

    Every record is checked against its schema; then all files are imported into a savepoint
    that is rolled back, so references to states, actors and incidents are checked too.
    """
    by_file = {d.file: d for d in DATASETS}
    overrides: dict[str, Path] = {}
    problems: list[curated.Problem] = []
    for path in paths:
        if path.name not in by_file:
            names = ", ".join(by_file)
            problems.append(curated.Problem(str(path), None, "file", f"name it one of {names}"))
            continue
        overrides[path.name] = path
    for dataset in DATASETS:
        path = overrides.get(dataset.file, curated.bundled(dataset.file))
        problems += curated.check(path, dataset.schema)[1]
    if problems:
        return problems
    savepoint = session.begin_nested()
    try:
        for dataset in DATASETS:
            dataset.load(session, overrides.get(dataset.file))
    except ImportFailed as exc:
        problems.append(curated.Problem(exc.source, exc.line, exc.ref or "record", exc.reason))
    finally:
        savepoint.rollback()
    return problems


def import_attack(
    session: Session, path: Path, progress: Progress | None = None
) -> attack.AttackImport:
    """Import an ATT&CK bundle and record it."""
    result = attack.import_bundle(session, path, progress)
    counts = {
        **result.objects,
        "relationships": result.relationships,
        "linked_groups": result.linked_groups,
    }
    record(session, f"attack:{result.domain}", str(path), counts)
    return result


def initialise(
    engine: Engine, *, refresh: bool = False, progress: Progress | None = None
) -> dict[str, int] | None:
    """Migrate the schema and import the bundled sources unless already done (or `refresh`)."""
    upgrade(engine)
    with transaction(engine, SYSTEM) as session:
        if last_run(session, BUNDLED) is not None and not refresh:
            return None
        return import_bundled(session, progress or Silent())
