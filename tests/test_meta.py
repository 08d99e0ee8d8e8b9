"""Meta-tests that keep the adapters and docs honest: every command has help, every read
command speaks JSON, every API route is documented, every setting is in the README."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from typer.testing import CliRunner

import cyberdiplomacy
from cyberdiplomacy import config, errors
from cyberdiplomacy.cli.main import app as cli_app
from cyberdiplomacy.web.app import create_app

ROOT = Path(__file__).resolve().parents[1]
# Commands (and groups of commands) that build, serve or move data rather than read the base.
NOT_READS = {"init", "serve", "import", "export", "data"}
# Commands that change accounts rather than read them.
WRITES = {("users", name) for name in ("add", "disable", "enable", "password", "token")}


def is_group(command: Any) -> bool:
    """Typer vendors its own click, so groups are recognised by what they can do."""
    return hasattr(command, "list_commands")


def commands(
    command: Any = None, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every command and group under the root, with the words that invoke it."""
    command = command or typer.main.get_command(cli_app)
    yield path, command
    if is_group(command):
        context = command.context_class(command)
        for name in command.list_commands(context):
            yield from commands(command.get_command(context, name), (*path, name))


ALL_COMMANDS = dict(commands())


@pytest.mark.parametrize("path", list(ALL_COMMANDS), ids=lambda p: " ".join(p) or "root")
def test_every_command_and_group_has_help(path: tuple[str, ...]) -> None:
    command = ALL_COMMANDS[path]
    assert (command.help or "").strip(), f"`{' '.join(path)}` has no help text"
    for parameter in command.params:
        if parameter.name not in ("install_completion", "show_completion"):
            assert getattr(parameter, "help", None), f"{path}: {parameter.name} has no help"


@pytest.mark.parametrize("path", list(ALL_COMMANDS), ids=lambda p: " ".join(p) or "root")
def test_every_command_help_exits_0(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli_app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


READ_COMMANDS = [
    path
    for path, command in ALL_COMMANDS.items()
    if path and not is_group(command) and path[0] not in NOT_READS and path not in WRITES
]


@pytest.mark.parametrize("path", READ_COMMANDS, ids=" ".join)
def test_every_read_command_accepts_json(path: tuple[str, ...]) -> None:
    options = {o for p in ALL_COMMANDS[path].params for o in getattr(p, "opts", [])}
    assert "--json" in options


def test_the_read_commands_include_the_foundation() -> None:
    assert {("states", "list"), ("states", "show"), ("actors", "show"), ("search",)} <= set(
        READ_COMMANDS
    )


# API --------------------------------------------------------------------------------------


def api_routes(routes: list[Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    """(path, method) of every API route, through routers included in routers."""
    for route in routes:
        if isinstance(route, APIRoute):
            for method in route.methods or ():
                yield prefix + route.path, method.lower()
        elif hasattr(route, "original_router"):  # FastAPI >= 0.16x keeps included routers nested
            inner = prefix + route.include_context.prefix
            yield from api_routes(route.original_router.routes, inner)


def test_every_api_route_is_in_the_openapi_document(full_base: Engine) -> None:
    app = create_app(engine=full_base)
    documented = {
        (path, method)
        for path, item in TestClient(app).get("/openapi.json").json()["paths"].items()
        for method in item
    }
    routes = {(p, m) for p, m in api_routes(app.routes) if p.startswith("/api/")}
    assert {("/api/v1/states", "get"), ("/api/v1/actors/{key}", "get")} <= routes
    assert routes - documented == set()
    assert {p for p, _ in documented} <= {p for p, _ in routes}


def test_every_api_operation_has_a_summary_and_a_tag(full_base: Engine) -> None:
    schema = TestClient(create_app(engine=full_base)).get("/openapi.json").json()
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            assert operation.get("tags"), f"{method} {path} has no tag"
            assert operation.get("description") or operation.get("summary"), (method, path)


# Settings, errors, public surface ---------------------------------------------------------


def test_every_setting_is_documented_in_the_readme() -> None:
    source = Path(config.__file__).read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    variables = set(re.findall(r"CYBERDIPLOMACY_[A-Z_]+", source))
    assert variables >= {"CYBERDIPLOMACY_DATABASE_URL"}
    for variable in variables:
        assert f"`{variable}`" in readme, variable


def test_every_error_is_drawn_in_the_exception_tree() -> None:
    tree = errors.__doc__ or ""
    for name, value in vars(errors).items():
        if isinstance(value, type) and issubclass(value, errors.CyberDiplomacyError):
            assert name in tree, name
            if value is not errors.CyberDiplomacyError:
                assert 400 <= value.status < 600 and value.title, name


def test_public_surface_is_what_all_says() -> None:
    assert set(cyberdiplomacy.__all__) == {"CyberDiplomacyError", "__version__"}
    assert all(hasattr(cyberdiplomacy, name) for name in cyberdiplomacy.__all__)
