"""The one database pool keeps the connections it opens (docs/performance.md, "The pool's
overflow"): under a load that comes and goes, no PostgreSQL backend is started, authenticated
and taught the statements again for every burst. Up to twice `INVOICEPORT_DB_POOL_SIZE`
connections a process, as before."""

from __future__ import annotations

import asyncio

from sqlalchemy import TextClause, text

from invoiceport.platform.db import create_engine, fetch
from invoiceport.settings import Settings

# Each read holds its connection a little, so that a burst needs as many connections as reads.
_HOLDING_READ = text("SELECT pg_backend_pid() AS pid FROM pg_sleep(0.05)")
_READ = text("SELECT pg_backend_pid() AS pid")


async def test_bursts_reuse_the_connections_they_opened(postgres_database: str) -> None:
    settings = Settings(database_url=postgres_database, db_pool_size=2, _env_file=None)
    engine = create_engine(settings)
    try:

        async def pid(statement: TextClause) -> int:
            rows = await fetch(engine, statement, {}, 5.0)
            return int(rows[0]["pid"])

        seen: set[int] = set()
        for _ in range(6):
            burst = await asyncio.gather(*(pid(_HOLDING_READ) for _ in range(4)))
            assert len(set(burst)) == 4  # the burst needed every connection the pool may hold
            seen.update(burst)
            quiet = [await pid(_READ) for _ in range(3)]  # a light load: one warm connection
            assert len(set(quiet)) == 1
            seen.update(quiet)
        # The old pool closed its overflow connections after each burst and opened new ones.
        assert len(seen) == 4, f"{len(seen)} backends for a pool of at most 4"
    finally:
        await engine.dispose()
