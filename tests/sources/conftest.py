"""Fixtures for the importer tests: a fully imported base per backend, built once per session.

`imported` imports the bundled sources and the shared ATT&CK bundle twice each, in the order an
analyst would (`init`, `import attack`, refreshes), with a snapshot after each step. Tests only
read it; tests that write use the per-test `engine` fixture.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from kb_snapshots import ATTACK_BUNDLE, ImportedBase, build
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from cyberdiplomacy.knowledge.database import make_engine


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def imported(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ImportedBase]:
    """The bundled sources and ATT&CK 18.1, each imported twice, on each backend in turn."""
    if not ATTACK_BUNDLE.exists():
        pytest.skip(f"shared ATT&CK bundle not found at {ATTACK_BUNDLE}")
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('imported') / 'kb.db'}")
        yield build("sqlite", engine)
        engine.dispose()
        return
    admin_url = os.environ.get("CYBERDIPLOMACY_TEST_POSTGRESQL_URL")
    if not admin_url:
        pytest.skip("CYBERDIPLOMACY_TEST_POSTGRESQL_URL is not set (.ci/run sets it)")
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"cdw_imported_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(make_url(admin_url).set(database=name).render_as_string(False))
    try:
        yield build("postgresql", engine)
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()
