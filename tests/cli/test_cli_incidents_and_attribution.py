"""CLI: incidents, claims, instruments, data validation, STIX exchange and attribution."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner, Result

from cyberdiplomacy.cli.main import app


@pytest.fixture(scope="module")
def url(full_base: Engine) -> str:
    return full_base.url.render_as_string(hide_password=False)


def run(url: str, *args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args], env={"CYBERDIPLOMACY_DATABASE_URL": url})


def json_of(result: Result) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_incidents_list_finds_notpetya_by_alias(url: str) -> None:
    page = json_of(run(url, "incidents", "list", "--name", "Petya", "--json"))
    assert [i["slug"] for i in page["items"]] == ["notpetya"]


def test_incidents_show_has_the_timeline(url: str) -> None:
    found = json_of(run(url, "incidents", "show", "NotPetya", "--json"))
    kinds = {entry["kind"] for entry in found["timeline"]}
    assert kinds == {"incident", "claim", "response"}
    table = run(url, "incidents", "show", "notpetya")
    assert table.exit_code == 0 and "Timeline" in table.stdout


def test_unknown_incident_is_a_one_line_error(url: str) -> None:
    result = run(url, "incidents", "show", "no-such-thing")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and "no-such-thing" in result.stderr


def test_claims_and_responses_filter(url: str) -> None:
    claims = json_of(run(url, "claims", "list", "--incident", "wannacry", "--json"))
    assert {c["attributor"]["iso3"] for c in claims} >= {"USA", "GBR", "JPN"}
    sanctions = json_of(run(url, "responses", "list", "--type", "sanctions", "--json"))
    assert sanctions and all(r["type"] == "sanctions" for r in sanctions)


def test_instruments_show_the_gge_norms(url: str) -> None:
    gge = json_of(run(url, "instruments", "show", "gge-2015", "--json"))
    assert len(gge["norms"]) == 11
    listed = json_of(run(url, "instruments", "list", "--json"))
    assert {"gge-2015", "budapest-convention", "paris-call"} <= {i["slug"] for i in listed}


def test_data_validate_passes_on_the_bundled_data(url: str) -> None:
    result = run(url, "data", "validate")
    assert result.exit_code == 0, result.output


def test_data_validate_names_file_line_and_field(url: str, tmp_path: Path) -> None:
    bad = tmp_path / "responses.yaml"
    bad.write_text("- responder: GBR\n  date: 2020-13-01\n  type: sanction\n", encoding="utf-8")
    result = run(url, "data", "validate", bad)
    assert result.exit_code == 1
    assert f"{bad}:1" in result.stderr and "type" in result.stderr and "date" in result.stderr


def test_export_and_import_stix(url: str, tmp_path: Path) -> None:
    out = tmp_path / "kb.json"
    exported = run(url, "export", "stix", "--out", out)
    assert exported.exit_code == 0, exported.output
    bundle = json.loads(out.read_text(encoding="utf-8"))
    assert bundle["type"] == "bundle" and len(bundle["objects"]) > 100
    empty = f"sqlite:///{tmp_path / 'empty.db'}"
    assert run(empty, "init").exit_code == 0
    imported = run(empty, "import", "stix", out)
    assert imported.exit_code == 0, imported.output
    assert json_of(run(empty, "claims", "list", "--json")) == json_of(
        run(url, "claims", "list", "--json")
    )


def test_attribute_ranks_sandworm_first_for_its_malware(url: str) -> None:
    result = json_of(run(url, "attribute", "--software", "S0368,S0604", "--json"))
    top = result["candidates"][0]
    assert top["attack_id"] == "G0034" and top["sponsor"] == "RUS"
    assert {e["item"] for e in top["evidence"]} >= {"S0368", "S0604"}
    total = sum(c["probability"] for c in result["candidates"]) + result["others"]
    assert total + result["unknown"] == pytest.approx(1, abs=1e-3)
    assert result["states"][0]["iso3"] == "RUS"


def test_attribute_names_unknown_and_malformed_ids(url: str) -> None:
    result = run(url, "attribute", "--techniques", "T9999,bogus")
    assert result.exit_code == 1
    assert "T9999" in result.stderr and "bogus" in result.stderr


def test_attribute_without_observations_is_an_error(url: str) -> None:
    result = run(url, "attribute")
    assert result.exit_code == 1 and "Error:" in result.stderr


def test_attribute_batch_answers_one_line_per_query(
    url: str, tmp_path: Path, attack_bundle: Path
) -> None:
    queries = tmp_path / "q.jsonl"
    queries.write_text(
        '{"id": "a", "software": ["S0368"]}\n{"id": "b", "techniques": ["T0000"]}\nnot json\n',
        encoding="utf-8",
    )
    result = run(url, "attribute", "--batch", queries, "--bundle", attack_bundle, "--top", "2")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line.get("id") for line in lines] == ["a", "b", None]
    assert lines[0]["candidates"][0]["attack_id"] == "G0034"
    assert "T0000" in lines[1]["error"] and "line" in lines[2]


def test_attribute_claims_weighs_notpetya(url: str) -> None:
    found = json_of(run(url, "attribute", "claims", "notpetya", "--json"))
    assert found["state"]["key"] == "RUS"
    assert found["confidence"] == "high"
    assert found["likelihood"]["value"] in {"very-likely", "almost-certain"}


def test_attribute_network_lists_partners(url: str) -> None:
    partners = json_of(run(url, "attribute", "network", "--partner", "GBR", "--json"))
    assert partners[0]["partner"] == "USA"
