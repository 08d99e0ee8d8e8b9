"""API: technical attribution, claim assessments and the co-attribution network."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from cyberdiplomacy.web.app import create_app


@pytest.fixture(scope="module")
def client(full_base: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(engine=full_base), raise_server_exceptions=False) as client:
        yield client


def test_attribute_ranks_groups_with_evidence_and_states(client: TestClient) -> None:
    response = client.post("/api/v1/attribute", json={"software": ["S0368"], "top": 3})
    assert response.status_code == 200
    body = response.json()
    assert body["candidates"][0]["attack_id"] == "G0034"
    assert body["candidates"][0]["evidence"][0]["item"] == "S0368"
    assert body["states"][0]["iso3"] == "RUS"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({}, 400),
        ({"software": ["S9999"]}, 400),
        ({"techniques": ["not an id"]}, 400),
        ({"techniques": "T1059"}, 422),
        ({"software": ["S0368"], "top": 0}, 422),
    ],
)
def test_bad_observations_are_4xx_problems(
    client: TestClient, body: dict[str, object], status: int
) -> None:
    response = client.post("/api/v1/attribute", json=body)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"


def test_incident_assessment_and_unknown_incident(client: TestClient) -> None:
    found = client.get("/api/v1/incidents/wannacry/assessment").json()
    assert found["state"]["key"] == "PRK"
    assert found["claims"] and all("weight" in c for c in found["claims"])
    assert client.get("/api/v1/incidents/nope/assessment").status_code == 404


def test_network_ties_and_partners(client: TestClient) -> None:
    ties = client.get("/api/v1/attribution/network").json()["ties"]
    assert ties[0]["count"] >= ties[-1]["count"]
    partners = client.get("/api/v1/attribution/network", params={"partner": "GBR"}).json()
    assert partners["partners"][0]["key"] == "USA"
