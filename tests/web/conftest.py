"""The browser-like client the page tests share; API test modules define their own `client`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from cyberdiplomacy.web.app import create_app


@pytest.fixture(scope="module")
def client(full_base: Engine) -> Iterator[TestClient]:
    """A browser-like client: asks for HTML, does not follow redirects."""
    app = create_app(engine=full_base)
    with TestClient(app, headers={"Accept": "text/html"}, follow_redirects=False) as client:
        yield client
