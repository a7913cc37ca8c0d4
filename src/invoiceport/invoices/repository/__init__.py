"""All SQL about invoices. Functions take a connection; the caller owns the transaction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import asyncpg
from sqlalchemy import (
    ARRAY,
    Integer,
    String,
    Table,
    and_,
    any_,
    bindparam,
    or_,
    select,
    text,
)
from sqlalchemy.dialects import sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from invoiceport.invoices.schemas import CanonicalInvoice, StoredInvoice
from invoiceport.invoices.tables import invoice_counts, invoices

Key = tuple[str, str, str]
"""(environment, customer_number, invoice_number)"""

CountKey = tuple[str, str, str]
"""(scope, environment, account): scope "customer" counts the invoices whose customer_number is
the account, scope "bill_to" those whose bill_to_account is (table `invoice_counts`)."""


@dataclass(frozen=True, slots=True)
class ExistingRow:
    id: int
    content_hash: str
    version: int
    bill_to_account: str


STORED_COLUMNS = _STORED_COLUMNS = (
    invoices.c.id,
    invoices.c.document,
    invoices.c.version,
    invoices.c.created_at,
    invoices.c.updated_at,
)


def stored(row: Any) -> StoredInvoice:
    """A row of `STORED_COLUMNS` as a stored invoice."""
    return _stored(row)


def _stored(row: Any) -> StoredInvoice:
    document = row.document.encode() if isinstance(row.document, str) else row.document
    return StoredInvoice(row.id, document, row.version, row.created_at, row.updated_at)


# Built once: the hottest read (every detail route) skips rebuilding its clause objects.
_BY_KEY = select(*_STORED_COLUMNS).where(
    invoices.c.environment == bindparam("environment"),
    invoices.c.customer_number == bindparam("customer_number"),
    invoices.c.invoice_number == bindparam("invoice_number"),
)


async def get(conn: AsyncConnection, key: Key) -> StoredInvoice | None:
    environment, customer_number, invoice_number = key
    params = {
        "environment": environment,
        "customer_number": customer_number,
        "invoice_number": invoice_number,
    }
    row = (await conn.execute(_BY_KEY, params)).first()
    return None if row is None else _stored(row)


_NUMBERS = ARRAY(String)


async def lock_existing(
    conn: AsyncConnection, keys: Iterable[Key], *, for_update: bool
) -> dict[Key, ExistingRow]:
    """The stored rows for these keys, locked against concurrent writers on PostgreSQL."""
    wanted = sorted(set(keys))  # a fixed lock order keeps concurrent batches from deadlocking
    if not wanted:
        return {}
    # Grouped by customer, as `number IN (...)` per customer: PostgreSQL then reads the unique
    # index by key. A row-value IN list was planned as a scan of the customer's rows, each tested
    # against every key: quadratic in a customer's size during an import (docs/performance.md).
    numbers: dict[tuple[str, str], list[str]] = {}
    for environment, customer_number, invoice_number in wanted:
        numbers.setdefault((environment, customer_number), []).append(invoice_number)
    c = invoices.c
    # PostgreSQL: a customer's numbers as one array parameter (`= ANY($n)`, the same plan as an
    # IN list): SQLAlchemy then renders no bind per key and the statement's text is the same for
    # every batch of one customer (asyncpg keeps it prepared). SQLite: an IN list.
    postgres = conn.dialect.name == "postgresql"
    query = select(
        c.environment,
        c.customer_number,
        c.invoice_number,
        c.id,
        c.content_hash,
        c.version,
        c.bill_to_account,
    ).where(
        or_(
            *(
                and_(
                    c.environment == environment,
                    c.customer_number == customer_number,
                    c.invoice_number == any_(bindparam(None, group, type_=_NUMBERS))
                    if postgres
                    else c.invoice_number.in_(group),
                )
                for (environment, customer_number), group in numbers.items()
            )
        )
    )
    if for_update:
        query = query.order_by(invoices.c.id).with_for_update()
    rows = (await conn.execute(query)).all()
    return {
        (r.environment, r.customer_number, r.invoice_number): ExistingRow(
            r.id, r.content_hash, r.version, r.bill_to_account
        )
        for r in rows
    }


# --- writes (invoices.service.store): rows as tuples; COPY or executemany, decided here -------

ROW_COLUMNS = (
    "environment",
    "customer_number",
    "invoice_number",
    "bill_to_account",
    "document_type",
    "status",
    "sales_order_number",
    "po_number",
    "invoice_date",
    "order_date",
    "currency",
    "total",
    "due_date",
    "original_invoice_number",
)
"""The columns `row_values` gives, from the document itself."""
WRITE_COLUMNS = (*ROW_COLUMNS, "content_hash", "document", "version", "updated_at")
"""What an update by `update_rows` rewrites; an insert by `insert_rows` adds `created_at`."""
INSERT_COLUMNS = (*WRITE_COLUMNS, "created_at")


def row_values(invoice: CanonicalInvoice) -> tuple[Any, ...]:
    """An invoice's filter columns, in `ROW_COLUMNS` order."""
    return (
        invoice.environment,
        invoice.customer_number,
        invoice.invoice_number,
        invoice.bill_to_account,
        invoice.document_type,
        invoice.status,
        invoice.sales_order_number,
        invoice.po_number,
        invoice.invoice_date,
        invoice.order_date,
        invoice.currency,
        invoice.total,
        invoice.due_date,
        invoice.original_invoice_number,
    )


