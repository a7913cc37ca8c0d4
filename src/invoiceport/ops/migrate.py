"""Schema migrations (Alembic), run on the project's own async engine.

`upgrade` brings a database to the newest schema; `pending_changes` lists what the models have that
the migrations do not make (a test keeps that list empty).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from invoiceport.platform.models import metadata

MIGRATIONS = Path(__file__).parents[1] / "migrations"  # invoiceport/migrations
# PostgreSQL advisory lock key (any constant; advisory locks are per database): processes started
# together (N servers and M workers under systemd, docs/deploy.md) migrate one at a time; the
# later ones find the schema current and do nothing.
MIGRATION_LOCK = 0x1E7A_0017


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    def run(connection: Connection) -> None:
        command.upgrade(alembic_config(connection), revision)

    async with engine.begin() as connection:
        if connection.dialect.name == "postgresql":  # released when this transaction ends
            await connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK}
            )
        await connection.run_sync(run)


async def current_revision(engine: AsyncEngine) -> str | None:
    def read(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    async with engine.connect() as connection:
        return await connection.run_sync(read)


async def pending_changes(engine: AsyncEngine, models: MetaData = metadata) -> list[Any]:
    """Differences between the models and a database the migrations made (empty when in sync)."""

    def compare(connection: Connection) -> list[Any]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, models))

    async with engine.connect() as connection:
        return await connection.run_sync(compare)


def revision(message: str, database_url_sync: str) -> None:
    """Autogenerate a migration (developer tool: `invoiceport db revision -m ...`)."""
    from sqlalchemy import create_engine

    engine = create_engine(database_url_sync)
    with engine.begin() as connection:
        command.revision(alembic_config(connection), message=message, autogenerate=True)
