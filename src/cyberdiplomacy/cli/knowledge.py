"""`states`, `blocs`, `actors` and `search`: read the knowledge base."""

from __future__ import annotations

from typing import Annotated

import typer

from cyberdiplomacy.cli.common import (
    JsonOption,
    LimitOption,
    OffsetOption,
    console,
    emit_json,
    reading,
    table,
)
from cyberdiplomacy.knowledge import queries, records

states = typer.Typer(
    help="UN member and observer states (ISO 3166-1 alpha-3).", no_args_is_help=True
)
blocs = typer.Typer(
    help="Blocs and organisations: EU, NATO, ASEAN, AU, SCO, BRICS…", no_args_is_help=True
)
actors = typer.Typer(help="Threat actors from the MISP galaxies and ATT&CK.", no_args_is_help=True)

TextOption = Annotated[str | None, typer.Option("--name", "-n", help="Name or alias contains.")]


def _page_footer(page: records.Page[records.ActorSummary]) -> None:
    shown = len(page.items)
    if page.total > shown:
        console.print(
            f"{shown} of {page.total} shown; use --offset {page.offset + shown} for more.",
            style="dim",
        )


@states.command("list")
def list_states(
    name: TextOption = None,
    bloc: Annotated[str | None, typer.Option(help="Only members of this bloc, e.g. nato.")] = None,
    limit: LimitOption = 200,
    offset: OffsetOption = 0,
    as_json: JsonOption = False,
) -> None:
    """List states, optionally those of one bloc or whose name contains a text."""
    with reading() as session:
        page = queries.list_states(session, text=name, bloc=bloc, limit=limit, offset=offset)
    if as_json:
        emit_json(page)
        return
    table("States", ["ISO3", "Name"], [(s.iso3, s.name) for s in page.items])
    _page_footer(page)


@states.command("show")
def show_state(
    code: Annotated[str, typer.Argument(help="ISO 3166-1 alpha-3 or alpha-2 code, e.g. EST.")],
    as_json: JsonOption = False,
) -> None:
    """Show a state: UN status, blocs, treaty status, threat groups it is suspected to sponsor."""
    with reading() as session:
        profile = queries.state(session, code)
    if as_json:
        emit_json(profile)
        return
    console.print(
        f"[bold]{profile.name}[/bold] ({profile.iso3}) — UN {profile.un_status or 'non-member'}"
        + (f" since {profile.un_member_since}" if profile.un_member_since else "")
    )
    table("Blocs", ["Bloc", "Since"], [(b.name, b.since) for b in profile.blocs])
    table(
        "Instruments",
        ["Instrument", "Status", "As of"],
        [(p.name, p.status, p.as_of) for p in profile.instruments],
    )
    table(
        "Threat groups suspected to be sponsored",
        ["Group", "ATT&CK"],
        [(g.name, g.attack_id) for g in profile.sponsored_groups],
    )


@blocs.command("list")
def list_blocs(as_json: JsonOption = False) -> None:
    """List blocs with their number of member states."""
    with reading() as session:
        found = queries.list_blocs(session)
    if as_json:
        emit_json(found)
        return
    table("Blocs", ["Slug", "Name", "Members"], [(b.slug, b.full_name, b.members) for b in found])


@blocs.command("show")
def show_bloc(
    slug: Annotated[str, typer.Argument(help="Bloc slug, e.g. nato, eu, sco.")],
    as_json: JsonOption = False,
) -> None:
    """Show a bloc's member states and when they joined."""
    with reading() as session:
        profile = queries.bloc(session, slug)
    if as_json:
        emit_json(profile)
        return
    table(
        f"{profile.full_name} ({len(profile.members)} members)",
        ["ISO3", "Name", "Since"],
        [(m.iso3, m.name, profile.since.get(m.iso3 or "")) for m in profile.members],
    )


@actors.command("list")
def list_actors(
    name: TextOption = None,
    sponsor: Annotated[
        str | None, typer.Option(help="Only groups suspected to be sponsored by this state (ISO3).")
    ] = None,
    limit: LimitOption = 100,
    offset: OffsetOption = 0,
    as_json: JsonOption = False,
) -> None:
    """List threat groups, optionally by suspected sponsor or name."""
    with reading() as session:
        page = queries.list_actors(session, text=name, sponsor=sponsor, limit=limit, offset=offset)
    if as_json:
        emit_json(page)
        return
    table(
        "Threat actors",
        ["Slug", "Name", "ATT&CK", "Sponsor"],
        [(a.slug, a.name, a.attack_id, a.sponsor_iso3) for a in page.items],
    )
    _page_footer(page)


@actors.command("show")
def show_actor(
    key: Annotated[str, typer.Argument(help="Slug, ATT&CK id (G0007) or alias (Fancy Bear).")],
    as_json: JsonOption = False,
) -> None:
    """Show an actor: aliases, suspected sponsor, techniques by tactic and software."""
    with reading() as session:
        profile = queries.actor(session, key)
    if as_json:
        emit_json(profile)
        return
    sponsor = profile.sponsor.name if profile.sponsor else "none recorded"
    console.print(
        f"[bold]{profile.name}[/bold] {profile.attack_id or ''} — suspected sponsor: {sponsor}"
    )
    console.print("Aliases: " + (", ".join(profile.aliases) or "none"))
    table(
        "Techniques by tactic",
        ["Tactic", "Techniques"],
        [(t, ", ".join(x.attack_id for x in ts)) for t, ts in profile.techniques_by_tactic.items()],
    )
    table(
        "Software",
        ["ATT&CK", "Name", "Type"],
        [(s.attack_id, s.name, s.type) for s in profile.software],
    )


def search(
    text: Annotated[str, typer.Argument(help="A name, alias or ATT&CK id, e.g. 'Voodoo Bear'.")],
    limit: LimitOption = 50,
    as_json: JsonOption = False,
) -> None:
    """Find states, actors, techniques and software by name, alias or ATT&CK id."""
    with reading() as session:
        hits = queries.search(session, text, limit)
    if as_json:
        emit_json(hits)
        return
    if not hits:
        console.print(f"Nothing matches {text!r}.", markup=False)
        return
    table(
        f"Search: {text}",
        ["Kind", "Key", "Name", "Matched"],
        [(h.kind, h.key, h.name, h.matched) for h in hits],
    )


def register(app: typer.Typer) -> None:
    app.add_typer(states, name="states")
    app.add_typer(blocs, name="blocs")
    app.add_typer(actors, name="actors")
    app.command("search")(search)
