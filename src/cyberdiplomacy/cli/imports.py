"""`init` and `import …`: build and refresh the knowledge base."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from cyberdiplomacy.accounts import service
from cyberdiplomacy.cli import users
from cyberdiplomacy.cli.common import console, engine, errors, progress, reading
from cyberdiplomacy.knowledge.access import SYSTEM, Role
from cyberdiplomacy.knowledge.database import require_current, transaction
from cyberdiplomacy.sources import bundled, stix, unga

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
UngaFolder = Annotated[
    Path,
    typer.Argument(
        help="A folder with votes.csv and roll_calls.csv (Voeten/unvotes layout, .gz too) "
        "and/or UN Digital Library voting CSV files.",
        exists=True,
        file_okay=False,
    ),
]


def _attack(path: Path) -> None:
    current = engine()
    require_current(current)
    with progress() as bars, transaction(current, SYSTEM) as session:
        result = bundled.import_attack(session, path, bars)
    kinds = ", ".join(f"{n} {k}" for k, n in sorted(result.objects.items()))
    console.print(
        f"Imported ATT&CK {result.domain}: {kinds}, {result.relationships} relationships; "
        f"{result.linked_groups} groups linked to actors ({result.new_actors} new)."
    )


def _unga(folder: Path) -> None:
    current = engine()
    require_current(current)
    with progress() as bars, transaction(current, SYSTEM) as session:
        result = unga.import_votes(session, folder, bars)
        bundled.record(session, "unga", str(folder), result.counts())
    console.print(
        f"Imported {result.roll_calls} roll calls and {result.votes} votes of {result.members} "
        f"members ({result.historical_members} historical); {result.skipped_roll_calls} roll "
        "calls already recorded from the other layout were skipped."
    )


@group.command("unga")
def import_unga(folder: UngaFolder) -> None:
    """Import UN General Assembly roll calls and votes (idempotent, all or nothing).

    Members are matched to the knowledge base's states by ISO code; historical members (USSR,
    Yugoslavia, Czechoslovakia, GDR, South Yemen) are kept as themselves.
    """
    _unga(folder)


@group.command("attack")
def import_attack(path: BundlePath) -> None:
    """Import an ATT&CK bundle: techniques, software, groups, campaigns, relationships.

    Replaces what an earlier bundle of the same domain brought, and links each group to its
    threat actor (by ATT&CK id, else by name).
    """
    _attack(path)


@group.command("stix")
def import_stix(
    path: Annotated[
        Path,
        typer.Argument(
            help="A STIX 2.1 bundle written by `cyberdiplomacy export stix`.",
            exists=True,
            dir_okay=False,
        ),
    ],
) -> None:
    """Import incidents, attribution claims, actors and responses from a STIX 2.1 bundle.

    Incidents are matched by their workbench slug; the bundle's claims and responses replace
    those recorded for the same incidents.
    """
    current = engine()
    require_current(current)
    with transaction(current, SYSTEM) as session:
        counts = stix.import_bundle(session, path)
        bundled.record(session, "stix", str(path), counts)
    console.print("Imported " + ", ".join(f"{n} {k}" for k, n in counts.items()) + ".")


def export_stix(
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Write the bundle here instead of standard output."),
    ] = None,
) -> None:
    """Export incidents, claims, responses and the actors involved as a STIX 2.1 bundle.

    Objects carry TLP 2.0 markings and their sources; claims are `attributed-to`
    relationships created by the attributor, with a confidence from the stated likelihood.
    """
    with reading() as session:
        bundle = stix.export_bundle(session)
    text = json.dumps(bundle, indent=2, ensure_ascii=False)
    if out is None:
        typer.echo(text)
        return
    partial = out.with_name(out.name + ".partial")
    partial.write_text(text + "\n", encoding="utf-8")
    partial.replace(out)  # never leave a half-written bundle behind
    errors.print(f"Wrote {len(bundle['objects'])} STIX objects to {out}")


@group.command("bundled")
def import_bundled() -> None:
    """Re-import the sources shipped with the workbench (states, blocs, actors, vocabularies)."""
    current = engine()
    require_current(current)
    with progress() as bars, transaction(current, SYSTEM) as session:
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
    unga_folder: Annotated[
        Path | None,
        typer.Option(
            "--unga",
            help="Also import the UNGA votes in this folder, unless they were the last imported.",
            exists=True,
            file_okay=False,
        ),
    ] = None,
    admin: Annotated[
        str | None,
        typer.Option(
            help="Create the first administrator with this user name (password prompted, or "
            "read from CYBERDIPLOMACY_PASSWORD).",
        ),
    ] = None,
    organisation: Annotated[
        str, typer.Option("--org", help="The administrator's organisation (with --admin).")
    ] = "workbench",
) -> None:
    """Create or upgrade the knowledge base and import the bundled sources.

    The database is CYBERDIPLOMACY_DATABASE_URL, by default a SQLite file under
    $XDG_DATA_HOME/cyberdiplomacy. Running it again is quick: what is there is kept.
    """
    password = users.ask_password(admin) if admin else None
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
        with transaction(current, SYSTEM) as session:
            last = bundled.last_run(session, "attack:enterprise-attack")
        if refresh or last is None or last.origin != str(attack):
            _attack(attack)
    if unga_folder is not None:
        with transaction(current, SYSTEM) as session:
            last = bundled.last_run(session, "unga")
        if refresh or last is None or last.origin != str(unga_folder):
            _unga(unga_folder)
    if admin is not None:
        with transaction(current, SYSTEM) as session:
            service.add_user(
                session, admin, organisation_slug=organisation, role=Role.ADMIN, password=password
            )
        console.print(f"Added administrator {admin} of {organisation}.", markup=False)


exports = typer.Typer(help="Export the knowledge base for partners' tools.", no_args_is_help=True)
exports.command("stix")(export_stix)


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.add_typer(group, name="import")
    app.add_typer(exports, name="export")
