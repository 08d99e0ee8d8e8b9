"""The UNGA API and page, in-process: against a copy of the full base with a slice of the shared
UNGA votes (sessions 66-73, the rival cyber resolutions of 2018 included), and without votes."""

from __future__ import annotations

import csv
import gzip
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from cyberdiplomacy.knowledge.database import make_engine, transaction
from cyberdiplomacy.sources import unga
from cyberdiplomacy.web.app import create_app

UNGA = Path(__file__).resolve().parents[3] / "shared" / "data" / "unga"
SESSIONS = set(range(66, 74))


def write_slice(folder: Path, sessions: set[int]) -> Path:
    """The shared data's roll calls of some sessions, in the Voeten layout, gzipped."""
    if not (UNGA / "votes.csv.gz").exists():
        pytest.skip(f"shared UNGA voting data not found at {UNGA}")
    folder.mkdir(parents=True, exist_ok=True)
    kept: set[str] = set()
    for name in ("roll_calls", "votes", "roll_call_issues"):
        with (
            gzip.open(UNGA / f"{name}.csv.gz", "rt", encoding="utf-8", newline="") as src,
            gzip.open(folder / f"{name}.csv.gz", "wt", encoding="utf-8", newline="") as out,
        ):
            reader, writer = csv.reader(src), csv.writer(out)
            writer.writerow(next(reader))
            for row in reader:
                if name == "roll_calls" and int(float(row[1])) in sessions:
                    kept.add(row[0])
                if row[0] in kept:
                    writer.writerow(row)
    return folder


