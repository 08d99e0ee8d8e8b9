"""The REST API under /api/v1, through FastAPI's TestClient on the shared SQLite base.

Errors are RFC 9457 problem+json; odd input gets a 4xx, never a 5xx — checked by hand-picked
values on every operation of the OpenAPI document (on both backends) and by schemathesis.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from sqlalchemy import Engine

from cyberdiplomacy.accounts import service
from cyberdiplomacy.knowledge.access import Role
from cyberdiplomacy.knowledge.database import transaction
from cyberdiplomacy.web.app import create_app

API = "/api/v1"
PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def client(full_base: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(engine=full_base), raise_server_exceptions=False) as client:
        yield client


def ok(client: TestClient, path: str, **params: Any) -> Any:
    response = client.get(f"{API}{path}", params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    return response.json()


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    """An RFC 9457 problem document with the given status."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert {"type", "title", "status", "detail"} <= body.keys()
    assert body["status"] == status
    assert body["title"] and body["detail"]
    return body


# Lists, filters, pages --------------------------------------------------------------------


def test_states_list_pages_through_all_195(client: TestClient) -> None:
    first = ok(client, "/states", limit=100)
    second = ok(client, "/states", limit=100, offset=100)
    codes = [s["iso3"] for s in first["items"] + second["items"]]
    assert (first["total"], second["total"]) == (195, 195)
    assert len(codes) == len(set(codes)) == 195


def test_states_list_filters(client: TestClient) -> None:
    assert ok(client, "/states", bloc="nato", limit=100)["total"] == 32
    observers = ok(client, "/states", un_status="observer")["items"]
    assert {s["iso3"] for s in observers} == {"VAT", "PSE"}
    assert [s["iso3"] for s in ok(client, "/states", q="eston")["items"]] == ["EST"]


def test_state_detail(client: TestClient) -> None:
    estonia = ok(client, "/states/EST")
    nato = next(b for b in estonia["blocs"] if b["bloc"] == "nato")
    assert nato["since"] == "2004-03-29"
    assert ok(client, "/states/ee")["iso3"] == "EST"


def test_blocs_list_and_detail(client: TestClient) -> None:
    blocs = {b["slug"]: b["members"] for b in ok(client, "/blocs")}
    nato = ok(client, "/blocs/nato")
    assert (blocs["nato"], blocs["eu"], blocs["g20"]) == (32, 27, 19)
    assert nato["since"]["FIN"] == "2023-04-04"
    assert nato["source"]["publisher"] == "NATO"


def test_actors_list_filters_and_pages(client: TestClient) -> None:
    russian = ok(client, "/actors", sponsor="RUS", limit=100)
    page = ok(client, "/actors", limit=7, offset=14)
    assert "apt28" in {a["slug"] for a in russian["items"]}
    assert len(page["items"]) == 7 and page["offset"] == 14
    assert [a["slug"] for a in ok(client, "/actors", q="voodoo bear")["items"]] == ["sandworm-team"]
    assert {a["kind"] for a in ok(client, "/actors", kind="organization")["items"]} == {
        "organization"
    }


def test_actor_detail_by_alias(client: TestClient) -> None:
    actor = ok(client, f"/actors/{quote('Fancy Bear')}")
    assert (actor["slug"], actor["attack_id"]) == ("apt28", "G0007")
    assert actor["sponsor"]["iso3"] == "RUS"


def test_techniques_list_filters_and_detail(client: TestClient) -> None:
    impact = ok(client, "/techniques", tactic="impact", subtechniques="false", limit=500)
    phishing = ok(client, "/techniques/T1566")
    assert impact["total"] == len(impact["items"]) > 10
    assert all(not t["is_subtechnique"] and "impact" in t["tactics"] for t in impact["items"])
    assert [t["attack_id"] for t in phishing["subtechniques"]][:2] == ["T1566.001", "T1566.002"]
    assert phishing["groups"]


def test_software_list_filters_and_detail(client: TestClient) -> None:
    tools = ok(client, "/software", type="tool", limit=500)
    mimikatz = ok(client, "/software/S0002")
    assert tools["total"] == 91 and {s["type"] for s in tools["items"]} == {"tool"}
    assert ok(client, "/software", q="mimikatz")["items"][0]["attack_id"] == "S0002"
    assert mimikatz["name"] == "Mimikatz" and mimikatz["groups"]


def test_search(client: TestClient) -> None:
    hits = ok(client, "/search", q="Voodoo Bear")
    assert (hits[0]["key"], hits[0]["name"]) == ("sandworm-team", "Sandworm Team")
    kinds = Counter(hit["kind"] for hit in ok(client, "/search", q="an", limit=3))
    assert max(kinds.values()) == 3 and kinds["state"] == kinds["technique"] == 3


def test_offset_past_the_end_gives_an_empty_page(client: TestClient) -> None:
    page = ok(client, "/techniques", offset=100_000)
    assert page["items"] == [] and page["total"] == 691


# Errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/states/XYZ",
        "/states/ZZ",
        "/blocs/warsaw-pact",
        "/actors/nobody-at-all",
        "/techniques/T9999",
        "/software/S9999",
    ],
)
def test_unknown_records_are_404_problems(client: TestClient, path: str) -> None:
    body = assert_problem(client.get(f"{API}{path}"), 404)
    assert body["title"] == "Not found"
    assert body["detail"].startswith("No ")


