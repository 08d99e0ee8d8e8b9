"""Fixtures that build real knowledge bases: SQLite files and PostgreSQL databases.

PostgreSQL tests need `CYBERDIPLOMACY_TEST_POSTGRESQL_URL` (an admin URL; `.ci/run` sets it);
each test gets a database of its own, dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from cyberdiplomacy.knowledge.database import make_engine, transaction, upgrade
from cyberdiplomacy.sources import bundled

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
ATTACK_BUNDLE = SHARED_DATA / "attack" / "enterprise-attack-18.1-no-campaigns.json.gz"
POSTGRESQL_URL = os.environ.get("CYBERDIPLOMACY_TEST_POSTGRESQL_URL")


@pytest.fixture(scope="session", autouse=True)
def _test_client_host() -> Iterator[None]:
    """Allow `testserver`, the Host that Starlette's TestClient sends."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CYBERDIPLOMACY_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1,::1")
        yield


@pytest.fixture
def attack_bundle() -> Path:
    """The shared ATT&CK Enterprise 18.1 bundle; tests that need it skip when it is absent."""
    if not ATTACK_BUNDLE.exists():
        pytest.skip(f"shared ATT&CK bundle not found at {ATTACK_BUNDLE}")
    return ATTACK_BUNDLE


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'kb.db'}")
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def postgresql_engine() -> Iterator[Engine]:
    if not POSTGRESQL_URL:
        pytest.skip("CYBERDIPLOMACY_TEST_POSTGRESQL_URL is not set (.ci/run sets it)")
    admin = create_engine(POSTGRESQL_URL, isolation_level="AUTOCOMMIT")
    name = f"cdw_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(make_url(POSTGRESQL_URL).set(database=name).render_as_string(False))
    upgrade(engine)
    yield engine
    engine.dispose()
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest) -> Engine:
    """An empty, migrated knowledge base on each backend in turn."""
    return request.getfixturevalue(f"{request.param}_engine")  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def full_base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A SQLite base with the bundled sources and the shared ATT&CK bundle, built once."""
    if not ATTACK_BUNDLE.exists():
        pytest.skip(f"shared ATT&CK bundle not found at {ATTACK_BUNDLE}")
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('full') / 'kb.db'}")
    bundled.initialise(engine)
    with transaction(engine) as session:
        bundled.import_attack(session, ATTACK_BUNDLE)
    yield engine
    engine.dispose()
