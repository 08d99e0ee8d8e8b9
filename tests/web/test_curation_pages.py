"""Curation by form: field errors keep the input and save nothing; history; a curator reverts."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from marked import PASSWORD, seed
from sqlalchemy import Engine

from cyberdiplomacy.accounts import service
from cyberdiplomacy.knowledge.access import Role
from cyberdiplomacy.knowledge.database import transaction
from cyberdiplomacy.web.app import create_app

HTML = {"Accept": "text/html"}
FORM = {
    "slug": "consular-phishing-2026",
    "name": "Consular phishing 2026",
    "started": "2026-03-02",
    "ended": "",
    "type": "espionage",
    "aliases": "",
    "summary": "A spear-phishing campaign against the <b>consular</b> network [click].",
    "victims": "EST",
    "actors": "",
    "techniques": "T1566.001, T1204.002",
    "software": "",
    "effects": "",
    "source_publisher": "MFA cyber unit",
    "source_title": "Incident report 2026-14",
    "source_url": "",
    "source_published": "",
    "as_of": "2026-03-10",
    "tlp": "green",
}


@pytest.fixture
def client(sqlite_engine: Engine) -> Iterator[TestClient]:
    seed(sqlite_engine)
    with transaction(sqlite_engine) as session:
        service.add_user(
            session, "dave", organisation_slug="cert", role=Role.CURATOR, password=PASSWORD
        )
    with TestClient(create_app(engine=sqlite_engine), follow_redirects=False) as client:
        yield client


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, "the page has no form token"
    return found.group(1)


def sign_in(client: TestClient, username: str) -> str:
    client.cookies.clear()
    form = client.get("/login", headers=HTML)
    answer = client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf": csrf_of(form.text)},
        headers=HTML,
    )
    assert answer.status_code == 303, answer.text
    return csrf_of(client.get("/incidents/new", headers=HTML).text)


def test_the_form_needs_an_analyst(client: TestClient) -> None:
    assert client.get("/incidents/new", headers=HTML).status_code == 401
    sign_in(client, "alice")
    client.cookies.clear()
    form = client.get("/login", headers=HTML)
    client.post(
        "/login",
        data={"username": "carol", "password": PASSWORD, "csrf": csrf_of(form.text)},
        headers=HTML,
    )
    assert client.get("/incidents/new", headers=HTML).status_code == 403


def test_a_missing_field_shows_its_error_keeps_the_input_and_saves_nothing(
    client: TestClient,
) -> None:
    csrf = sign_in(client, "alice")
    missing = FORM | {"victims": "", "summary": "too short", "csrf": csrf}
    answer = client.post("/incidents/new", data=missing, headers=HTML)
    assert answer.status_code == 422
    assert 'id="victims-error"' in answer.text and 'id="summary-error"' in answer.text
    assert 'value="Incident report 2026-14"' in answer.text  # what was typed is kept
    assert client.get("/incidents/consular-phishing-2026", headers=HTML).status_code == 404

    saved = client.post("/incidents/new", data=FORM | {"csrf": csrf}, headers=HTML)
    assert saved.status_code == 303
    assert saved.headers["location"] == "/incidents/consular-phishing-2026"
    page = client.get("/incidents/consular-phishing-2026", headers=HTML).text
    assert "&lt;b&gt;consular&lt;/b&gt; network [click]" in page  # stored text is escaped
    assert 'href="/incidents/consular-phishing-2026/edit"' in page


def test_an_edit_shows_in_the_history_and_a_curator_reverts_it(client: TestClient) -> None:
    csrf = sign_in(client, "alice")
    client.post("/incidents/new", data=FORM | {"csrf": csrf}, headers=HTML)
    edit = client.get("/incidents/consular-phishing-2026/edit", headers=HTML)
    assert edit.status_code == 200 and 'value="Consular phishing 2026"' in edit.text
    changed = FORM | {"name": "Consular phishing (draft)", "csrf": csrf}
    assert (
        client.post("/incidents/consular-phishing-2026/edit", data=changed, headers=HTML)
    ).status_code == 303
    history = client.get("/incidents/consular-phishing-2026/history", headers=HTML).text
    assert "Consular phishing (draft)" in history and "by alice" in history
    assert "/revert" not in history  # analysts do not revert

    csrf = sign_in(client, "dave")
    history = client.get("/incidents/consular-phishing-2026/history", headers=HTML).text
    change = re.search(r'action="/changes/(\d+)/revert"', history)
    assert change is not None
    reverted = client.post(f"/changes/{change.group(1)}/revert", data={"csrf": csrf}, headers=HTML)
    assert reverted.status_code == 303
    page = client.get("/incidents/consular-phishing-2026", headers=HTML).text
    assert "<h1>Consular phishing 2026</h1>" in page
