"""Web hardening: security headers on every answer, a body limit, a Host allowlist, costly slots."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from cyberdiplomacy.config import Settings
from cyberdiplomacy.errors import Busy
from cyberdiplomacy.web.app import create_app
from cyberdiplomacy.web.security import CostlyGate, host_name


def settings(**changes: object) -> Settings:
    return dataclasses.replace(Settings.load(), **changes)  # type: ignore[arg-type]


@pytest.fixture
def client(sqlite_engine: Engine) -> Iterator[TestClient]:
    app = create_app(settings(max_body_bytes=1000), sqlite_engine)
    with TestClient(app, follow_redirects=False) as client:
        yield client


@pytest.mark.parametrize(
    "path", ["/", "/incidents", "/api/v1/incidents", "/static/workbench.css", "/no-such-page"]
)
def test_every_answer_carries_the_security_headers(client: TestClient, path: str) -> None:
    headers = client.get(path, headers={"Accept": "text/html"}).headers
    policy = headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("style-src")[0]
    assert "frame-ancestors 'none'" in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_scripts(client: TestClient) -> None:
    for path in ("/", "/incidents", "/login", "/search?q=ransomware"):
        page = client.get(path, headers={"Accept": "text/html"}).text
        for tag in page.split("<script")[1:]:
            opening = tag.partition(">")[0]
            assert "src=" in opening or 'type="application/json"' in opening, (path, opening)


def test_a_body_over_the_limit_is_refused_before_it_is_read(client: TestClient) -> None:
    answer = client.post("/api/v1/attribute", content=b"{" + b" " * 5000 + b"}")
    assert answer.status_code == 413
    assert answer.headers["Content-Type"] == "application/problem+json"
    assert "1000 bytes" in answer.json()["detail"]


def test_a_streamed_body_over_the_limit_is_refused(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(20):
            yield b" " * 100

    answer = client.post(
        "/api/v1/attribute", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 413


def test_a_body_under_the_limit_is_served(client: TestClient) -> None:
    answer = client.post("/api/v1/attribute", json={"techniques": ["T1486"]})
    assert answer.status_code != 413


@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1.evil.example", "localhost.evil"])
def test_a_foreign_host_is_refused(sqlite_engine: Engine, host: str) -> None:
    app = create_app(settings(allowed_hosts=None, host="127.0.0.1"), sqlite_engine)
    with TestClient(app, base_url=f"http://{host}") as client:
        answer = client.get("/api/v1/incidents")
    assert answer.status_code == 400
    assert "CYBERDIPLOMACY_ALLOWED_HOSTS" in answer.json()["detail"]


@pytest.mark.parametrize("host", ["localhost:8000", "127.0.0.1", "[::1]:8000"])
def test_the_loopback_names_are_answered_by_default(sqlite_engine: Engine, host: str) -> None:
    app = create_app(settings(allowed_hosts=None, host="127.0.0.1"), sqlite_engine)
    with TestClient(app, headers={"Host": host}) as client:
        assert client.get("/api/v1/incidents").status_code == 200


def test_host_names_lose_port_and_case() -> None:
    assert host_name("[::1]:8000") == "::1"
    assert host_name("LocalHost:80") == "localhost"
    assert host_name("example.org.") == "example.org"


def test_a_costly_analysis_beyond_the_slots_is_turned_away() -> None:
    gate = CostlyGate(1, retry_after=3)
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with gate.slot():
            holding.set()
            release.wait(5)

    worker = threading.Thread(target=hold)
    worker.start()
    holding.wait(5)
    with pytest.raises(Busy) as refused, gate.slot():
        pass
    assert refused.value.retry_after == 3
    release.set()
    worker.join()
    with gate.slot():  # the slot is free again
        pass


def test_the_busy_answer_is_429_with_retry_after(sqlite_engine: Engine) -> None:
    app = create_app(settings(max_costly=0), sqlite_engine)
    with TestClient(app) as client:
        answer = client.get("/api/v1/unga/ideal-points")
    assert answer.status_code == 429
    assert int(answer.headers["Retry-After"]) > 0
