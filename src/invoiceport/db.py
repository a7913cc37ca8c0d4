"""Engine creation, the table metadata and the column types both databases share.

Repositories import `metadata` and the tables from the domain `tables.py` modules; nothing outside
repositories, migrations and this module imports SQLAlchemy.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import asyncpg
from sqlalchemy import JSON, BigInteger, Integer, MetaData, Numeric, String, event
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.exc import InvalidatePoolError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import GenericFunction
from sqlalchemy.types import DateTime, TypeDecorator
from sqlalchemy.util import await_

from invoiceport.settings import Settings

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

BigId = BigInteger().with_variant(Integer, "sqlite")
"""Primary keys of tables that grow without bound (SQLite autoincrements INTEGER keys only)."""


class ExactDecimal(TypeDecorator[Decimal]):
    """A decimal stored without losing a digit: NUMERIC on PostgreSQL, text on SQLite.

    SQLite has no decimal type (SQLAlchemy's Numeric goes through float there), so the value is
    kept as its decimal string. PostgreSQL's unconstrained NUMERIC keeps the scale it is given.
    """

    impl = Numeric
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(64))
        return dialect.type_descriptor(Numeric(asdecimal=True))

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> Any:
        if value is None or dialect.name != "sqlite":
            return value
        return format(value, "f")

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return value if isinstance(value, Decimal) else Decimal(value)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC timestamps on both databases (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class json_array_agg(GenericFunction[Any]):
    """The aggregated values as one JSON array (`json_agg` / `json_group_array`): values come back
    exactly as stored, whatever characters they hold. NULL on PostgreSQL when there are no rows."""

    type = JSON()
    inherit_cache = True


@compiles(json_array_agg, "sqlite")
def _json_group_array(element: json_array_agg, compiler: SQLCompiler, **kw: Any) -> str:
    return f"json_group_array({compiler.process(element.clauses, **kw)})"


@compiles(json_array_agg, "postgresql")
def _json_agg(element: json_array_agg, compiler: SQLCompiler, **kw: Any) -> str:
    return f"json_agg({compiler.process(element.clauses, **kw)})"


def utcnow() -> datetime:
    return datetime.now(UTC)


def create_engine(settings: Settings) -> AsyncEngine:
    url = settings.async_database_url
    if settings.is_sqlite:
        engine = create_async_engine(
            url,
            connect_args={"timeout": settings.db_timeout_seconds},
            hide_parameters=True,  # statements' parameters hold secrets: never in a log or error
        )
        event.listen(engine.sync_engine, "connect", _sqlite_connect)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
        return engine
    engine = create_async_engine(
        url,
        hide_parameters=True,  # statements' parameters hold secrets: never in a log or error
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_pool_size,
        pool_timeout=settings.db_timeout_seconds,
        connect_args={
            "timeout": settings.db_timeout_seconds,
            "command_timeout": settings.db_timeout_seconds * 6,
        },
    )
    event.listen(engine.sync_engine, "checkout", _pinger(settings.db_timeout_seconds))
    return engine


def _pinger(timeout: float) -> Any:
    """The pool's pre-ping, bounded by the database timeout (docs/hardening.md).

    SQLAlchemy's own `pool_pre_ping` waits for the ping as long as asyncpg's command timeout
    (six times ours), so a connection whose network path silently died held a request that long.
    A ping that fails or takes longer than `timeout` drops the connection and every older one in
    the pool; the pool then connects afresh (bounded by the connect timeout).
    """

    def ping(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        driver = dbapi_connection.driver_connection
        try:
            await_(driver.fetchval("SELECT 1", timeout=timeout))
        except Exception as exc:
            driver.terminate()
            raise InvalidatePoolError(f"pre-ping failed: {type(exc).__name__}") from exc

    return ping


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # SQLAlchemy emits BEGIN itself (see _sqlite_begin), so the driver must not.
    dbapi_connection.isolation_level = None
    # WAL lets readers work while a writer commits; foreign keys are off by default in SQLite.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    # A writer that first reads must hold the write lock from the start: with a deferred BEGIN,
    # another process could commit between our read and our write.
    immediate = connection.get_execution_options().get("sqlite_immediate", False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


@asynccontextmanager
async def write_transaction(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A unit of work that reads then writes: commits at the end of the block, or rolls back."""
    async with engine.connect() as connection:
        await connection.execution_options(sqlite_immediate=True)
        async with connection.begin():
            yield connection


@asynccontextmanager
async def read_connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection for reads only. On PostgreSQL it runs in autocommit, so a read costs one
    round trip instead of three (BEGIN, the query, ROLLBACK on return to the pool); under READ
    COMMITTED every statement had its own snapshot anyway, so nothing a caller sees changes.
    SQLite keeps its explicit BEGIN (see `_sqlite_begin`). docs/performance.md"""
    async with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            await connection.execution_options(isolation_level="AUTOCOMMIT")
        yield connection


class DatabaseUnavailable(Exception):
    """The database could not be reached, or did not answer in time: a 503, never a 500."""


# What a lost, refused, hung or shutting-down database looks like through asyncpg.
_UNAVAILABLE = (
    OSError,
    TimeoutError,
    asyncpg.InterfaceError,
    asyncpg.PostgresConnectionError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.exceptions.InsufficientResourcesError,
)


# Keys SQLAlchemy's asyncpg dialect takes from the URL for itself, not for `asyncpg.connect`.
_DIALECT_ONLY = ("prepared_statement_cache_size", "prepared_statement_name_func", "async_fallback")


def asyncpg_connect_args(settings: Settings) -> dict[str, Any]:
    """`asyncpg.connect` arguments for the configured URL, read the way the engine reads it (so
    `?ssl=require` and the like mean the same to both)."""
    url = make_url(settings.async_database_url)
    _args, kwargs = url.get_dialect()().create_connect_args(url)
    for key in _DIALECT_ONLY:
        kwargs.pop(key, None)
    return dict(kwargs)


async def _keep_as_is(_connection: asyncpg.Connection) -> None:
    """No reset on release: asyncpg's default (`RESET ALL; UNLISTEN *; ...`) is a round trip per
    request, and these connections run single read statements that leave no session state."""


class RawPool:
    """A small asyncpg pool of its own, for the few reads served below SQLAlchemy (`fastpath/`).

    SQLAlchemy's checkout, its bounded pre-ping and its async adaptation cost more than the
    query they wrap on the hottest route (docs/performance.md). This pool has none of that; it is
    made on first use, in the event loop that serves, and holds at most `db_pool_size`
    connections. A read (the wait for a connection, connecting, the query) is bounded by the
    database timeout; a failure is `DatabaseUnavailable`, and a connection that failed or timed
    out is closed, never reused.
    """

    def __init__(self, settings: Settings) -> None:
        self._connect_args = asyncpg_connect_args(settings)
        self._size = settings.db_pool_size
        self._timeout = settings.db_timeout_seconds
        self._pool: asyncpg.Pool | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock = asyncio.Lock()

    async def _start(self) -> asyncpg.Pool:
        loop = asyncio.get_running_loop()
        if self._loop is not loop:  # first use, or a new event loop (tests)
            if self._pool is not None:
                self._pool.terminate()  # bound to the other loop: unusable here
            self._pool, self._loop, self._lock = None, loop, asyncio.Lock()
        async with self._lock:
            if self._pool is None:
                # min_size=0: making the pool connects nothing, so it cannot fail or wait.
                pool = asyncpg.create_pool(
                    min_size=0,
                    max_size=self._size,
                    max_inactive_connection_lifetime=300,
                    reset=_keep_as_is,
                    **{**self._connect_args, "timeout": self._timeout},  # to connect
                )
                await pool
                self._pool = pool
        return self._pool

    async def fetchrow(self, query: str, *args: Any) -> asyncpg.Record | None:
        pool = self._pool
        if pool is None or self._loop is not asyncio.get_running_loop():
            pool = await self._start()
        try:
            # One deadline for the wait for a connection, connecting and the query: queued
            # behind others during an outage, a request still answers within the timeout.
            async with asyncio.timeout(self._timeout), pool.acquire() as conn:
                try:
                    row: asyncpg.Record | None = await conn.fetchrow(query, *args)
                except BaseException:
                    conn.terminate()  # its state is unknown: the pool replaces it
                    raise
                return row
        except _UNAVAILABLE as exc:
            raise DatabaseUnavailable(type(exc).__name__) from exc

    async def close(self) -> None:
        pool, self._pool, self._loop = self._pool, None, None
        if pool is None:
            return
        try:
            async with asyncio.timeout(self._timeout):
                await pool.close()
        except (TimeoutError, *_UNAVAILABLE):
            pool.terminate()
