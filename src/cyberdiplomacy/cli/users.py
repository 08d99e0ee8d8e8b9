"""`users …`: the accounts of the people who use the workbench, and their API tokens."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from sqlalchemy.orm import Session

from cyberdiplomacy.accounts import service
from cyberdiplomacy.cli.common import JsonOption, console, emit_json, engine, errors, table
from cyberdiplomacy.config import Settings
from cyberdiplomacy.errors import InvalidQuery
from cyberdiplomacy.knowledge.access import SYSTEM, Role
from cyberdiplomacy.knowledge.database import require_current, transaction

group = typer.Typer(
    help="Accounts: add people with a role (viewer, analyst, curator, admin) in an "
    "organisation, disable them, and issue personal API tokens for scripts.\n\n"
    "Whoever runs these commands holds the database's credentials, so they act as its "
    "administrator.",
    no_args_is_help=True,
)

Username = Annotated[str, typer.Argument(help="The account's user name, e.g. 'a.tamm'.")]


def ask_password(username: str) -> str:
    """The new account's password: CYBERDIPLOMACY_PASSWORD for automation, else a prompt."""
    password = Settings.load().password
    if password:
        return password
    if not os.isatty(0):
        raise InvalidQuery(
            "password", "no terminal to ask on: set CYBERDIPLOMACY_PASSWORD or use --no-password"
        )
    entered: str = typer.prompt(
        f"Password for {username}", hide_input=True, confirmation_prompt=True
    )
    return entered


@contextmanager
def _writing() -> Iterator[Session]:
    """A transaction on the accounts, as the database's administrator."""
    current = engine()
    require_current(current)
    with transaction(current, SYSTEM) as session:
        yield session


@group.command("add")
def add(
    username: Username,
    organisation: Annotated[
        str, typer.Option("--org", help="The organisation's short name, e.g. 'mfa-cyber'.")
    ],
    role: Annotated[Role, typer.Option(help="What the account may do.")] = Role.ANALYST,
    poc: Annotated[
        bool, typer.Option("--poc", help="A hotline point of contact: may use the Hotline.")
    ] = False,
    no_password: Annotated[
        bool,
        typer.Option("--no-password", help="No password: the account signs in with tokens only."),
    ] = False,
) -> None:
    """Add an account; the password is prompted for (or read from CYBERDIPLOMACY_PASSWORD)."""
    password = None if no_password else ask_password(username)
    with _writing() as session:
        service.add_user(
            session,
            username,
            organisation_slug=organisation,
            role=role,
            password=password,
            poc=poc,
        )
    console.print(f"Added {role.value} {username} of {organisation}.", markup=False)


@group.command("list")
def list_users(as_json: JsonOption = False) -> None:
    """List the accounts with their organisation, role and number of live tokens."""
    with _writing() as session:
        found = service.list_users(session)
    if as_json:
        emit_json(found)
        return
    table(
        "Accounts",
        ["user", "organisation", "role", "POC", "status", "tokens", "created"],
        [
            (
                a.username,
                a.organisation,
                a.role.value,
                "yes" if a.poc else "",
                "disabled" if a.disabled else "active",
                a.tokens,
                a.created.date(),
            )
            for a in found
        ],
    )


@group.command("disable")
def disable(username: Username) -> None:
    """Disable an account: its sessions end and its tokens stop working at once."""
    with _writing() as session:
        service.set_disabled(session, username, True)
    console.print(f"Disabled {username}.", markup=False)


@group.command("enable")
def enable(username: Username) -> None:
    """Enable a disabled account again."""
    with _writing() as session:
        service.set_disabled(session, username, False)
    console.print(f"Enabled {username}.", markup=False)


@group.command("password")
def password(username: Username) -> None:
    """Set a new password (prompted, or read from CYBERDIPLOMACY_PASSWORD)."""
    new = ask_password(username)
    with _writing() as session:
        service.set_password(session, username, new)
    console.print(f"Password of {username} changed.", markup=False)


@group.command("token")
def token(
    username: Username,
    name: Annotated[str, typer.Option(help="What the token is for, e.g. 'nightly export'.")] = (
        "script"
    ),
    revoke: Annotated[
        str | None,
        typer.Option(help="Revoke the token with this prefix (see --list) instead."),
    ] = None,
    list_them: Annotated[bool, typer.Option("--list", help="List the account's tokens.")] = False,
) -> None:
    """Issue a personal API token (printed once: store it now), list or revoke tokens.

    Scripts send it as `Authorization: Bearer cdw_…`; only its digest is kept.
    """
    with _writing() as session:
        if list_them:
            tokens = service.list_tokens(session, username)
        elif revoke:
            count = service.revoke_token(session, username, revoke)
        else:
            issued = service.issue_token(session, username, name)
    if list_them:
        table(
            f"Tokens of {username}",
            ["prefix", "name", "created", "last used", "status"],
            [
                (t.prefix, t.name, t.created, t.last_used, "revoked" if t.revoked else "live")
                for t in tokens
            ],
        )
    elif revoke:
        console.print(f"Revoked {count} token(s) of {username}.", markup=False)
    else:
        typer.echo(issued)
        errors.print("Store this token now: it is not shown again.", markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(group, name="users")
