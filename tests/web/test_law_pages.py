"""The briefing downloads of an incident and the Scenario form, in-process."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

SCENARIO = {
    "name": "Grid outage",
    "type": "sabotage",
    "victims": "UKR",
    "sectors": "energy",
    "effects": "economic:disrupted-operations",
    "targets": "critical-infrastructure",
    "armed_conflict": "no",
    "attributed_state": "RUS",
    "likelihood": "very-likely",
    "state_responsibility": "state-executed",
    "profile": "GBR",
}


def test_incident_page_offers_the_briefing(client: TestClient) -> None:
    html = client.get("/incidents/notpetya").text
    assert 'id="briefing"' in html
    assert '<option value="GBR">' in html
    for fmt in ("pdf", "html", "md"):
        assert f'formaction="/incidents/notpetya/briefing.{fmt}"' in html


@pytest.mark.parametrize(
    ("fmt", "media_type", "start"),
    [
        ("pdf", "application/pdf", b"%PDF"),
        ("html", "text/html; charset=utf-8", b"<!"),
        ("md", "text/markdown; charset=utf-8", b"**UNCLASSIFIED"),
    ],
)
def test_incident_briefing_downloads(
    client: TestClient, fmt: str, media_type: str, start: bytes
) -> None:
    response = client.get(f"/incidents/notpetya/briefing.{fmt}?profile=GBR")
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"] == media_type
    assert response.headers["content-disposition"] == (
        f'attachment; filename="notpetya-briefing-GBR.{fmt}"'
    )
    assert response.content.lstrip().upper().startswith(start.upper())
    if fmt != "pdf":
        assert "NotPetya" in response.text


def test_briefing_without_profile(client: TestClient) -> None:
    response = client.get("/incidents/notpetya/briefing.md")
    assert response.status_code == 200
    assert 'filename="notpetya-briefing.md"' in response.headers["content-disposition"]


def test_briefing_of_an_unknown_profile_is_a_400_page(client: TestClient) -> None:
    response = client.get("/incidents/notpetya/briefing.pdf?profile=XYZ")
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
    assert "XYZ" in response.text and "GBR" in response.text


def test_briefing_of_an_unknown_incident_is_a_404(client: TestClient) -> None:
    response = client.get("/incidents/no-such-incident/briefing.pdf?profile=GBR")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")


def test_scenario_form(client: TestClient) -> None:
    response = client.get("/scenario")
    assert response.status_code == 200
    assert '<form class="attribute-form scenario-form"' in response.text
    assert 'value="energy"' in response.text and 'value="very-likely"' in response.text
    assert 'href="/scenario"' in client.get("/").text  # in the header nav


def test_scenario_is_assessed(client: TestClient) -> None:
    response = client.get("/scenario", params=SCENARIO)
    assert response.status_code == 200, response.text[:2000]
    html = response.text
    assert "GGE-2015-13f" in html
    assert "International law, step by step" in html
    assert "/scenario/briefing.pdf?" in html


def test_scenario_pdf(client: TestClient) -> None:
    response = client.get("/scenario/briefing.pdf", params=SCENARIO)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert 'filename="scenario-briefing-GBR.pdf"' in response.headers["content-disposition"]
    assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("attributed_state", "Russia"),
        ("likelihood", "pretty-sure"),
        ("sectors", "space"),
        ("victims", "UK"),
        ("name", "x"),
        ("profile", "XYZ"),
    ],
)
def test_scenario_bad_field_is_named_in_a_400_page(
    client: TestClient, field: str, value: str
) -> None:
    response = client.get("/scenario", params={**SCENARIO, field: value})
    assert response.status_code == 400
    assert f'check the field <strong class="code">{field}</strong>' in response.text
    assert '<form class="attribute-form scenario-form"' in response.text  # re-rendered


def test_scenario_pdf_of_a_bad_scenario_is_a_400(client: TestClient) -> None:
    response = client.get("/scenario/briefing.pdf", params={**SCENARIO, "likelihood": "meh"})
    assert response.status_code == 400
    assert "likelihood" in response.text