COPY_MIN_ROWS = 50
"""From this many rows on, `copy_rows` uses COPY on PostgreSQL: below it, one executemany
INSERT costs less than COPY's extra round trips (docs/performance.md)."""


async def copy_rows(
    conn: AsyncConnection, table: Table, columns: Sequence[str], records: Sequence[Sequence[Any]]
) -> None:
    """Insert `records` (values in `columns` order) in the caller's transaction: by asyncpg's
    binary COPY on PostgreSQL when there are at least `COPY_MIN_ROWS`, as one executemany INSERT
    otherwise. A duplicate key raises SQLAlchemy's `IntegrityError` either way, so callers retry
    the same way."""
    if not records:
        return
    if conn.dialect.name != "postgresql" or len(records) < COPY_MIN_ROWS:
        await conn.execute(table.insert(), [dict(zip(columns, r, strict=True)) for r in records])
        return
    driver = (await conn.get_raw_connection()).driver_connection
    if driver is None or not driver.is_in_transaction():
        # SQLAlchemy begins the driver's transaction with the first statement; a COPY before
        # that would commit on its own.
        raise RuntimeError("copy_rows needs a transaction that has already run a statement")
    try:
        await driver.copy_records_to_table(table.name, records=records, columns=list(columns))
    except asyncpg.UniqueViolationError as exc:
        raise IntegrityError(f"COPY {table.name}", None, exc) from exc


async def insert_rows(conn: AsyncConnection, records: Sequence[Sequence[Any]]) -> None:
    """New invoice rows, values in `INSERT_COLUMNS` order (`copy_rows`)."""
    await copy_rows(conn, invoices, INSERT_COLUMNS, records)


async def update_rows(conn: AsyncConnection, rows: Sequence[tuple[int, Sequence[Any]]]) -> None:
    """Rewrite rows by id with values in `WRITE_COLUMNS` order (the caller holds the lock)."""
    if not rows:
        return
    statement = (
        invoices.update()
        .where(invoices.c.id == bindparam("row_id"))
        .values({name: bindparam(name) for name in WRITE_COLUMNS})
    )
    await conn.execute(
        statement,
        [{"row_id": row_id} | dict(zip(WRITE_COLUMNS, v, strict=True)) for row_id, v in rows],
    )


async def analyze_if_never_analyzed(conn: AsyncConnection) -> bool:
    """On PostgreSQL, `ANALYZE invoices` when the table has no statistics yet (never analyzed:
    `reltuples` is -1; autovacuum may be off, or not have come round yet). Without statistics the
    planner takes `lock_existing`'s customer-prefix index over the unique key, and every batch
    reads all of its customers' rows: quadratic during a first import. Whether it ran."""
    if conn.dialect.name != "postgresql":
        return False
    query = text("SELECT reltuples < 0 FROM pg_class WHERE oid = 'invoices'::regclass")
    if not (await conn.execute(query)).scalar_one():
        return False
    await conn.execute(text("ANALYZE invoices"))
    return True


