"""The positions API and pages, in-process, on the full base (curated positions, no UNGA votes):
a question's map and table, and the common ground of draft provisions."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from cyberdiplomacy.knowledge.database import make_engine, upgrade
from cyberdiplomacy.web.app import create_app

IHL = {"id": "ihl", "text": "IHL applies", "issues": {"ihl-applies": "yes"}}
TREATY = {"id": "treaty", "text": "A new treaty", "issues": {"new-binding-instrument": "yes"}}


@pytest.fixture(scope="module")
def api(full_base: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(engine=full_base)) as client:
        yield client


def test_positions_of_one_question_carry_their_sources(api: TestClient) -> None:
    found = api.get("/api/v1/positions", params={"issue": "ihl-applies"}).json()
    assert {p["issue"] for p in found} == {"ihl-applies"}
    gbr = next(p for p in found if p["state"]["iso3"] == "GBR")
    assert gbr["stance"] == "yes" and gbr["source"]["publisher"] and gbr["as_of"]
    everything = api.get("/api/v1/positions").json()
    assert len({p["issue"] for p in everything}) >= 6
    french = api.get("/api/v1/positions", params={"state": "FRA"}).json()
    assert {p["state"]["iso3"] for p in french} == {"FRA"}


def test_position_map_gives_stances_and_counts(api: TestClient) -> None:
    found = api.get("/api/v1/positions/map", params={"issue": "multistakeholder-governance"})
    assert found.status_code == 200
    body = found.json()
    assert body["question"]["yes"] == "multistakeholder"
    assert body["stances"]["USA"] == "yes"
    assert sum(body["counts"].values()) == len(body["stances"]) > 20


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/v1/positions?issue=space-law", 400),
        ("/api/v1/positions?state=XXX", 404),
        ("/api/v1/positions/map?issue=space-law", 400),
        ("/api/v1/positions/map", 422),
    ],
)
def test_positions_api_rejects_bad_parameters(api: TestClient, url: str, status: int) -> None:
    response = api.get(url)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"


def test_common_ground_without_votes_counts_unknown_states_as_undecided(api: TestClient) -> None:
    body = {"provisions": [IHL, {**TREATY, "group": "f"}], "states": ["GBR", "RUS", "BRA"]}
    response = api.post("/api/v1/positions/common-ground", json=body)
    assert response.status_code == 200, response.text
    found = response.json()
    support = {s["iso3"]: s["provisions"] for s in found["support"]}
    assert support["GBR"] == {"ihl": 1.0, "treaty": 0.5}  # no recorded stance on a treaty
    assert support["RUS"]["treaty"] == 1.0
    assert found["best"]["provisions"] == ["treaty"] or "ihl" in found["best"]["provisions"]
    assert {p["id"] for p in found["provisions"]} == {"ihl", "treaty"}


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"provisions": []}, 422),
        ({"provisions": [{**IHL, "issues": {"space-law": "yes"}}]}, 422),
        ({"provisions": [{**IHL, "issues": {"ihl-applies": "maybe"}}]}, 422),
        ({"provisions": [IHL], "extra": 1}, 422),
        ({"provisions": [IHL, IHL]}, 400),
        (
            {
                "provisions": [
                    {**IHL, "group": "g", "required": True},
                    {**TREATY, "group": "g", "required": True},
                ]
            },
            400,
        ),
        ({"provisions": [IHL], "states": ["XXX"]}, 400),
        ({"provisions": [IHL], "states": ["usa"]}, 422),
        ({"provisions": [{**IHL, "id": f"p{i}"} for i in range(17)]}, 422),
        ([1, 2], 422),
    ],
)
def test_common_ground_rejects_bad_bodies_as_problems(
    api: TestClient, body: Any, status: int
) -> None:
    response = api.post("/api/v1/positions/common-ground", json=body)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"


def test_positions_page_maps_a_question_with_a_legend_and_sourced_table(
    client: TestClient,
) -> None:
    response = client.get("/positions")
    assert response.status_code == 200
    html = response.text
    assert "<title>Positions · Cyber Diplomacy Workbench</title>" in html
    assert 'href="/positions" aria-current="page"' in html
    assert "Does international humanitarian law apply to cyber operations?" in html
    assert 'id="positions-map-data"' in html and "positions.js" in html
    assert "no published position recorded" in html and "stance-qualified" in html
    assert '<a href="/states/GBR">United Kingdom</a>' in html and "As of" in html
    assert "UK Attorney General&#39;s Office" in html  # the cited source's publisher


def test_positions_page_of_another_question(client: TestClient) -> None:
    html = client.get("/positions", params={"issue": "data-localisation"}).text
    assert '<option value="data-localisation" selected>' in html
    assert "committed not to require it" in html


def test_positions_page_rejects_an_unknown_question(client: TestClient) -> None:
    response = client.get("/positions", params={"issue": "space-law"})
    assert response.status_code == 400 and "space-law" in response.text


def test_common_ground_page_weighs_the_example_draft(client: TestClient) -> None:
    response = client.get("/positions/common-ground")
    assert response.status_code == 200
    html = response.text
    assert 'href="/positions/common-ground" aria-current="page"' in html
    assert "Broadest package" in html and 'id="support-map-data"' in html
    assert html.count('name="use"') == 9  # the seven provisions of the example, two blank rows
    assert 'aria-label="Use provision 7" checked' in html
    assert 'aria-label="Use provision 8" checked' not in html


def test_common_ground_page_weighs_the_provisions_ticked(client: TestClient) -> None:
    rows = [
        ("ihl", "IHL applies to ICT use in armed conflict", "ihl-applies", "yes", ""),
        ("treaty", "Negotiate a treaty", "new-binding-instrument", "yes", ""),
        ("", "", "ihl-applies", "yes", ""),
    ]
    params: list[tuple[str, str]] = []
    for row in rows:
        params += list(zip(["id", "text", "issue", "stance", "group"], row, strict=True))
    params += [("use", "1"), ("use", "2"), ("required", "1")]
    html = client.get("/positions/common-ground", params=params).text
    package = html[html.index('id="package"') :]
    assert '<span class="code">treaty</span>' in package.split("expected supporters")[0]
    assert '<span class="code">ihl</span> IHL applies' not in package  # not ticked


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ([("id", "a"), ("text", "Some clause"), ("issue", "space"), ("stance", "yes"),
          ("group", ""), ("use", "0")], "space"),
        ([("id", "a b"), ("text", "Some clause"), ("issue", "ihl-applies"), ("stance", "yes"),
          ("group", ""), ("use", "0")], "row 1, id"),
        ([("id", "a"), ("text", "Some clause"), ("issue", "ihl-applies"), ("stance", "yes"),
          ("group", "")], "tick at least one"),
    ],
)  # fmt: skip
def test_common_ground_page_explains_what_cannot_be_weighed(
    client: TestClient, params: list[tuple[str, str]], message: str
) -> None:
    response = client.get("/positions/common-ground", params=params)
    assert response.status_code == 400
    assert "These provisions cannot be weighed" in response.text and message in response.text


def test_common_ground_page_refuses_rows_that_do_not_line_up(client: TestClient) -> None:
    params = [("id", "a"), ("id", "b"), ("text", "Some clause"), ("issue", "ihl-applies")]
    response = client.get("/positions/common-ground", params=[*params, ("stance", "yes")])
    assert response.status_code == 400 and "every row needs" in response.text


def test_pages_without_positions_say_how_to_import_them(tmp_path_factory: Any) -> None:
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('bare') / 'kb.db'}")
    upgrade(engine)
    with TestClient(create_app(engine=engine), headers={"Accept": "text/html"}) as bare:
        response = bare.get("/positions")
        assert response.status_code == 200 and "cyberdiplomacy init" in response.text
        assert "plotly.min.js" not in response.text
        assert bare.get("/api/v1/positions").json() == []
    engine.dispose()
