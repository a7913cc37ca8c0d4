"""Shared fixtures: every storage and ingest test runs on SQLite and on a real PostgreSQL.

PostgreSQL: `INVOICEPORT_TEST_POSTGRES` (default postgresql://postgres@127.0.0.1:5432/test) is the
server's maintenance database; the suite creates its own database beside it, migrates it once and
empties it before each test. Without PostgreSQL the PostgreSQL half is skipped, except under CI
(`CI=true`), where it fails.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from invoiceport.app import close, create_app
from invoiceport.dialects.abcsupply import register_webhook_payloads
from invoiceport.ops.migrate import upgrade
from invoiceport.platform.db import create_engine
from invoiceport.platform.models import metadata
from invoiceport.settings import Settings

ADMIN_TOKEN = "test-admin-token-0123456789abcdefghijkl"  # 32+ characters
POSTGRES = os.environ.get("INVOICEPORT_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="session", autouse=True)
def webhook_payloads() -> None:
    """Tests that ingest through the services without an app: as `create_app` and the CLI do.
    (tests/webhooks/test_payloads.py checks that those two register it themselves.)"""
    register_webhook_payloads()


FULL = os.environ.get("INVOICEPORT_TEST_FULL", "").lower() in ("1", "true", "yes")


def share(default: int, full: int) -> int:
    """How much of a heavy suite (schemathesis, browser, e-invoice validation) to run: a
    representative share by default, all of it with INVOICEPORT_TEST_FULL=1 (`make test-full`)."""
    return full if FULL else default


def _under_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _server_url(database: str) -> str:
    return POSTGRES.rsplit("/", 1)[0] + "/" + database


async def _admin(sql: str) -> None:
    conn = await asyncpg.connect(POSTGRES, timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def _migrated(url: str) -> None:
    engine = create_engine(Settings(database_url=url))
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for this test session."""
    name = f"invoiceport_test_{uuid.uuid4().hex[:10]}"
    try:
        asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    except (OSError, asyncpg.PostgresError) as exc:
        message = f"PostgreSQL at {POSTGRES} is not available: {exc}"
        if _under_ci():
            pytest.fail(message)
        pytest.skip(message)
    url = _server_url(name)
    asyncio.run(_migrated(url))
    yield url
    asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file; each test gets a copy (faster than migrating each time)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    asyncio.run(_migrated(f"sqlite:///{path}"))
    return path


def _truncate(url: str) -> None:
    tables = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
    database = url.rsplit("/", 1)[1]

    async def run() -> None:
        conn = await asyncpg.connect(_server_url(database), timeout=5)
        try:
            await conn.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        finally:
            await conn.close()

    asyncio.run(run())


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty, migrated database of each kind."""
    if request.param == "sqlite":
        path = tmp_path / "invoiceport.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("postgres_database")
    _truncate(url)
    return url


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, admin_token=ADMIN_TOKEN, _env_file=None)  # type: ignore[call-arg]


@pytest.fixture
async def engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(settings)
    yield engine
    await engine.dispose()


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The real app over httpx's ASGI transport, authenticated as the admin."""
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport,
        base_url="http://invoiceport.test",
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
    ) as http:
        yield http
    await close(app)
