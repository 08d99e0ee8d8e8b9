"""The `cyberdiplomacy` command, run in-process with Typer's CliRunner on SQLite files.

One base is built through the CLI itself (`init`, then `import attack`) and shared by the read
tests of this module; error tests use bases of their own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from cyberdiplomacy import __version__
from cyberdiplomacy.cli.main import app

ATTACK_BUNDLE = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "data"
    / "attack"
    / "enterprise-attack-18.1-no-campaigns.json.gz"
)


def run(url: str, *args: str | Path) -> Result:
    """Run the command with CYBERDIPLOMACY_DATABASE_URL set for this invocation only."""
    return CliRunner().invoke(app, [str(a) for a in args], env={"CYBERDIPLOMACY_DATABASE_URL": url})


def json_of(result: Result) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def assert_one_line_error(result: Result, *fragments: str, after_progress: bool = False) -> None:
    """Exit status 1, nothing on stdout, one line on stderr starting 'Error: ', no traceback.

    Imports draw progress bars on stderr first (`after_progress`); the error is the last line.
    """
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert "Traceback" not in result.output
    stderr = str(result.stderr)
    error = stderr.rstrip("\n").rsplit("\n", 1)[-1] + "\n" if after_progress else stderr
    assert error.startswith("Error: ") and error.count("\n") == 1, f"not one line: {stderr!r}"
    for fragment in fragments:
        assert fragment in error


@dataclass(frozen=True)
class CliBase:
    """The shared base's URL and the results of the two commands that built it."""

    url: str
    init: Result
    attack: Result


@pytest.fixture(scope="module")
def cli_base(tmp_path_factory: pytest.TempPathFactory) -> CliBase:
    """A base built with `cyberdiplomacy init` and `cyberdiplomacy import attack`."""
    if not ATTACK_BUNDLE.exists():
        pytest.skip(f"shared ATT&CK bundle not found at {ATTACK_BUNDLE}")
    url = f"sqlite:///{tmp_path_factory.mktemp('cli') / 'workbench.db'}"
    init = run(url, "init")
    assert init.exit_code == 0, init.output
    attack = run(url, "import", "attack", ATTACK_BUNDLE)
    assert attack.exit_code == 0, attack.output
    return CliBase(url, init, attack)


@pytest.fixture
def fresh_url(tmp_path: Path) -> str:
    """A SQLite file nobody has initialised."""
    return f"sqlite:///{tmp_path / 'not-yet' / 'workbench.db'}"


# Building the base ------------------------------------------------------------------------


def test_init_imports_the_bundled_sources_and_says_what(cli_base: CliBase) -> None:
    assert "195 states" in cli_base.init.stdout
    assert "Traceback" not in cli_base.init.output


def test_import_attack_reports_what_it_imported(cli_base: CliBase) -> None:
    summary = " ".join(cli_base.attack.stdout.split())
    assert "835 attack-pattern" in summary
    assert "187 intrusion-set" in summary


def test_init_again_keeps_the_base(cli_base: CliBase) -> None:
    again = run(cli_base.url, "init")
    assert again.exit_code == 0, again.output
    assert "up to date" in again.stdout
    assert json_of(run(cli_base.url, "states", "list", "--json"))["total"] == 195


# Reading, as JSON and as tables -----------------------------------------------------------


def test_states_list_json_is_a_page_of_all_states(cli_base: CliBase) -> None:
    page = json_of(run(cli_base.url, "states", "list", "--json"))
    assert page["total"] == 195 and len(page["items"]) == 195
    assert {"iso3": "EST", "name": "Estonia"}.items() <= next(
        s for s in page["items"] if s["iso3"] == "EST"
    ).items()


def test_states_list_filters_and_pages(cli_base: CliBase) -> None:
    nato = json_of(run(cli_base.url, "states", "list", "--bloc", "nato", "--json"))
    page = json_of(run(cli_base.url, "states", "list", "--limit", "5", "--offset", "190", "--json"))
    assert nato["total"] == 32
    assert (page["total"], len(page["items"]), page["offset"]) == (195, 5, 190)


def test_states_show_est_json(cli_base: CliBase) -> None:
    estonia = json_of(run(cli_base.url, "states", "show", "EST", "--json"))
    blocs = {b["bloc"]: b for b in estonia["blocs"]}
    assert estonia["iso3"] == "EST"
    assert blocs["nato"]["since"] == "2004-03-29"


def test_actors_show_fancy_bear_json(cli_base: CliBase) -> None:
    actor = json_of(run(cli_base.url, "actors", "show", "Fancy Bear", "--json"))
    assert (actor["name"], actor["attack_id"]) == ("APT28", "G0007")
    assert actor["sponsor"]["iso3"] == "RUS"
    assert "Sofacy" in actor["aliases"]
    assert actor["techniques_by_tactic"] and actor["software"]


