"""Engines, sessions and schema migrations for SQLite (embedded) and PostgreSQL (teams)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import ExceptionContext, make_url
from sqlalchemy.orm import Session, sessionmaker

from cyberdiplomacy.errors import DatabaseNotReady, InvalidQuery
from cyberdiplomacy.knowledge.access import SYSTEM, Viewer, bind

MIGRATIONS = Path(__file__).with_name("migrations")


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite files get their folder, foreign keys and WAL journaling."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        engine = create_engine(url, pool_pre_ping=True)
        event.listen(engine, "handle_error", _refuse_nul)
        return engine
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    return engine


def _refuse_nul(context: ExceptionContext) -> None:
    """PostgreSQL text cannot hold NUL characters: a query giving one is refused, not a crash."""
    if "NUL (0x00)" in str(context.original_exception):
        raise InvalidQuery("text", "must not contain NUL characters")


def _alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection_engine"] = engine
    return config


def upgrade(engine: Engine) -> None:
    """Create or upgrade the schema to the newest migration."""
    command.upgrade(_alembic_config(engine), "head")


def is_current(engine: Engine) -> bool:
    """True when the database schema is at the newest migration."""
    head = ScriptDirectory.from_config(_alembic_config(engine)).get_current_head()
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision() == head


def require_current(engine: Engine) -> None:
    """Raise `DatabaseNotReady` unless the schema is at the newest migration."""
    if not is_current(engine):
        raise DatabaseNotReady()


@contextmanager
def transaction(engine: Engine, viewer: Viewer = SYSTEM) -> Iterator[Session]:
    """A session reading as `viewer` that commits on success and rolls back on any error.

    By default it reads as `SYSTEM`, as importers and maintenance must: to replace what they
    brought before they must see it all. Whatever serves a person binds that person instead.
    """
    with sessionmaker(engine, expire_on_commit=False)() as session, session.begin():
        bind(session, viewer)
        yield session
