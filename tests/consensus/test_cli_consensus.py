"""`init --unga`, `import unga`, `unga …` and `positions …`, run in-process on SQLite files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner, Result
from unga_tables import write_slice

from cyberdiplomacy.cli.main import app
from cyberdiplomacy.knowledge.database import make_engine, transaction, upgrade
from cyberdiplomacy.sources import countries

PROVISIONS = Path(__file__).with_name("data") / "provisions.yaml"


def run(engine: Engine, *args: str | Path) -> Result:
    url = engine.url.render_as_string(hide_password=False)
    return CliRunner().invoke(app, [str(a) for a in args], env={"CYBERDIPLOMACY_DATABASE_URL": url})


def json_of(result: Result) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def assert_one_line_error(result: Result, fragment: str) -> None:
    assert result.exit_code == 1, result.output
    error = str(result.stderr).rstrip("\n").rsplit("\n", 1)[-1]
    assert error.startswith("Error: ") and fragment in error, result.stderr
    assert "Traceback" not in result.output


@pytest.fixture
def states_only(tmp_path: Path) -> Engine:
    """A base with the schema and the UN member states, but no votes."""
    engine = make_engine(f"sqlite:///{tmp_path / 'kb.db'}")
    upgrade(engine)
    with transaction(engine) as session:
        countries.import_states(session)
    return engine


def test_import_unga_reports_what_it_brought(states_only: Engine, tmp_path: Path) -> None:
    result = run(states_only, "import", "unga", write_slice(tmp_path / "slice", {73}))
    assert result.exit_code == 0, result.output
    assert "Imported 95 roll calls and" in result.stdout
    assert json_of(run(states_only, "unga", "agreement", "USA", "ISR", "--json"))["votes"] == 91


def test_init_imports_the_votes_once(tmp_path: Path) -> None:
    base = make_engine(f"sqlite:///{tmp_path / 'kb.db'}")
    folder = write_slice(tmp_path / "slice", {73})
    first = run(base, "init", "--unga", folder)
    assert first.exit_code == 0, first.output
    assert "Imported 95 roll calls" in first.stdout
    again = run(base, "init", "--unga", folder)
    assert again.exit_code == 0 and "roll calls" not in again.stdout, again.output
    assert json_of(run(base, "unga", "agreement", "USA", "ISR", "--json"))["votes"] == 91


def test_reading_votes_before_importing_them_is_a_clear_error(states_only: Engine) -> None:
    assert_one_line_error(run(states_only, "unga", "agreement", "USA", "RUS"), "import unga")


def test_unga_agreement(unga_base: Engine) -> None:
    found = json_of(run(unga_base, "unga", "agreement", "usa", "GBR", "--from", "2000", "--json"))
    assert found["a"] == "USA" and found["votes"] > 1000
    assert 0 < found["identical"] < found["index"] < 1
    assert found["sessions"][0]["session"] == 54  # its resumed part, in 2000
    text = run(unga_base, "unga", "agreement", "USA", "GBR", "--issue", "hr")
    assert text.exit_code == 0 and "identical votes" in text.stdout
    assert_one_line_error(run(unga_base, "unga", "agreement", "USA", "XXX"), "XXX")


def test_unga_cohesion(unga_base: Engine) -> None:
    found = json_of(run(unga_base, "unga", "cohesion", "eu", "--to", "2018", "--json"))
    assert found["bloc"] == "eu" and 0.8 < found["agreement_index"] < 1
    assert found["sessions"][-1]["members"] == 27
    assert_one_line_error(run(unga_base, "unga", "cohesion", "warsaw-pact"), "not one of")


def test_unga_ideal_points(unga_base: Engine) -> None:
    found = json_of(run(unga_base, "unga", "ideal-points", "--json"))
    assert found["session"] == 73 and found["points"][0]["code"] == "USA"
    text = run(unga_base, "unga", "ideal-points", "--session", "30", "--anchor", "SUN")
    assert text.exit_code == 0 and "SUN" in text.stdout.split("\n")[4]


def test_unga_forecast_json_is_the_documented_shape(unga_base: Engine) -> None:
    title = "Advancing responsible State behaviour in cyberspace"
    arguments = ["--title", title, "--session", "74", "--like", "A/RES/73/266", "--json"]
    found = json_of(run(unga_base, "unga", "forecast", *arguments))
    assert list(found) == ["forecast"] and len(found["forecast"]) > 190
    for member in found["forecast"]:
        assert list(member) == ["iso3", "vote", "probabilities"]
        assert list(member["probabilities"]) == ["yes", "no", "abstain"]
        assert sum(member["probabilities"].values()) == pytest.approx(1.0)
        assert member["vote"] in member["probabilities"]
    votes = {m["iso3"]: m["vote"] for m in found["forecast"]}
    assert votes["USA"] == "yes" and votes["RUS"] == "no"


def test_unga_cyber_and_backtest(unga_base: Engine) -> None:
    found = json_of(run(unga_base, "unga", "cyber", "--json"))
    assert found["first"]["symbol"] == "A/RES/73/27" and "IND" in found["bridges"]
    scores = json_of(
        run(
            unga_base, "unga", "backtest", "--first-session", "73", "--last-session", "73", "--json"
        )
    )
    assert [s["subset"] for s in scores] == ["ICT security and cybercrime", "all roll calls"]
    assert [s["method"] for s in scores[1]["scores"]] == [
        "forecast", "repeat most similar", "majority vote",
    ]  # fmt: skip
    assert scores[0]["roll_calls"] == 3 and scores[1]["sessions"] == [73]


def test_positions_common_ground(unga_base: Engine, tmp_path: Path) -> None:
    found = json_of(run(unga_base, "positions", "common-ground", PROVISIONS, "--json"))
    assert found["states"] == 193 and "sovereignty" in found["best"]["provisions"]
    assert {p["id"] for p in found["provisions"]} == {
        "ihl", "treaty", "norms", "multistakeholder", "sovereignty",
    }  # fmt: skip
    bad = tmp_path / "bad.yaml"
    bad.write_text("- id: x\n  text: A clause\n  issues: {space-law: 'yes'}\n")
    assert_one_line_error(run(unga_base, "positions", "common-ground", bad), "bad.yaml")


def test_unga_ideal_points_over_time(unga_base: Engine) -> None:
    arguments = ["--first-session", "70", "--last-session", "73", "--state", "usa", "--state"]
    found = json_of(run(unga_base, "unga", "ideal-points-over-time", *arguments, "CUB", "--json"))
    assert (found["sessions"], found["skipped"], found["anchor"]) == ([70, 71, 72, 73], [], "USA")
    usa, cub = found["states"]
    assert [p["rank"] for p in usa["places"]] == [1, 1, 1, 1]
    assert all(p["rank"] > 0.9 * p["of"] for p in cub["places"])
    text = run(unga_base, "unga", "ideal-points-over-time", "--first-session", "72")
    assert text.exit_code == 0 and "IRN" in text.stdout and "Rank per session" in text.stdout
    assert "Fitting ideal points" in text.stderr and "2/2" in text.stderr  # the progress bar
    late = run(unga_base, "unga", "ideal-points-over-time", "--first-session", "90")
    assert_one_line_error(late, "after session 73")


def test_positions_list(unga_base: Engine) -> None:
    found = json_of(run(unga_base, "positions", "list", "--issue", "ihl-applies", "--json"))
    assert {p["issue"] for p in found} == {"ihl-applies"}
    assert {"GBR", "FRA"} <= {p["state"]["iso3"] for p in found}
    assert all(p["source"] and p["as_of"] for p in found)
    french = json_of(run(unga_base, "positions", "list", "--state", "fra", "--json"))
    assert {"sovereignty-rule", "ihl-applies"} <= {p["issue"] for p in french}
    text = run(unga_base, "positions", "list", "--issue", "ihl-applies")
    assert text.exit_code == 0 and "humanitarian law" in text.stdout and "GBR" in text.stdout
    assert_one_line_error(run(unga_base, "positions", "list", "--issue", "space"), "not one of")