def test_actors_list_by_sponsor_json(cli_base: CliBase) -> None:
    page = json_of(run(cli_base.url, "actors", "list", "--sponsor", "RUS", "--json"))
    assert "apt28" in {a["slug"] for a in page["items"]}


def test_search_voodoo_bear_json(cli_base: CliBase) -> None:
    hits = json_of(run(cli_base.url, "search", "Voodoo Bear", "--json"))
    assert (hits[0]["key"], hits[0]["name"]) == ("sandworm-team", "Sandworm Team")


def test_blocs_list_and_show_json(cli_base: CliBase) -> None:
    blocs = {b["slug"]: b for b in json_of(run(cli_base.url, "blocs", "list", "--json"))}
    nato = json_of(run(cli_base.url, "blocs", "show", "nato", "--json"))
    assert blocs["nato"]["members"] == 32
    assert nato["since"]["SWE"] == "2024-03-07"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["states", "show", "EST"], ["Estonia", "NATO"]),
        (["states", "list", "--bloc", "five-eyes"], ["NZL", "New Zealand"]),
        (["actors", "show", "G0007"], ["APT28", "Russia"]),
        (["blocs", "show", "nato"], ["FIN", "2023-04-04"]),
        (["search", "Voodoo Bear"], ["sandworm-team"]),
    ],
)
def test_read_commands_print_tables_without_json(
    cli_base: CliBase, args: list[str], expected: list[str]
) -> None:
    result = run(cli_base.url, *args)
    assert result.exit_code == 0, result.output
    for text in expected:
        assert text in result.stdout


# Errors -----------------------------------------------------------------------------------


def test_unknown_actor_is_a_one_line_error(cli_base: CliBase) -> None:
    result = run(cli_base.url, "actors", "show", "Nobody In Particular", "--json")
    assert_one_line_error(result, "No actor 'Nobody In Particular'")


def test_unknown_state_is_a_one_line_error(cli_base: CliBase) -> None:
    assert_one_line_error(run(cli_base.url, "states", "show", "XYZ"), "No state 'XYZ'")


def test_user_text_in_errors_is_printed_verbatim_not_as_markup(cli_base: CliBase) -> None:
    result = run(cli_base.url, "actors", "show", "[/x] [bold]y")
    assert_one_line_error(result, "No actor '[/x] [bold]y'")


def test_user_text_in_tables_is_printed_verbatim_not_as_markup(cli_base: CliBase) -> None:
    result = run(cli_base.url, "search", "qq[/zz]")
    assert result.exit_code == 0, result.output
    assert "Nothing matches 'qq[/zz]'" in result.stdout


def test_long_errors_stay_on_one_line(cli_base: CliBase) -> None:
    result = run(cli_base.url, "actors", "show", "a very long name " * 8)
    assert_one_line_error(result, "No actor")


def test_invalid_search_is_a_one_line_error(cli_base: CliBase) -> None:
    assert_one_line_error(run(cli_base.url, "search", "?"), "Invalid search text")


@pytest.mark.parametrize(
    "args",
    [
        ["states", "list"],
        ["states", "show", "EST", "--json"],
        ["actors", "show", "Fancy Bear"],
        ["blocs", "list"],
        ["search", "Voodoo Bear"],
        ["import", "attack", str(Path(__file__))],
    ],
)
def test_reading_before_init_says_to_run_init(fresh_url: str, args: list[str]) -> None:
    assert_one_line_error(run(fresh_url, *args), "`cyberdiplomacy init`")


def test_malformed_bundle_is_a_one_line_error_and_changes_nothing(
    cli_base: CliBase, tmp_path: Path
) -> None:
    bundle = tmp_path / "malformed-enterprise-attack.json"
    bundle.write_text('{"type": "bundle",\n "objects": [\n  {"id": }\n ]\n}\n', encoding="utf-8")
    before = json_of(run(cli_base.url, "actors", "show", "G0007", "--json"))

    result = run(cli_base.url, "import", "attack", bundle)

    assert_one_line_error(result, str(bundle), "line 3", "not valid JSON", after_progress=True)
    assert json_of(run(cli_base.url, "actors", "show", "G0007", "--json")) == before


def test_missing_bundle_is_a_usage_error(cli_base: CliBase, tmp_path: Path) -> None:
    result = run(cli_base.url, "import", "attack", tmp_path / "absent.json")
    assert result.exit_code == 2
    assert "does not exist" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("limit", ["0", "501", "many"])
def test_bad_limit_is_a_usage_error(cli_base: CliBase, limit: str) -> None:
    result = run(cli_base.url, "states", "list", "--limit", limit)
    assert result.exit_code == 2
    assert "--limit" in result.output


def test_unreachable_database_is_a_one_line_error() -> None:
    url = "postgresql+psycopg://nobody:secret@127.0.0.1:9/nowhere?connect_timeout=2"
    assert_one_line_error(run(url, "states", "list"), "Cannot use the knowledge base")


def test_version_is_printed() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"cyberdiplomacy {__version__}"