@pytest.mark.parametrize(
    "path",
    [
        "/actors?kind=hacker",
        "/actors?sponsor=XYZ",
        "/states?bloc=warsaw-pact",
        "/techniques?tactic=flying",
        "/search?q=%3F",
        "/search?q=a",
    ],
)
def test_unusable_parameters_are_400_problems(client: TestClient, path: str) -> None:
    assert_problem(client.get(f"{API}{path}"), 400)


@pytest.mark.parametrize(
    "path",
    [
        "/states?limit=0",
        "/states?limit=-1",
        "/states?limit=501",
        "/states?limit=ten",
        "/states?limit=1.5",
        "/states?offset=-1",
        "/states?un_status=candidate",
        "/software?type=virus",
        "/techniques?subtechniques=maybe",
        "/search",
        "/search?q=",
        f"/search?q={'x' * 201}",
    ],
)
def test_malformed_parameters_are_422_problems(client: TestClient, path: str) -> None:
    body = assert_problem(client.get(f"{API}{path}"), 422)
    assert body["title"] == "Invalid parameters"


def test_unknown_api_path_is_a_404_problem(client: TestClient) -> None:
    assert_problem(client.get(f"{API}/no-such-thing"), 404)


def test_wrong_method_is_a_405_problem_for_an_account_and_a_401_for_anyone_else(
    client: TestClient, full_base: Engine
) -> None:
    with transaction(full_base) as session:
        service.add_user(
            session, "method-tester", organisation_slug="tests", role=Role.VIEWER, password=None
        )
        token = service.issue_token(session, "method-tester", "tests")
    bearer = {"Authorization": f"Bearer {token}"}
    assert_problem(client.post(f"{API}/states", headers=bearer), 405)
    assert_problem(client.post(f"{API}/states"), 401)


# Never a 5xx ------------------------------------------------------------------------------

ODD_VALUES = [
    "-1",
    "99999999999999999999",
    "1e309",
    "",
    "%_%",
    "\\",
    "'; DROP TABLE actor; --",
    "../../../etc/passwd",
    "Żółć 中国 🐻",
    "\u202e\u200b\ufffd",
    "x" * 3000,
]
NUL_VALUES = ["\x00", "ab\x00"]
# What stresses the database layer, for the sweep on both backends.
DATABASE_VALUES = ["99999999999999999999", "%_%", "'; DROP TABLE actor; --", "Żółć 中国 🐻"]


def operations(schema: dict[str, Any]) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """(path template, parameters) of every GET operation in the OpenAPI document."""
    for path, item in schema["paths"].items():
        if "get" in item:
            yield path, item["get"].get("parameters", [])


def server_errors(client: TestClient, value: str) -> list[str]:
    """Requests with `value` in each path and query parameter that answer with a 5xx."""
    found = []
    for path, parameters in operations(client.get("/openapi.json").json()):
        urls = []
        for parameter in parameters:
            if parameter["in"] == "path":
                path = path.replace("{" + parameter["name"] + "}", quote(value, safe=""))
        urls.append(path)
        base = path
        for parameter in parameters:
            if parameter["in"] == "query":
                urls.append(f"{base}?{parameter['name']}={quote(value, safe='')}")
        for url in urls:
            response = client.get(url)
            if response.status_code >= 500:
                found.append(f"{url[:80]} -> {response.status_code}")
            elif response.status_code >= 400:
                assert response.headers["content-type"] == PROBLEM, url
    return found


@pytest.mark.parametrize(
    "value", ODD_VALUES + NUL_VALUES, ids=[repr(v[:10]) for v in ODD_VALUES + NUL_VALUES]
)
def test_odd_values_in_any_parameter_never_cause_a_server_error(
    client: TestClient, value: str
) -> None:
    assert server_errors(client, value) == []


def test_odd_values_never_cause_a_server_error_on_either_backend(engine: Engine) -> None:
    """The sweep on an empty base of each backend: PostgreSQL is stricter than SQLite."""
    with TestClient(create_app(engine=engine), raise_server_exceptions=False) as client:
        found = [error for value in DATABASE_VALUES for error in server_errors(client, value)]
    assert found == []


def test_nul_characters_never_cause_a_server_error_on_either_backend(engine: Engine) -> None:
    with TestClient(create_app(engine=engine), raise_server_exceptions=False) as client:
        found = [error for value in NUL_VALUES for error in server_errors(client, value)]
    assert found == []


# Schemathesis: generated requests from the OpenAPI document -------------------------------


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_generated_requests_never_cause_a_server_error(
    client: TestClient, mode: GenerationMode
) -> None:
    """Requests schemathesis derives from the OpenAPI document, valid and invalid ones."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", client.app)

    @given(case=schema.as_strategy(mode))
    @settings(
        max_examples=60,
        deadline=None,
        database=None,
        derandomize=True,  # the same requests on every run: a failure is reproducible
        suppress_health_check=list(HealthCheck),
    )
    def check(case: Any) -> None:
        response = case.call()
        assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.text}"

    check()
