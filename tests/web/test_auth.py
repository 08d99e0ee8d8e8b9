"""Signing in, sessions, CSRF and tokens: writes need an account, browser writes their token."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from marked import PASSWORD, Tokens, seed
from sqlalchemy import Engine

from cyberdiplomacy.accounts import service
from cyberdiplomacy.knowledge.database import transaction
from cyberdiplomacy.web.app import create_app
from cyberdiplomacy.web.auth import CSRF_COOKIE, SESSION_COOKIE

HTML = {"Accept": "text/html"}


@pytest.fixture
def seeded(sqlite_engine: Engine) -> tuple[Engine, Tokens]:
    return sqlite_engine, seed(sqlite_engine)


@pytest.fixture
def client(seeded: tuple[Engine, Tokens]) -> Iterator[TestClient]:
    with TestClient(create_app(engine=seeded[0]), follow_redirects=False) as client:
        yield client


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, "the page has no form token"
    return found.group(1)


def sign_in(client: TestClient, username: str = "alice", password: str = PASSWORD) -> str:
    """Sign in through the form; the session's CSRF token, read off the next page."""
    form = client.get("/login", headers=HTML)
    answer = client.post(
        "/login",
        data={"username": username, "password": password, "csrf": csrf_of(form.text)},
        headers=HTML,
    )
    assert answer.status_code == 303, answer.text
    return csrf_of(client.get("/account", headers=HTML).text)


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/incidents",
        "/api/v1/incidents/zz-clear-operation",
        "/api/v1/no-such-thing",
        "/incidents",
        "/hotline/compose",
        "/logout",
        "/account/tokens",
        "/nowhere",
    ],
)
def test_anonymous_writes_are_401_whatever_the_path_or_method(
    client: TestClient, method: str, path: str
) -> None:
    answer = client.request(method, path, json={"name": "x"})
    assert answer.status_code == 401
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.headers["www-authenticate"].startswith("Bearer")


@pytest.mark.parametrize("header", ["Bearer cdw_not-a-token", "Bearer ", "Basic YTpi", "cdw_x"])
def test_bad_credentials_are_401_on_reads_too(client: TestClient, header: str) -> None:
    answer = client.get("/api/v1/incidents", headers={"Authorization": header})
    assert answer.status_code == 401


def test_open_computations_need_no_account(client: TestClient) -> None:
    answer = client.post("/api/v1/positions/common-ground", json={"provisions": []})
    assert answer.status_code not in (401, 403)


def test_a_token_authenticates_reads_and_writes_without_a_csrf_token(
    client: TestClient, seeded: tuple[Engine, Tokens]
) -> None:
    bearer = {"Authorization": f"Bearer {seeded[1].alice}"}
    assert client.get("/api/v1/incidents", headers=bearer).status_code == 200
    # No such route: with an account, a write is routed (405/404), no longer refused as 401.
    assert client.post("/api/v1/nowhere", headers=bearer).status_code == 404


def test_a_revoked_token_and_a_disabled_account_stop_at_once(
    client: TestClient, seeded: tuple[Engine, Tokens]
) -> None:
    engine, tokens = seeded
    with transaction(engine) as session:
        service.revoke_token(session, "alice", tokens.alice[:10])
        service.set_disabled(session, "bob")
    for token in (tokens.alice, tokens.bob):
        answer = client.get("/api/v1/incidents", headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 401


def test_signing_in_sets_an_http_only_session_cookie_and_shows_the_account(
    client: TestClient,
) -> None:
    form = client.get("/login", headers=HTML)
    assert CSRF_COOKIE in form.cookies
    answer = client.post(
        "/login",
        data={"username": "alice", "password": PASSWORD, "csrf": csrf_of(form.text), "next": "/"},
        headers=HTML,
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/"
    cookie = answer.headers["set-cookie"]
    assert SESSION_COOKIE in cookie and "HttpOnly" in cookie and "samesite=lax" in cookie.lower()
    page = client.get("/account", headers=HTML)
    assert "alice" in page.text and "mfa" in page.text


def test_sign_in_refuses_a_form_without_the_browsers_token(client: TestClient) -> None:
    client.get("/login", headers=HTML)
    answer = client.post(
        "/login", data={"username": "alice", "password": PASSWORD, "csrf": "forged"}, headers=HTML
    )
    assert answer.status_code == 403
    assert SESSION_COOKIE not in answer.cookies


def test_a_wrong_password_is_401_and_names_no_reason(client: TestClient) -> None:
    form = client.get("/login", headers=HTML)
    for username in ("alice", "nobody"):
        answer = client.post(
            "/login",
            data={"username": username, "password": "wrong-password!", "csrf": csrf_of(form.text)},
            headers=HTML,
        )
        assert answer.status_code == 401
        assert "Wrong user name or password" in answer.text


def test_five_failures_lock_the_account_even_for_the_right_password(client: TestClient) -> None:
    token = csrf_of(client.get("/login", headers=HTML).text)
    for _ in range(service.MAX_FAILURES):
        client.post("/login", data={"username": "bob", "password": "nope", "csrf": token})
    answer = client.post(
        "/login", data={"username": "bob", "password": PASSWORD, "csrf": token}, headers=HTML
    )
    assert answer.status_code == 429


def test_the_next_address_never_leaves_the_site(client: TestClient) -> None:
    form = client.get("/login", headers=HTML)
    answer = client.post(
        "/login",
        data={
            "username": "alice",
            "password": PASSWORD,
            "csrf": csrf_of(form.text),
            "next": "//evil.example/",
        },
    )
    assert answer.headers["location"] == "/"


def test_a_signed_in_browser_needs_its_token_for_every_write(client: TestClient) -> None:
    csrf = sign_in(client)
    assert client.post("/logout", headers=HTML).status_code == 403
    assert client.post("/logout", data={"csrf": "forged"}).status_code == 403
    assert client.post("/logout", data={"csrf": csrf}).status_code == 303
    # Signed out: the old cookie opens nothing, and writes are 401 again.
    assert client.post("/account/tokens", data={"csrf": csrf}).status_code == 401


def test_a_token_made_on_the_account_page_is_shown_once_and_works(client: TestClient) -> None:
    csrf = sign_in(client, "carol")
    page = client.post("/account/tokens", data={"csrf": csrf, "name": "export"}, headers=HTML)
    token = re.search(r"cdw_[A-Za-z0-9_-]{20,}", page.text)
    assert token
    assert token.group(0) not in client.get("/account", headers=HTML).text
    client.cookies.clear()
    answer = client.get("/api/v1/incidents", headers={"Authorization": f"Bearer {token.group(0)}"})
    assert answer.status_code == 200