@pytest.fixture(scope="module")
def voting_base(full_base: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A copy of the full base with sessions 66-73 of the UNGA votes imported."""
    folder = tmp_path_factory.mktemp("unga")
    assert full_base.url.database
    shutil.copy(full_base.url.database, folder / "kb.db")
    engine = make_engine(f"sqlite:///{folder / 'kb.db'}")
    with transaction(engine) as session:
        unga.import_votes(session, write_slice(folder / "slice", SESSIONS))
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def client(voting_base: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(engine=voting_base)) as client:
        yield client


@pytest.fixture(scope="module")
def empty(full_base: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(engine=full_base)) as client:
        yield client


def test_agreement_between_two_states(client: TestClient) -> None:
    response = client.get("/api/v1/unga/agreement", params={"a": "USA", "b": "GBR"})
    assert response.status_code == 200
    found = response.json()
    assert (found["a"], found["b"]) == ("USA", "GBR")
    assert found["votes"] > 100
    assert 0.5 < found["index"] <= 1
    assert [s["session"] for s in found["sessions"]] == sorted(SESSIONS)


def test_agreement_rejects_bad_parameters(client: TestClient) -> None:
    assert client.get("/api/v1/unga/agreement", params={"a": "USA"}).status_code == 422
    unknown = client.get("/api/v1/unga/agreement", params={"a": "USA", "b": "XXX"})
    assert unknown.status_code == 404
    issue = client.get("/api/v1/unga/agreement", params={"a": "USA", "b": "GBR", "issue": "zz"})
    assert issue.status_code == 400


def test_cohesion_of_a_bloc_and_an_unknown_one(client: TestClient) -> None:
    found = client.get("/api/v1/unga/cohesion/eu").json()
    assert found["bloc"] == "eu"
    assert found["agreement_index"] > 0.8
    assert {p["session"] for p in found["sessions"]} == SESSIONS
    assert client.get("/api/v1/unga/cohesion/nowhere").status_code == 404


def test_cyber_focus_names_bridges_splits_and_swing_states(client: TestClient) -> None:
    found = client.get("/api/v1/unga/cyber").json()
    assert (found["first"]["symbol"], found["second"]["symbol"]) == ("A/RES/73/27", "A/RES/73/266")
    assert found["bridges"]
    assert found["next_session"] == 74
    assert len(found["swing_states"]) == 25


def test_forecast_of_a_draft_and_its_bad_parameters(client: TestClient) -> None:
    params = {
        "title": "Developments in the field of information and telecommunications",
        "session": 74,
        "like": "A/RES/73/27",
    }
    found = client.get("/api/v1/unga/forecast", params=params).json()
    assert found["session"] == 74
    members = {m["iso3"]: m for m in found["members"]}
    assert members["RUS"]["vote"] == "yes"
    assert abs(sum(members["RUS"]["probabilities"].values()) - 1) < 1e-6
    assert client.get("/api/v1/unga/forecast", params={"title": "x" * 5}).status_code == 422
    early = client.get("/api/v1/unga/forecast", params={**params, "session": 20})
    assert early.status_code == 400
    unknown = client.get("/api/v1/unga/forecast", params={**params, "like": "A/RES/1/999"})
    assert unknown.status_code == 404


def test_api_without_votes_says_how_to_import_them(empty: TestClient) -> None:
    for url in ("/api/v1/unga/agreement?a=USA&b=GBR", "/api/v1/unga/cyber"):
        response = empty.get(url)
        assert response.status_code == 400
        assert "cyberdiplomacy import unga DIR" in response.text


def test_page_shows_cyber_focus_map_and_heat_map(client: TestClient) -> None:
    response = client.get("/unga", headers={"Accept": "text/html"})
    assert response.status_code == 200
    html = response.text
    assert "<title>UN General Assembly · Cyber Diplomacy Workbench</title>" in html
    assert 'href="/unga" aria-current="page"' in html
    assert "Bridges (" in html and "Swing states of session 74" in html
    assert 'id="vote-map-data"' in html and 'id="agreement-data"' in html
    assert "consensus.js" in html
    assert "cyberdiplomacy import unga DIR" not in html


def test_page_maps_the_forecast_and_a_chosen_set_of_states(client: TestClient) -> None:
    html = client.get("/unga", params={"mode": "forecast", "states": "USA,GBR,RUS,CHN"}).text
    assert "Forecast for the next A/RES/73/27 round" in html
    assert '"codes": ["USA", "GBR", "RUS", "CHN"]' in html


def test_page_rejects_bad_parameters(client: TestClient) -> None:
    assert client.get("/unga", params={"mode": "guess"}).status_code == 400
    assert client.get("/unga", params={"bloc": "nowhere"}).status_code == 400
    assert client.get("/unga", params={"states": "USA"}).status_code == 400
    assert client.get("/unga", params={"symbol": "A/RES/1/999"}).status_code == 404


def test_page_without_votes_shows_the_import_command(empty: TestClient) -> None:
    response = empty.get("/unga", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert "cyberdiplomacy import unga DIR" in response.text
    assert "plotly.min.js" not in response.text


def test_ideal_points_over_time_default_to_ten_states_over_the_sessions_recorded(
    client: TestClient,
) -> None:
    found = client.get("/api/v1/unga/ideal-points").json()
    assert found["sessions"] == sorted(SESSIONS) and found["anchor"] == "USA"
    ranks = {t["code"]: [p["rank"] for p in t["places"]] for t in found["states"]}
    assert list(ranks) == ["USA", "GBR", "FRA", "RUS", "CHN", "IND", "BRA", "ZAF", "IRN", "CUB"]
    assert set(ranks["USA"]) == {1}
    assert all(g < c for g, c in zip(ranks["GBR"], ranks["CUB"], strict=True))


def test_ideal_points_over_time_of_chosen_states_and_sessions(client: TestClient) -> None:
    params = {"first": 72, "last": 73, "states": "isr,usa"}
    found = client.get("/api/v1/unga/ideal-points", params=params).json()
    assert found["sessions"] == [72, 73]
    assert [t["code"] for t in found["states"]] == ["ISR", "USA"]
    everyone = client.get("/api/v1/unga/ideal-points", params={"first": 73, "states": "all"})
    assert len(everyone.json()["states"]) > 180


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"first": 73, "last": 70}, 400),
        ({"first": 20}, 400),  # more than 40 sessions at a time
        ({"states": "USA,XXX"}, 404),
        ({"states": ",".join(f"A{i:02d}" for i in range(61))}, 400),  # more than 60 states
        ({"first": "x"}, 422),
    ],
)
def test_ideal_points_over_time_reject_bad_parameters(
    client: TestClient, params: dict[str, object], status: int
) -> None:
    response = client.get("/api/v1/unga/ideal-points", params=params)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"


def test_cohesion_of_several_blocs_at_once(client: TestClient) -> None:
    found = client.get("/api/v1/unga/cohesion").json()
    six = ["eu", "nato", "sco", "brics", "asean", "au"]
    assert [c["bloc"] for c in found] in (six, [*six, "g77"])  # the G77, once the base has it
    chosen = client.get("/api/v1/unga/cohesion", params={"blocs": "NATO,eu", "first": 70}).json()
    assert [c["bloc"] for c in chosen] == ["nato", "eu"]
    assert {p["session"] for p in chosen[1]["sessions"]} == {70, 71, 72, 73}
    assert chosen[1]["agreement_index"] > chosen[0]["agreement_index"] > 0.5
    unknown = client.get("/api/v1/unga/cohesion", params={"blocs": "eu,nowhere"})
    assert unknown.status_code == 400 and "nowhere" in unknown.json()["detail"]


def test_ideal_points_page_draws_the_chosen_states_and_explains_the_method(
    client: TestClient,
) -> None:
    response = client.get("/unga/ideal-points", params={"states": "USA,CUB"})
    assert response.status_code == 200, response.text
    html = response.text
    assert "<title>Ideal points over time · Cyber Diplomacy Workbench</title>" in html
    assert 'href="/unga/ideal-points" aria-current="page"' in html
    assert 'id="ideal-chart-data"' in html and "unga-charts.js" in html
    assert "Sessions 66\N{EN DASH}73" in html and "item-response model" in html
    assert '<a href="/states/CUB">' in html


def test_cohesion_page_draws_the_default_blocs_and_lets_others_be_chosen(
    client: TestClient,
) -> None:
    html = client.get("/unga/cohesion").text
    assert 'id="cohesion-chart-data"' in html and "Agreement Index" in html
    assert 'value="eu" checked' in html and 'value="g20">' in html
    chosen = client.get("/unga/cohesion", params=[("bloc", "g20"), ("first", "72")]).text
    assert 'value="g20" checked' in chosen and 'value="eu">' in chosen
    assert "Sessions 72\N{EN DASH}73" in chosen


def test_trend_pages_reject_bad_parameters(client: TestClient) -> None:
    html = {"Accept": "text/html"}
    assert client.get("/unga/cohesion", params={"bloc": "nowhere"}, headers=html).status_code == 400
    assert client.get("/unga/cohesion", params={"first": 73, "last": 70}).status_code == 400
    assert client.get("/unga/ideal-points", params={"states": "XXX"}).status_code == 404
    response = client.get("/unga/ideal-points", params={"first": 0}, headers=html)
    assert response.status_code == 422 and "<!doctype html>" in response.text


def test_trend_pages_without_votes_show_the_import_command(empty: TestClient) -> None:
    for url in ("/unga/ideal-points", "/unga/cohesion"):
        response = empty.get(url, headers={"Accept": "text/html"})
        assert response.status_code == 200
        assert "cyberdiplomacy import unga DIR" in response.text
        assert "plotly.min.js" not in response.text
    assert empty.get("/api/v1/unga/ideal-points").status_code == 400


def test_common_ground_estimates_states_without_positions_from_their_voting_peers(
    client: TestClient,
) -> None:
    body = {
        "provisions": [
            {"id": "ihl", "text": "IHL applies", "issues": {"ihl-applies": "yes"}},
            {
                "id": "treaty",
                "text": "A new treaty",
                "issues": {"new-binding-instrument": "yes"},
                "required": True,
            },
        ]
    }
    found = client.post("/api/v1/positions/common-ground", json=body).json()
    assert found["states"] == 193 and "treaty" in found["best"]["provisions"]
    support = {s["iso3"]: s for s in found["support"]}
    assert support["RUS"]["provisions"]["treaty"] == 1.0 and support["USA"]["support"] == 0.0
    assert "RUS" in support["BLR"]["estimated_from"]  # among the states voting most like it
