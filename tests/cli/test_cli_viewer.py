"""The command line reads as CYBERDIPLOMACY_USER's account, and as an anonymous visitor without."""

from __future__ import annotations

import json

from marked import SEES, seed, slug
from sqlalchemy import Engine
from typer.testing import CliRunner, Result

from cyberdiplomacy.accounts import service
from cyberdiplomacy.cli.main import app
from cyberdiplomacy.knowledge.database import transaction


def run(engine: Engine, user: str | None, *args: str) -> Result:
    env = {"CYBERDIPLOMACY_DATABASE_URL": engine.url.render_as_string(hide_password=False)}
    env["CYBERDIPLOMACY_USER"] = user or ""
    return CliRunner().invoke(app, list(args), env=env)


def listed(engine: Engine, user: str | None) -> set[str]:
    result = run(engine, user, "incidents", "list", "--json")
    assert result.exit_code == 0, result.output
    return {i["slug"] for i in json.loads(result.stdout)["items"]}


def test_each_account_lists_what_its_markings_allow(sqlite_engine: Engine) -> None:
    seed(sqlite_engine)
    for who, markings in SEES.items():
        user = None if who == "anonymous" else who
        assert listed(sqlite_engine, user) == {slug(m) for m in markings}, who


def test_an_unknown_or_disabled_account_is_a_clear_error(sqlite_engine: Engine) -> None:
    seed(sqlite_engine)
    unknown = run(sqlite_engine, "mallory", "incidents", "list")
    assert unknown.exit_code == 1 and "mallory" in unknown.stderr
    with transaction(sqlite_engine) as session:
        service.set_disabled(session, "bob")
    disabled = run(sqlite_engine, "bob", "incidents", "show", slug("amber"))
    assert disabled.exit_code == 1 and "disabled" in disabled.stderr
    assert "Traceback" not in disabled.output
