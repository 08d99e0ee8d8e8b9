"""Fixtures for the consensus tests: hand-built vote tables, and the real UNGA data imported once
(the helpers behind them are in `unga_tables`)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from unga_tables import TableOf, shared_unga, table_of

from cyberdiplomacy.knowledge import votes
from cyberdiplomacy.knowledge.database import make_engine, transaction
from cyberdiplomacy.sources import bundled, unga


@pytest.fixture
def build_table() -> TableOf:
    return table_of


@pytest.fixture(scope="session")
def unga_base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A SQLite base with the bundled sources and all the shared UNGA votes, built once."""
    folder = shared_unga()
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('unga') / 'kb.db'}")
    bundled.initialise(engine)
    with transaction(engine) as session:
        result = unga.import_votes(session, folder)
        bundled.record(session, "unga", str(folder), result.counts())
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def unga_table(unga_base: Engine) -> tuple[votes.VoteTable, dict[str, list[votes.Tenure]]]:
    """The real vote table and the knowledge base's blocs."""
    with transaction(unga_base) as session:
        return votes.vote_table(session), votes.bloc_tenures(session)
