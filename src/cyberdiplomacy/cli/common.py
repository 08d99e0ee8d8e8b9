"""What every command shares: the database, Rich output, progress bars and JSON rendering."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Annotated, Any

import typer
from pydantic import BaseModel, TypeAdapter
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.progress import Progress as RichBar
from rich.table import Table
from rich.text import Text
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from cyberdiplomacy.accounts import service as accounts
from cyberdiplomacy.config import Settings
from cyberdiplomacy.errors import NotSignedIn
from cyberdiplomacy.knowledge.access import ANONYMOUS, SYSTEM, Viewer
from cyberdiplomacy.knowledge.database import make_engine, require_current, transaction

console = Console()
errors = Console(stderr=True)

JsonOption = Annotated[
    bool, typer.Option("--json", help="Print JSON for scripts instead of a table.")
]
LimitOption = Annotated[int, typer.Option(min=1, max=500, help="How many records to show.")]
OffsetOption = Annotated[int, typer.Option(min=0, help="How many records to skip.")]


def engine() -> Engine:
    """The configured knowledge base (CYBERDIPLOMACY_DATABASE_URL)."""
    return make_engine(Settings.load().database_url)


def command_viewer(current: Engine) -> Viewer:
    """Who the command line reads as: CYBERDIPLOMACY_USER's account, else an anonymous visitor."""
    username = Settings.load().user
    if username is None:
        return ANONYMOUS
    with transaction(current, SYSTEM) as session:
        account = accounts.find(session, username)
        if account.disabled:
            raise NotSignedIn(f"The account {username!r} (CYBERDIPLOMACY_USER) is disabled.")
        return accounts.viewer(account)


@contextmanager
def reading() -> Iterator[Session]:
    """A session on an initialised knowledge base, bound to the command's viewer."""
    current = engine()
    require_current(current)
    with transaction(current, command_viewer(current)) as session:
        yield session


class Bars:
    """A `Progress` hook drawing one Rich bar per task on stderr."""

    def __init__(self, bar: RichBar) -> None:
        self._bar = bar
        self._task: TaskID | None = None

    def start(self, description: str, total: int) -> None:
        if self._task is not None:
            self._bar.update(self._task, completed=self._bar.tasks[-1].total)
        self._task = self._bar.add_task(description, total=total)

    def advance(self, amount: int = 1) -> None:
        if self._task is not None:
            self._bar.advance(self._task, amount)


@contextmanager
def progress() -> Iterator[Bars]:
    """Progress bars for long imports, on stderr so JSON on stdout stays clean."""
    bar = RichBar(
        TextColumn("{task.description:<22}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=errors,
        transient=False,
    )
    with bar:
        yield Bars(bar)


def emit_json(value: Any) -> None:
    """Print a record, a list of records or plain data as JSON."""
    if isinstance(value, BaseModel):
        typer.echo(value.model_dump_json(indent=2))
    else:
        typer.echo(json.dumps(TypeAdapter(Any).dump_python(value, mode="json"), indent=2))


def table(title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Print rows as a Rich table; titles and cells are plain text, never Rich markup."""
    out = Table(title=Text(title), title_justify="left")
    for column in columns:
        out.add_column(column)
    for row in rows:
        out.add_row(*(Text("" if v is None else str(v)) for v in row))
    console.print(out)
