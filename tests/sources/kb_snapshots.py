"""Snapshots of a whole knowledge base, to check that an import changed nothing (or everything
it should), and the fully imported base the importer tests share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, MetaData, select

from cyberdiplomacy.knowledge.database import transaction
from cyberdiplomacy.sources import bundled

ATTACK_BUNDLE = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "data"
    / "attack"
    / "enterprise-attack-18.1-no-campaigns.json.gz"
)
LOGS = ("alembic_version", "import_run")  # grow with every run by design; checked separately

Row = tuple[tuple[str, str], ...]
Snapshot = dict[str, list[Row]]


def snapshot(engine: Engine) -> Snapshot:
    """Every row of every table (but the logs), sorted, values as `repr` strings.

    Surrogate ids are kept only for tables other rows point to (actor, source, instrument, …):
    those must not change on a re-import. Link tables an importer replaces wholesale
    (memberships, tags, participations, vocabulary terms) are compared by content.
    """
    metadata = MetaData()
    found: Snapshot = {}
    with engine.connect() as connection:
        metadata.reflect(connection)
        referenced = {
            fk.column.table.name for table in metadata.tables.values() for fk in table.foreign_keys
        }
        for table in metadata.sorted_tables:
            if table.name in LOGS:
                continue
            keep_id = table.name in referenced
            found[table.name] = sorted(
                tuple(
                    (str(column), repr(value))
                    for column, value in sorted(row.items())
                    if keep_id or column != "id"
                )
                for row in connection.execute(select(table)).mappings()
            )
    return found


def differences(before: Snapshot, after: Snapshot) -> dict[str, str]:
    """Per changed table: row counts and one example row from each side (short and readable)."""
    changed: dict[str, str] = {}
    for name in sorted(before.keys() | after.keys()):
        old, new = set(before.get(name, [])), set(after.get(name, []))
        if old != new:
            gone, came = sorted(old - new)[:1], sorted(new - old)[:1]
            changed[name] = f"{len(old)} -> {len(new)} rows; e.g. gone {gone}, new {came}"
    return changed


@dataclass(frozen=True)
class ImportedBase:
    """A base after `init`, two ATT&CK imports and a refresh of the bundled sources."""

    backend: str
    engine: Engine
    snapshots: dict[str, Snapshot]


def _attack(engine: Engine) -> None:
    with transaction(engine) as session:
        bundled.import_attack(session, ATTACK_BUNDLE)


def _bundled(engine: Engine) -> None:
    with transaction(engine) as session:
        bundled.import_bundled(session)


def build(backend: str, engine: Engine) -> ImportedBase:
    """Import everything twice, in the order an analyst would, snapshotting after each import.

    `init`, `import attack`, `import attack` again, then `import bundled`: the last step
    checks at once that the bundled import is idempotent and that it keeps what ATT&CK added.
    """
    bundled.initialise(engine)
    steps: list[tuple[str, Callable[[Engine], object]]] = [
        ("attack", _attack),
        ("attack again", _attack),
        ("bundled again", _bundled),
    ]
    snapshots: dict[str, Snapshot] = {}
    for name, step in steps:
        step(engine)
        snapshots[name] = snapshot(engine)
    return ImportedBase(backend, engine, snapshots)
