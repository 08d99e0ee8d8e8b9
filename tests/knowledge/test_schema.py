"""The schema is made by the Alembic migrations, the same way on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text

from cyberdiplomacy.errors import DatabaseNotReady
from cyberdiplomacy.knowledge import database
from cyberdiplomacy.knowledge.models import Base


def head() -> str:
    config = database._alembic_config(database.make_engine("sqlite://"))
    found = ScriptDirectory.from_config(config).get_current_head()
    assert found is not None
    return found


def test_migrations_leave_the_database_at_the_head_revision(engine: Engine) -> None:
    with engine.connect() as connection:
        version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    assert version == head()
    assert database.is_current(engine)
    database.require_current(engine)


def test_migrations_create_every_table_of_the_model(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert {"actor", "alias", "membership", "attack_object", "vocabulary_term"} <= tables


def test_migrations_match_the_model(engine: Engine) -> None:
    """Autogenerate finds nothing to do: every model change came with its migration."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection)
        assert compare_metadata(context, Base.metadata) == []


def test_upgrading_twice_changes_nothing(engine: Engine) -> None:
    before = sorted(inspect(engine).get_table_names())
    database.upgrade(engine)
    assert sorted(inspect(engine).get_table_names()) == before
    assert database.is_current(engine)


def test_downgrade_to_base_removes_the_schema_and_upgrade_restores_it(engine: Engine) -> None:
    command.downgrade(database._alembic_config(engine), "base")
    assert not database.is_current(engine)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    database.upgrade(engine)
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())


def test_an_empty_database_is_not_ready(tmp_path: Path) -> None:
    empty = database.make_engine(f"sqlite:///{tmp_path / 'nested' / 'empty.db'}")
    assert not database.is_current(empty)
    with pytest.raises(DatabaseNotReady, match="cyberdiplomacy init"):
        database.require_current(empty)
    empty.dispose()


def test_sqlite_bases_enforce_foreign_keys(tmp_path: Path) -> None:
    sqlite = database.make_engine(f"sqlite:///{tmp_path / 'kb.db'}")
    with sqlite.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
        assert connection.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
    sqlite.dispose()
