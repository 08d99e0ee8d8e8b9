"""`incidents`, `claims`, `responses`, `instruments` and `data`: the curated knowledge."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cyberdiplomacy.cli.common import (
    JsonOption,
    LimitOption,
    OffsetOption,
    console,
    emit_json,
    errors,
    reading,
    table,
)
from cyberdiplomacy.knowledge import incidents as incident_queries
from cyberdiplomacy.knowledge import instruments as instrument_queries
from cyberdiplomacy.sources import bundled

incidents = typer.Typer(
    help="Significant state-linked cyber incidents, 2007 onwards.", no_args_is_help=True
)
claims = typer.Typer(
    help="Public attribution claims by governments, alliances and companies.", no_args_is_help=True
)
responses = typer.Typer(
    help="Sanctions, indictments, expulsions and statements.", no_args_is_help=True
)
instruments = typer.Typer(
    help="Treaties, UN reports and resolutions, declarations, and their norms.",
    no_args_is_help=True,
)
data = typer.Typer(
    help="Curated datasets: check them before you import or share them.", no_args_is_help=True
)


@incidents.command("list")
def list_incidents(
    name: Annotated[
        str | None, typer.Option("--name", "-n", help="Name or alias contains, e.g. Petya.")
    ] = None,
    state: Annotated[
        str | None, typer.Option(help="Only incidents this state (ISO3) suffered.")
    ] = None,
    actor: Annotated[
        str | None, typer.Option(help="Only incidents linked or attributed to this actor.")
    ] = None,
    year: Annotated[int | None, typer.Option(help="Only incidents that started this year.")] = None,
    type: Annotated[
        str | None, typer.Option(help="Incident type, e.g. sabotage, espionage.")
    ] = None,
    sector: Annotated[str | None, typer.Option(help="DHS CIIP sector, e.g. energy.")] = None,
    limit: LimitOption = 100,
    offset: OffsetOption = 0,
    as_json: JsonOption = False,
) -> None:
    """List incidents, newest first."""
    with reading() as session:
        page = incident_queries.list_incidents(
            session,
            text=name,
            state=state,
            actor=actor,
            year=year,
            type=type,
            sector=sector,
            limit=limit,
            offset=offset,
        )
    if as_json:
        emit_json(page)
        return
    table(
        f"Incidents ({page.total})",
        ["Started", "Slug", "Name", "Type", "Victims"],
        [(i.started, i.slug, i.name, i.type, ", ".join(i.victims[:6])) for i in page.items],
    )


@incidents.command("show")
def show_incident(
    key: Annotated[str, typer.Argument(help="Slug, name or alias, e.g. notpetya or Petya.")],
    as_json: JsonOption = False,
) -> None:
    """Show an incident: facts, claims, responses, timeline and sources."""
    with reading() as session:
        found = incident_queries.incident(session, key)
    if as_json:
        emit_json(found)
        return
    console.print(
        f"[bold]{found.name}[/bold] ({found.type}, from {found.started}) TLP:{found.tlp.upper()}"
    )
    console.print(found.summary)
    console.print("Victims: " + ", ".join(v.name for v in found.victim_states))
    if found.threat_actors:
        console.print("Threat actors: " + ", ".join(a.name for a in found.threat_actors))
    table("Timeline", ["Date", "Who", "What"], [(e.date, e.who, e.what) for e in found.timeline])
    table(
        "Sources",
        ["Publisher", "Title", "Published"],
        [(s.publisher, s.title, s.published) for s in found.sources],
    )


@claims.command("list")
def list_claims(
    incident: Annotated[str | None, typer.Option(help="Only claims about this incident.")] = None,
    attributor: Annotated[
        str | None, typer.Option(help="Only claims by this state (ISO3) or body.")
    ] = None,
    accused: Annotated[
        str | None, typer.Option(help="Only claims naming this actor or state.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """List public attribution claims by date."""
    with reading() as session:
        found = incident_queries.list_claims(
            session, incident=incident, attributor=attributor, accused=accused
        )
    if as_json:
        emit_json(found)
        return
    table(
        f"Attribution claims ({len(found)})",
        ["Date", "Incident", "Attributor", "Names", "Form", "Likelihood"],
        [
            (
                c.date,
                c.incident,
                c.attributor.name,
                " / ".join(x.name for x in (c.actor, c.state) if x),
                c.form,
                c.likelihood,
            )
            for c in found
        ],
    )


@responses.command("list")
def list_responses(
    incident: Annotated[str | None, typer.Option(help="Only responses to this incident.")] = None,
    responder: Annotated[
        str | None, typer.Option(help="Only responses by this state or body.")
    ] = None,
    type: Annotated[
        str | None, typer.Option(help="Response type, e.g. sanctions, indictment.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """List responses by date."""
    with reading() as session:
        found = incident_queries.list_responses(
            session, incident=incident, responder=responder, type=type
        )
    if as_json:
        emit_json(found)
        return
    table(
        f"Responses ({len(found)})",
        ["Date", "Responder", "Type", "Incident", "Summary"],
        [(r.date, r.responder.name, r.type, r.incident or "", r.summary[:80]) for r in found],
    )


@instruments.command("list")
def list_instruments(as_json: JsonOption = False) -> None:
    """List instruments with their number of norms and participants."""
    with reading() as session:
        found = instrument_queries.list_instruments(session)
    if as_json:
        emit_json(found)
        return
    table(
        "Instruments",
        ["Slug", "Adopted", "Symbol", "Norms", "Participants"],
        [(i.slug, i.adopted, i.symbol, i.norms, i.participants) for i in found],
    )


@instruments.command("show")
def show_instrument(
    slug: Annotated[
        str, typer.Argument(help="Instrument slug, e.g. gge-2015 or budapest-convention.")
    ],
    as_json: JsonOption = False,
) -> None:
    """Show an instrument, its norms and its participants."""
    with reading() as session:
        found = instrument_queries.instrument(session, slug)
    if as_json:
        emit_json(found)
        return
    console.print(f"[bold]{found.name}[/bold] {found.symbol or ''} — {found.body}, {found.adopted}")
    if found.norms:
        table("Norms", ["Code", "Title"], [(n.code, n.title) for n in found.norms])
    table(
        "Participants",
        ["State", "Status", "Date", "As of"],
        [(p.actor.name, p.status, p.date, p.as_of) for p in found.participants],
    )


@data.command("validate")
def validate(
    files: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Your own versions of curated files (named like the bundled ones, e.g. "
            "incidents.yaml); without any, the bundled files are checked.",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
) -> None:
    """Check curated YAML: every field against its schema, every reference against the base."""
    with reading() as session:
        problems = bundled.validate(session, files or [])
    for problem in problems:
        errors.print(str(problem), highlight=False, markup=False, soft_wrap=True)
    if problems:
        errors.print(f"[red]{len(problems)} problem(s) found.[/red]")
        raise typer.Exit(1)
    console.print("All curated data is valid: every record sourced, dated and resolvable.")


def register(app: typer.Typer) -> None:
    app.add_typer(incidents, name="incidents")
    app.add_typer(claims, name="claims")
    app.add_typer(responses, name="responses")
    app.add_typer(instruments, name="instruments")
    app.add_typer(data, name="data")
