"""`init` and `import …`: build and refresh the knowledge base."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cyberdiplomacy.cli.common import console, engine, progress
from cyberdiplomacy.knowledge.database import require_current, transaction
from cyberdiplomacy.sources import bundled

group = typer.Typer(help="Import a source into the knowledge base (idempotent, all or nothing).")

BundlePath = Annotated[
    Path,
    typer.Argument(
        help="An official ATT&CK STIX 2.1 bundle, .json or .json.gz "
        "(for example enterprise-attack-18.1.json).",
        exists=True,
        dir_okay=False,
        readable=True,
    ),
]


def _attack(path: Path) -> None:
    current = engine()
    require_current(current)
    with progress() as bars, transaction(current) as session:
        result = bundled.import_attack(session, path, bars)
    kinds = ", ".join(f"{n} {k}" for k, n in sorted(result.objects.items()))
    console.print(
        f"Imported ATT&CK {result.domain}: {kinds}, {result.relationships} relationships; "
        f"{result.linked_groups} groups linked to actors ({result.new_actors} new)."
    )


@group.command("attack")
def import_attack(path: BundlePath) -> None:
    """Import an ATT&CK bundle: techniques, software, groups, campaigns, relationships.

    Replaces what an earlier bundle of the same domain brought, and links each group to its
    threat actor (by ATT&CK id, else by name).
    """
    _attack(path)


@group.command("bundled")
def import_bundled() -> None:
    """Re-import the sources shipped with the workbench (states, blocs, actors, vocabularies)."""
    current = engine()
    require_current(current)
    with progress() as bars, transaction(current) as session:
        counts = bundled.import_bundled(session, bars)
    console.print("Imported " + ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in counts.items()))


def init(
    refresh: Annotated[
        bool, typer.Option("--refresh", help="Re-import the bundled sources even if present.")
    ] = False,
    attack: Annotated[
        Path | None,
        typer.Option(
            help="Also import this ATT&CK bundle, unless it was the last one imported.",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
) -> None:
    """Create or upgrade the knowledge base and import the bundled sources.

    The database is CYBERDIPLOMACY_DATABASE_URL, by default a SQLite file under
    $XDG_DATA_HOME/cyberdiplomacy. Running it again is quick: what is there is kept.
    """
    current = engine()
    with progress() as bars:
        counts = bundled.initialise(current, refresh=refresh, progress=bars)
    if counts is None:
        console.print("Knowledge base is up to date (use --refresh to re-import).")
    else:
        console.print(
            "Imported " + ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in counts.items())
        )
    if attack is not None:
        with transaction(current) as session:
            last = bundled.last_run(session, "attack:enterprise-attack")
        if refresh or last is None or last.origin != str(attack):
            _attack(attack)


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.add_typer(group, name="import")
