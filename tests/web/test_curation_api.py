"""Curation over HTTP: tokens write, field errors come back as problems, history and revert."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from marked import PASSWORD, Tokens, seed
from sqlalchemy import Engine

from cyberdiplomacy.accounts import service
from cyberdiplomacy.knowledge.access import Role
from cyberdiplomacy.knowledge.database import transaction
from cyberdiplomacy.web.app import create_app

INCIDENT: dict[str, Any] = {
    "slug": "consular-phishing-2026",
    "name": "Consular phishing 2026",
    "started": "2026-03-02",
    "summary": "A spear-phishing campaign against the foreign ministry's consular network.",
    "type": "espionage",
    "victims": ["EST"],
    "techniques": ["T1566.001"],
    "sources": [{"publisher": "MFA cyber unit", "title": "Incident report 2026-14"}],
    "as_of": "2026-03-10",
    "tlp": "amber",
}


@pytest.fixture
def tokens(engine: Engine) -> Tokens:
    return seed(engine)


@pytest.fixture
def curator(engine: Engine, tokens: Tokens) -> str:
    with transaction(engine) as session:
        service.add_user(
            session, "dave", organisation_slug="cert", role=Role.CURATOR, password=PASSWORD
        )
        return service.issue_token(session, "dave", "tests", service.now())


@pytest.fixture
def client(engine: Engine, tokens: Tokens) -> Iterator[TestClient]:
    with TestClient(create_app(engine=engine)) as client:
        yield client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_an_analyst_enters_an_incident_that_only_their_organisation_reads(
    client: TestClient, tokens: Tokens
) -> None:
    made = client.post("/api/v1/incidents", json=INCIDENT, headers=bearer(tokens.alice))
    assert made.status_code == 201, made.text
    assert made.json()["tlp"] == "amber"
    url = "/api/v1/incidents/consular-phishing-2026"
    assert client.get(url, headers=bearer(tokens.carol)).status_code == 200  # same ministry
    assert client.get(url, headers=bearer(tokens.bob)).status_code == 404  # the CERT: not shared
    assert client.get(url).status_code == 404
    shared = client.post(
        f"{url}/share", json={"organisation": "cert"}, headers=bearer(tokens.alice)
    )
    assert shared.status_code == 204, shared.text
    assert client.get(url, headers=bearer(tokens.bob)).status_code == 200


def test_a_bad_record_names_its_fields_and_saves_nothing(
    client: TestClient, tokens: Tokens
) -> None:
    bad = INCIDENT | {"summary": "short", "victims": ["XYZ1"], "started": "someday"}
    answer = client.post("/api/v1/incidents", json=bad, headers=bearer(tokens.alice))
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("application/problem+json")
    for field in ("summary", "victims.0", "started"):
        assert field in answer.json()["detail"]
    unknown = client.post(
        "/api/v1/incidents", json=INCIDENT | {"victims": ["XYZ"]}, headers=bearer(tokens.alice)
    )
    assert unknown.status_code == 422 and "victims.0" in unknown.json()["detail"]
    found = client.get("/api/v1/incidents", params={"q": "Consular"}, headers=bearer(tokens.alice))
    assert found.json()["total"] == 0


def test_writes_need_an_account_with_the_analyst_role(client: TestClient, tokens: Tokens) -> None:
    assert client.post("/api/v1/incidents", json=INCIDENT).status_code == 401
    viewer = client.post("/api/v1/incidents", json=INCIDENT, headers=bearer(tokens.carol))
    assert viewer.status_code == 403
    other = client.put(
        "/api/v1/incidents/zz-green-operation",
        json=INCIDENT | {"slug": "zz-green-operation"},
        headers=bearer(tokens.bob),
    )
    assert other.status_code == 403  # bob reads mfa's GREEN record but may not edit it


def test_history_shows_each_change_and_a_curator_reverts_one(
    client: TestClient, tokens: Tokens, curator: str
) -> None:
    green = INCIDENT | {"tlp": "green"}
    client.post("/api/v1/incidents", json=green, headers=bearer(tokens.alice))
    url = "/api/v1/incidents/consular-phishing-2026"
    edited = client.put(url, json=green | {"name": "Wrong name"}, headers=bearer(tokens.alice))
    assert edited.status_code == 200 and edited.json()["name"] == "Wrong name"
    history = client.get(f"{url}/history", headers=bearer(tokens.alice)).json()
    latest = history[0]
    assert (latest["action"], latest["by"], latest["fields"]) == ("update", "alice", ["name"])
    refused = client.post(
        f"/api/v1/changes/{history[0]['id']}/revert", headers=bearer(tokens.alice)
    )
    assert refused.status_code == 403
    reverted = client.post(f"/api/v1/changes/{history[0]['id']}/revert", headers=bearer(curator))
    assert reverted.status_code == 200, reverted.text
    assert client.get(url, headers=bearer(tokens.alice)).json()["name"] == INCIDENT["name"]
    assert client.get(f"{url}/history").status_code == 404  # GREEN: anonymous sees nothing


def test_claims_and_responses_are_entered_on_an_incident_one_can_read(
    client: TestClient, tokens: Tokens
) -> None:
    claim = {
        "incident": "zz-red-operation",
        "attributor": "EST",
        "date": "2026-03-20",
        "form": "statement",
        "state": "RUS",
        "sources": [{"publisher": "MFA", "title": "Statement"}],
        "as_of": "2026-03-20",
        "tlp": "green",
    }
    hidden = client.post("/api/v1/claims", json=claim, headers=bearer(tokens.bob))
    assert hidden.status_code == 422 and "incident" in hidden.json()["detail"]
    made = client.post(
        "/api/v1/claims",
        json=claim | {"incident": "zz-green-operation"},
        headers=bearer(tokens.bob),
    )
    assert made.status_code == 201, made.text
    response = {
        "responder": "EST",
        "date": "2026-03-21",
        "type": "summoning",
        "summary": "The ambassador was summoned over the operation.",
        "incident": "zz-green-operation",
        "sources": [{"publisher": "MFA", "title": "Press release"}],
        "as_of": "2026-03-21",
        "tlp": "green",
    }
    answered = client.post("/api/v1/responses", json=response, headers=bearer(tokens.bob))
    assert answered.status_code == 201, answered.text
    history = client.get(answered.json()["url"] + "/history", headers=bearer(tokens.bob))
    assert [c["action"] for c in history.json()] == ["create"]
