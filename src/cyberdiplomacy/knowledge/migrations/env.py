"""Alembic environment: runs migrations on the engine the workbench hands over."""

from alembic import context

from cyberdiplomacy.knowledge.models import Base

engine = context.config.attributes["connection_engine"]
with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