class Countable(Protocol):
    """What `count_deltas` reads of a written invoice (an `invoices.prepare.Prepared`, or a
    `CanonicalInvoice`)."""

    @property
    def environment(self) -> str: ...
    @property
    def customer_number(self) -> str: ...
    @property
    def invoice_number(self) -> str: ...
    @property
    def bill_to_account(self) -> str | None: ...


def count_deltas(
    existing: Mapping[Key, ExistingRow], written: Iterable[Countable]
) -> dict[CountKey, int]:
    """How `invoice_counts` changes when these invoices are written, in this order, over the rows
    `existing` held before (as `lock_existing` returned them, locked). A key not in `existing` is
    a new row; a key written more than once counts once, in its last form. Only changes (no zeros).

    customer_number and environment are part of an invoice's key, so only a new row changes its
    customer's count; an update changes the bill-to counts when it moves the row to another
    bill-to account."""
    last: dict[Key, Countable] = {}
    for invoice in written:
        last[(invoice.environment, invoice.customer_number, invoice.invoice_number)] = invoice
    deltas: dict[CountKey, int] = {}

    def add(scope: str, environment: str, account: str, n: int) -> None:
        key = (scope, environment, account)
        deltas[key] = deltas.get(key, 0) + n

    for key, invoice in last.items():
        before = existing.get(key)
        # A validated invoice always has one (defaulted to its customer number, as stored).
        bill_to = invoice.bill_to_account or invoice.customer_number
        if before is None:
            add("customer", invoice.environment, invoice.customer_number, 1)
            add("bill_to", invoice.environment, bill_to, 1)
        elif before.bill_to_account != bill_to:
            add("bill_to", invoice.environment, before.bill_to_account, -1)
            add("bill_to", invoice.environment, bill_to, 1)
    return {key: n for key, n in deltas.items() if n}


_COUNT_ROWS_PER_STATEMENT = 2_000  # 4 parameters a row: far below both databases' limits


_ADD_COUNTS = text(
    "INSERT INTO invoice_counts (scope, environment, account, n)"
    " SELECT scope, environment, account, n FROM unnest(:scopes, :environments, :accounts, :ns)"
    " WITH ORDINALITY AS given (scope, environment, account, n, place) ORDER BY place"
    " ON CONFLICT (scope, environment, account) DO UPDATE SET n = invoice_counts.n + excluded.n"
).bindparams(
    bindparam("scopes", type_=ARRAY(String)),
    bindparam("environments", type_=ARRAY(String)),
    bindparam("accounts", type_=ARRAY(String)),
    bindparam("ns", type_=ARRAY(Integer)),
)


async def add_counts(conn: AsyncConnection, deltas: Mapping[CountKey, int]) -> None:
    """Add these changes to `invoice_counts`, in the caller's transaction (the one that wrote the
    invoices: a count is exact only when it commits with them). Every write path calls this.

    One `INSERT ... ON CONFLICT DO UPDATE SET n = n + excluded.n` for the whole batch, its rows in
    sorted key order: concurrent batches lock count rows in the same order, and take no other lock
    after them, so they queue instead of deadlocking. On PostgreSQL the rows are four array
    parameters of one fixed statement; on SQLite, VALUES lists of up to 2,000 rows, in order."""
    changes = [(key, n) for key, n in sorted(deltas.items()) if n]
    if not changes:
        return
    if conn.dialect.name == "postgresql":
        # One statement text for every batch (kept prepared), the rows as four arrays.
        columns = list(zip(*(key for key, _ in changes), strict=True))
        await conn.execute(
            _ADD_COUNTS,
            {
                "scopes": list(columns[0]),
                "environments": list(columns[1]),
                "accounts": list(columns[2]),
                "ns": [n for _, n in changes],
            },
        )
        return
    rows = [
        {"scope": scope, "environment": environment, "account": account, "n": n}
        for (scope, environment, account), n in changes
    ]
    for start in range(0, len(rows), _COUNT_ROWS_PER_STATEMENT):
        statement = sqlite.insert(invoice_counts).values(
            rows[start : start + _COUNT_ROWS_PER_STATEMENT]
        )
        statement = statement.on_conflict_do_update(
            index_elements=[
                invoice_counts.c.scope,
                invoice_counts.c.environment,
                invoice_counts.c.account,
            ],
            set_={"n": invoice_counts.c.n + statement.excluded.n},
        )
        await conn.execute(statement)
