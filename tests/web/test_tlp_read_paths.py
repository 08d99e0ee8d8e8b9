"""TLP 2.0 on every HTTP read path: no page, list, search, count, export or briefing shows a
record to someone its marking excludes, nor that it exists."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from marked import MARKINGS, SEES, Tokens, name, seed, slug
from sqlalchemy import Engine

from cyberdiplomacy.web.app import create_app

LISTS = [
    "/api/v1/incidents",
    "/api/v1/incidents?q=Zephyr",
    "/api/v1/claims",
    "/api/v1/search?q=Zephyr",
    "/api/v1/states/EST",
    "/api/v1/states/EST/incidents",
    "/api/v1/states/RUS",
    "/api/v1/overview",
    "/api/v1/attribution/network",
    "/incidents",
    "/incidents?q=Zephyr",
    "/search?q=Zephyr",
    "/states/EST",
    "/states/RUS",
    "/",
    "/attribution/network",
]
DETAILS = [
    "/api/v1/incidents/{}",
    "/incidents/{}",
    "/incidents/{}/history",
    "/api/v1/incidents/{}/history",
]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Tokens]]:
    from cyberdiplomacy.knowledge.database import make_engine, upgrade

    engine: Engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('tlp') / 'kb.db'}")
    upgrade(engine)
    tokens = seed(engine)
    with TestClient(create_app(engine=engine)) as client:
        yield client, tokens
    engine.dispose()


def headers(tokens: Tokens, who: str) -> dict[str, str]:
    token = getattr(tokens, who, None)
    return {"Authorization": f"Bearer {token}"} if token else {}


def hidden(who: str) -> list[str]:
    return [m for m in MARKINGS if m not in SEES[who]]


def shows(body: str, marking: str, *, asked: bool = False) -> bool:
    """Whether a body names the marked incident or quotes its claim (its slug, unless asked)."""
    named = not asked and slug(marking) in body
    return named or name(marking) in body or f"the {marking} incident" in body


@pytest.mark.parametrize("who", sorted(SEES))
@pytest.mark.parametrize("path", LISTS)
def test_lists_searches_and_aggregates_show_only_what_the_marking_allows(
    served: tuple[TestClient, Tokens], path: str, who: str
) -> None:
    client, tokens = served
    answer = client.get(path, headers=headers(tokens, who) | {"Accept": "text/html"})
    assert answer.status_code == 200, answer.text
    for marking in hidden(who):
        assert not shows(answer.text, marking), f"{path} shows TLP:{marking} to {who}"


@pytest.mark.parametrize("who", sorted(SEES))
def test_the_lists_show_everything_the_viewer_may_read(
    served: tuple[TestClient, Tokens], who: str
) -> None:
    client, tokens = served
    page = client.get("/api/v1/incidents", headers=headers(tokens, who)).json()
    assert {i["slug"] for i in page["items"]} == {slug(m) for m in SEES[who]}
    assert page["total"] == len(SEES[who])
    dashboard = client.get("/", headers=headers(tokens, who)).text
    assert f"All {len(SEES[who])} incidents" in dashboard
    assert f"{len(SEES[who])} incidents" in dashboard


@pytest.mark.parametrize("who", sorted(SEES))
@pytest.mark.parametrize("path", DETAILS)
def test_a_hidden_record_is_not_found_and_a_visible_one_is(
    served: tuple[TestClient, Tokens], path: str, who: str
) -> None:
    client, tokens = served
    for marking in MARKINGS:
        answer = client.get(path.format(slug(marking)), headers=headers(tokens, who))
        expected = 200 if marking in SEES[who] else 404
        assert answer.status_code == expected, f"{path} TLP:{marking} for {who}"
        if expected == 404:
            assert not shows(answer.text, marking, asked=True)


@pytest.mark.parametrize("who", sorted(SEES))
def test_the_claims_of_a_hidden_incident_are_not_weighed(
    served: tuple[TestClient, Tokens], who: str
) -> None:
    client, tokens = served
    for marking in hidden(who):
        url = f"/api/v1/incidents/{slug(marking)}/assessment"
        answer = client.get(url, headers=headers(tokens, who))
        assert answer.status_code == 404 or not answer.json()["claims"], url
