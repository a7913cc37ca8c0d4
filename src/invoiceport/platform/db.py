"""Engine creation, the table metadata and the column types both databases share.

Repositories import `metadata` and the tables from the domain `tables.py` modules; nothing outside
repositories, migrations and this module imports SQLAlchemy.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Generator, Mapping
from contextlib import asynccontextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import asyncpg
from sqlalchemy import BigInteger, Integer, MetaData, Numeric, String, event
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import InvalidatePoolError, MissingGreenlet
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import PoolProxiedConnection, QueuePool
from sqlalchemy.sql import ClauseElement
from sqlalchemy.types import DateTime, TypeDecorator
from sqlalchemy.util import await_, greenlet_spawn

from invoiceport.platform.lru import LRU
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
        # Up to twice the setting, each connection kept once opened (no overflow). Overflow
        # connections are closed as soon as the pool holds its size idle, and under a load that
        # comes and goes the pool then opened and closed hundreds a second, each a PostgreSQL
        # backend started, authenticated and its statements prepared again (docs/performance.md,
        # "The pool's overflow"). The most recently used connection goes out first, so that a
        # light load keeps using a few warm ones.
        pool_size=2 * settings.db_pool_size,
        max_overflow=0,
        pool_use_lifo=True,
        pool_timeout=settings.db_timeout_seconds,
        connect_args={
            "timeout": settings.db_timeout_seconds,
            "command_timeout": settings.db_timeout_seconds * 6,
            # Statements are built once and run prepared; PostgreSQL otherwise may re-plan one
            # on every execution (docs/performance.md, the portal's first page).
            "server_settings": {"plan_cache_mode": "force_generic_plan"},
        },
    )
    event.listen(engine.sync_engine, "checkout", _pinger(settings.db_timeout_seconds))
    event.listen(engine.sync_engine, "do_connect", _connect_when_awaited)
    return engine


class _Connecting:
    """asyncpg's connect, made only when awaited.

    SQLAlchemy hands the driver's connect coroutine to a coroutine of its own and awaits that.
    When a checkout outside a greenlet (`_idle_connection`) meets a connection the pool must
    open first, SQLAlchemy closes its own coroutine without running it; a connect coroutine
    made in advance would then never be awaited (a RuntimeWarning). This one makes it only
    once awaited."""

    __slots__ = ("_args", "_kwargs")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._args = args
        self._kwargs = kwargs

    def __await__(self) -> Generator[Any, None, asyncpg.Connection]:
        connection: asyncpg.Connection = yield from asyncpg.connect(
            *self._args, **self._kwargs
        ).__await__()
        return connection


def _connect_when_awaited(dialect: Dialect, _record: Any, cargs: Any, cparams: Any) -> Any:
    """The pool's connect, with the arguments SQLAlchemy made from the URL and `connect_args`,
    through `_Connecting`."""
    return dialect.loaded_dbapi.connect(*cargs, async_creator_fn=_Connecting, **cparams)


def _pinger(timeout: float) -> Any:
    """The pool's pre-ping, bounded by the database timeout (docs/hardening.md).

    SQLAlchemy's own `pool_pre_ping` waits for the ping as long as asyncpg's command timeout
    (six times ours), so a connection whose network path silently died held a request that long.
    A ping that fails or takes longer than `timeout` drops the connection and every older one in
    the pool; the pool then connects afresh (bounded by the connect timeout).
    """

    def ping(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        if _BOUNDED_READ.get():
            return  # `fetch` bounds its read by the same timeout and drops a failed connection
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


_BOUNDED_READ: ContextVar[bool] = ContextVar("bounded_read", default=False)
_COMPILED: LRU[tuple[ClauseElement, str], tuple[str, tuple[str, ...], dict[str, Any]]] = LRU(1024)


def _compiled(
    statement: ClauseElement, dialect: Dialect
) -> tuple[str, tuple[str, ...], dict[str, Any]]:
    """The statement's SQL for this database, the order of its parameters and the values of
    those it holds itself, compiled once (statements given to `fetch` are built once: one per
    route and shape of query, a few hundred at most; the map is bounded all the same)."""
    key = (statement, dialect.name)
    found = _COMPILED.get(key)
    if found is None:
        compiled: Any = statement.compile(dialect=dialect)
        own = {name: value for name, value in compiled.params.items() if value is not None}
        # Values the compiler renders into the SQL itself (such as a separator) go in now; the
        # others are placeholders, bound per call.
        state = compiled.construct_expanded_state({**dict.fromkeys(compiled.params, ""), **own})
        found = (state.statement, tuple(state.positiontup or ()), own)
        _COMPILED.put(key, found)
    return found


def _idle_connection(engine: AsyncEngine) -> PoolProxiedConnection | None:
    """A connection the pool holds idle and connected, checked out without a greenlet, or None
    when the checkout would have to wait for one or open one (`fetch` then does it in a
    greenlet). Taking an idle connection does no I/O (the pre-ping is off for bounded reads),
    so it needs no greenlet; where SQLAlchemy would await, it raises `MissingGreenlet` before
    awaiting, closes what it did not await and puts back what it took."""
    pool = engine.sync_engine.pool
    if not isinstance(pool, QueuePool) or pool.checkedin() == 0:
        return None  # none idle: the checkout would wait or connect
    try:
        return engine.sync_engine.raw_connection()
    except MissingGreenlet:  # the idle one had to be opened again (dropped, or recycled)
        return None


async def _fetch_on(
    pooled: PoolProxiedConnection, sql: str, args: list[Any], seconds: float
) -> list[Mapping[str, Any]]:
    """`sql` on a connection taken from the pool (`_idle_connection`), within `seconds`; then
    the connection goes back (or, when the query failed, is dropped: its state is unknown)."""
    driver: asyncpg.Connection = pooled.driver_connection
    try:
        rows: list[Mapping[str, Any]] = await driver.fetch(sql, *args, timeout=seconds)
        return rows
    except BaseException:
        driver.terminate()
        pooled.invalidate()
        raise
    finally:
        pooled.close()


def _checkout(engine: AsyncEngine) -> PoolProxiedConnection:
    """A connection of the engine's pool, waited for or opened: run inside a greenlet (`fetch`),
    as SQLAlchemy's pool awaits for both."""
    try:
        return engine.sync_engine.raw_connection()
    except engine.dialect.loaded_dbapi.Error as exc:  # could not connect
        raise DatabaseUnavailable(type(exc).__name__) from exc


