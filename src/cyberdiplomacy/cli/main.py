"""Entry point of the `cyberdiplomacy` command."""

from __future__ import annotations

from typing import Any

import typer
from rich.markup import escape
from sqlalchemy.exc import OperationalError
from typer.core import TyperGroup

from cyberdiplomacy import __version__
from cyberdiplomacy.cli import (
    attribution,
    briefing,
    consensus,
    hotline,
    imports,
    incidents,
    knowledge,
    serve,
    users,
)
from cyberdiplomacy.cli.common import errors
from cyberdiplomacy.errors import CyberDiplomacyError


class Workbench(TyperGroup):
    """Turns the workbench's own errors into one-line messages instead of tracebacks."""

    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except CyberDiplomacyError as exc:
            message = exc.message()
        except OperationalError as exc:
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            message = f"Cannot use the knowledge base: {reason}"
        # Escaped: a user's text in the message is not Rich markup; soft_wrap: one line, always.
        errors.print(f"[red]Error:[/red] {escape(message)}", highlight=False, soft_wrap=True)
        raise typer.Exit(1)


app = typer.Typer(
    cls=Workbench,
    help="Cyber Diplomacy Workbench: from a cyber incident to a coordinated diplomatic "
    "response.\n\nStart with `cyberdiplomacy init`, then `cyberdiplomacy serve` and open the "
    "printed URL.",
    no_args_is_help=True,
    rich_markup_mode="markdown",
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cyberdiplomacy {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Cyber Diplomacy Workbench."""


imports.register(app)
knowledge.register(app)
incidents.register(app)
attribution.register(app)
briefing.register(app)
serve.register(app)
hotline.register(app)
consensus.register(app)
users.register(app)
