"""CLI: `brief` (Markdown, HTML, PDF, JSON; incidents and scenarios) and `law assess`."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner, Result

from cyberdiplomacy.cli.main import app
from cyberdiplomacy.reports.note import SECTIONS

SCENARIO = """\
name: Hypothetical attack on the Estonian grid
type: sabotage
victims: [EST]
sectors: [energy]
effects: ["economic:disrupted-operations"]
attributed_state: RUS
likelihood: very-likely
state_responsibility: state-executed
"""


@pytest.fixture(scope="module")
def url(full_base: Engine) -> str:
    return full_base.url.render_as_string(hide_password=False)


def run(url: str, *args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args], env={"CYBERDIPLOMACY_DATABASE_URL": url})


def failure(result: Result) -> str:
    """The one-line error of a failed command."""
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1, result.stderr
    return result.stderr


def test_brief_prints_markdown_to_stdout(url: str) -> None:
    result = run(url, "brief", "NotPetya", "--position-profile", "gbr")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("**UNCLASSIFIED · TLP:CLEAR**")
    assert "# NotPetya: attribution, norms and response options" in result.stdout
    assert all(section in result.stdout for section in SECTIONS)
    assert "position profile: United Kingdom (GBR)" in result.stdout


def test_brief_writes_a_pdf_atomically_over_the_old_file(url: str, tmp_path: Path) -> None:
    target = tmp_path / "notpetya.pdf"
    target.write_text("an older note")
    result = run(url, "brief", "notpetya", "--format", "pdf", "-o", target)
    assert result.exit_code == 0, result.output
    assert target.read_bytes().startswith(b"%PDF-")
    assert [p.name for p in tmp_path.iterdir()] == ["notpetya.pdf"]


def test_a_failed_write_leaves_the_old_file_and_no_partial(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "note.md"
    target.write_text("an older note")

    def disk_full(_: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    message = failure(run(url, "brief", "notpetya", "-o", target))
    assert "No space left on device" in message and str(target) in message
    assert target.read_text() == "an older note"
    assert [p.name for p in tmp_path.iterdir()] == ["note.md"]


def test_brief_pdf_without_an_output_file_is_an_error(url: str) -> None:
    assert "-o FILE.pdf" in failure(run(url, "brief", "notpetya", "--format", "pdf"))


def test_brief_writes_html_and_json(url: str, tmp_path: Path) -> None:
    page = tmp_path / "note.html"
    assert run(url, "brief", "wannacry", "-f", "html", "-o", page).exit_code == 0
    assert page.read_text().startswith("<!DOCTYPE html>")
    content = json.loads(run(url, "brief", "wannacry", "--json").stdout)
    assert content["subject"] == "WannaCry" and len(content["bottom_line"]) == 4


def test_brief_a_scenario(url: str, tmp_path: Path) -> None:
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text(SCENARIO)
    result = run(url, "brief", "--scenario", scenario, "--position-profile", "EST")
    assert result.exit_code == 0, result.output
    assert "Hypothetical scenario" in result.stdout and "Estonia" in result.stdout


def test_a_bad_scenario_field_names_the_file_and_the_field(url: str, tmp_path: Path) -> None:
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text(SCENARIO.replace("[energy]", "[nuclear-power]"))
    message = failure(run(url, "brief", "--scenario", scenario))
    assert message.startswith(f"Error: {scenario}: sectors.0: 'nuclear-power' is not one of ")


def test_a_scenario_that_is_not_a_mapping_or_not_there_is_an_error(
    url: str, tmp_path: Path
) -> None:
    listed = tmp_path / "list.yaml"
    listed.write_text("- name: one\n")
    assert "expected a mapping" in failure(run(url, "brief", "--scenario", listed))
    assert "cannot read" in failure(run(url, "brief", "--scenario", tmp_path / "missing.yaml"))


def test_brief_needs_exactly_one_subject(url: str, tmp_path: Path) -> None:
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text(SCENARIO)
    assert "INCIDENT or --scenario" in failure(
        run(url, "brief", "notpetya", "--scenario", scenario)
    )


def test_an_unknown_profile_lists_the_available_ones(url: str) -> None:
    message = failure(run(url, "brief", "notpetya", "--position-profile", "XYZ"))
    assert "'XYZ'" in message and "FRA, GBR" in message


def test_law_assess_prints_norms_steps_and_options(url: str) -> None:
    result = run(url, "law", "assess", "notpetya", "--position-profile", "FRA")
    assert result.exit_code == 0, result.output
    for title in ("Norms", "International law, step by step", "Options, by escalation"):
        assert title in result.stdout
    assert "GGE-2015-13f" in result.stdout


def test_law_assess_json_follows_the_profile(url: str) -> None:
    found = json.loads(
        run(url, "law", "assess", "notpetya", "--position-profile", "GBR", "--json").stdout
    )
    steps = {s["key"]: s["answer"] for s in found["characterisation"]["steps"]}
    assert found["profile"] == "GBR" and steps["sovereignty"] == "no"
    assert "unknown" in failure(run(url, "law", "assess", "notpetya", "--standard", "unknown"))