async def fetch(
    engine: AsyncEngine, statement: ClauseElement, params: Mapping[str, Any], seconds: float
) -> list[Mapping[str, Any]]:
    """The rows of a read statement built once (a module-level or cached one), by name.

    The hot read path of every dialect route (`reads.repository`). On PostgreSQL the statement
    runs on the pooled connection's driver itself, prepared and cached by asyncpg: SQLAlchemy's
    execution layer costs more than the query (docs/performance.md). A connection the pool holds
    idle is taken and given back without a greenlet, and the query is awaited on the driver
    directly, within `seconds`; when the pool has to wait for a connection or open one, only
    that runs in a greenlet, and it shares one deadline with the query, `seconds` from now. A
    connection that failed or timed out is dropped, and the failure is `DatabaseUnavailable`.
    SQLite runs it through SQLAlchemy.
    """
    if engine.dialect.name != "postgresql":
        async with read_connection(engine) as conn:
            result = await conn.execute(statement, dict(params))  # type: ignore[call-overload]
            return [dict(row._mapping) for row in result]
    sql, names, own = _compiled(statement, engine.dialect)
    args = [params[name] if name in params else own[name] for name in names]
    bounded = _BOUNDED_READ.set(True)  # also for the checkout: no pre-ping, no I/O
    try:
        pooled = _idle_connection(engine)
        if pooled is not None:
            return await _fetch_on(pooled, sql, args, seconds)
        async with asyncio.timeout(seconds):  # the wait or the connect, and the query
            pooled = await greenlet_spawn(_checkout, engine)
            return await _fetch_on(pooled, sql, args, seconds)
    except _UNAVAILABLE as exc:
        raise DatabaseUnavailable(type(exc).__name__) from exc
    finally:
        _BOUNDED_READ.reset(bounded)
