"""`platform.db.fetch`, the read path of every dialect route, on PostgreSQL: a connection the
pool holds idle is taken without a greenlet; a pool that must open or wait for a connection does
it in one; a read that fails or outlives its timeout drops its connection, and the next read
works (docs/performance.md, "The read path without a greenlet")."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import asyncpg
import pytest
from sqlalchemy import TextClause, text
from sqlalchemy.ext.asyncio import AsyncEngine

from invoiceport.platform import db
from invoiceport.platform.db import DatabaseUnavailable, create_engine, fetch
from invoiceport.settings import Settings

_PID = text("SELECT pg_backend_pid() AS pid")
_HOLDING = text("SELECT pg_backend_pid() AS pid FROM pg_sleep(0.05)")


@pytest.fixture
async def engine(postgres_database: str) -> AsyncIterator[AsyncEngine]:
    settings = Settings(database_url=postgres_database, db_pool_size=1, _env_file=None)
    made = create_engine(settings)  # at most 2 connections
    try:
        yield made
    finally:
        await made.dispose()


@pytest.fixture
def greenlets(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the functions `fetch` ran in a greenlet, in order."""
    ran: list[str] = []
    spawn = db.greenlet_spawn

    async def counted(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        ran.append(fn.__name__)
        return await spawn(fn, *args, **kwargs)

    monkeypatch.setattr(db, "greenlet_spawn", counted)
    return ran


async def _pid(engine: AsyncEngine, statement: TextClause = _PID, seconds: float = 5.0) -> int:
    rows = await fetch(engine, statement, {}, seconds)
    return int(rows[0]["pid"])


async def test_an_idle_connection_is_read_without_a_greenlet(
    engine: AsyncEngine, greenlets: list[str]
) -> None:
    first = await _pid(engine)  # the pool is empty: it opens a connection, in a greenlet
    assert greenlets == ["_checkout"]
    later = [await _pid(engine) for _ in range(20)]
    assert set(later) == {first}  # the same connection, back in the pool after each read
    assert greenlets == ["_checkout"]  # and not one more greenlet
    assert engine.sync_engine.pool.checkedout() == 0  # type: ignore[attr-defined]


async def test_reads_beyond_the_pool_wait_for_a_connection(
    engine: AsyncEngine, greenlets: list[str]
) -> None:
    pids = await asyncio.gather(*(_pid(engine, _HOLDING) for _ in range(6)))
    assert len(set(pids)) == 2  # the pool's two connections, each used three times
    assert len(greenlets) >= 4  # opened two, and waited for one at least four times
    assert engine.sync_engine.pool.checkedout() == 0  # type: ignore[attr-defined]


async def test_a_read_past_its_timeout_drops_its_connection(engine: AsyncEngine) -> None:
    warm = await _pid(engine)
    started = time.monotonic()
    with pytest.raises(DatabaseUnavailable, match="TimeoutError"):
        await fetch(engine, text("SELECT pg_sleep(5) AS slept"), {}, 0.3)
    assert time.monotonic() - started < 2.0
    assert await _pid(engine) != warm  # that connection's state was unknown: not reused
    assert engine.sync_engine.pool.checkedout() == 0  # type: ignore[attr-defined]


async def test_a_failed_statement_drops_its_connection(engine: AsyncEngine) -> None:
    warm = await _pid(engine)
    with pytest.raises(asyncpg.DataError):
        await fetch(engine, text("SELECT 1 / 0 AS never"), {}, 5.0)
    assert await _pid(engine) != warm


async def test_a_connection_closed_by_the_server_fails_one_read_then_the_pool_recovers(
    engine: AsyncEngine, postgres_database: str
) -> None:
    warm = await _pid(engine)
    admin = await asyncpg.connect(postgres_database)
    try:
        assert await admin.fetchval("SELECT pg_terminate_backend($1)", warm)
    finally:
        await admin.close()
    await asyncio.sleep(0.1)
    with pytest.raises(DatabaseUnavailable):  # the idle connection is gone underneath
        await _pid(engine)
    assert await _pid(engine) != warm
