"""All SQL about invoices. Functions take a connection; the caller owns the transaction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, and_, bindparam, func, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from invoiceport.invoices.schemas import CanonicalInvoice, StoredInvoice
from invoiceport.invoices.tables import invoices

Key = tuple[str, str, str]
"""(environment, customer_number, invoice_number)"""


@dataclass(frozen=True, slots=True)
class ExistingRow:
    id: int
    content_hash: str
    version: int


@dataclass(frozen=True, slots=True)
class NewRow:
    """What one insert or update writes."""

    invoice: CanonicalInvoice
    document: bytes
    content_hash: str
    version: int
    at: datetime


_STORED_COLUMNS = (
    invoices.c.id,
    invoices.c.document,
    invoices.c.version,
    invoices.c.created_at,
    invoices.c.updated_at,
)


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
    query = select(
        c.environment, c.customer_number, c.invoice_number, c.id, c.content_hash, c.version
    ).where(
        or_(
            *(
                and_(
                    c.environment == environment,
                    c.customer_number == customer_number,
                    c.invoice_number.in_(group),
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
            r.id, r.content_hash, r.version
        )
        for r in rows
    }


def _columns(row: NewRow) -> dict[str, Any]:
    invoice = row.invoice
    return {
        "environment": invoice.environment,
        "customer_number": invoice.customer_number,
        "invoice_number": invoice.invoice_number,
        "bill_to_account": invoice.bill_to_account,
        "document_type": invoice.document_type,
        "status": invoice.status,
        "sales_order_number": invoice.sales_order_number,
        "po_number": invoice.po_number,
        "invoice_date": invoice.invoice_date,
        "order_date": invoice.order_date,
        "currency": invoice.currency,
        "total": invoice.total,
        "content_hash": row.content_hash,
        "document": row.document.decode(),
        "version": row.version,
        "updated_at": row.at,
    }


async def insert_many(conn: AsyncConnection, rows: Sequence[NewRow]) -> None:
    if rows:
        await conn.execute(
            invoices.insert(), [_columns(row) | {"created_at": row.at} for row in rows]
        )


async def update_many(conn: AsyncConnection, rows: Sequence[tuple[int, NewRow]]) -> None:
    """Rewrite rows by id; `version` and `updated_at` come from the caller, who holds the lock."""
    if not rows:
        return
    statement = (
        invoices.update()
        .where(invoices.c.id == bindparam("row_id"))
        .values({name: bindparam(name) for name in _columns(rows[0][1])})
    )
    await conn.execute(statement, [{"row_id": row_id} | _columns(row) for row_id, row in rows])


@dataclass(frozen=True, slots=True)
class InvoiceQuery:
    """The filters every dialect offers, applied in one place. Dates are inclusive."""

    environment: str
    customer_numbers: tuple[str, ...] = ()
    bill_to_accounts: tuple[str, ...] = ()
    invoice_number: str | None = None
    sales_order_number: str | None = None
    po_number: str | None = None
    invoice_date_from: date | None = None
    invoice_date_to: date | None = None
    order_date_from: datetime | None = None
    order_date_to: datetime | None = None


def _filtered(query: Select[Any], q: InvoiceQuery) -> Select[Any]:
    c = invoices.c
    query = query.where(c.environment == q.environment)
    scopes = []
    if q.customer_numbers:
        scopes.append(c.customer_number.in_(q.customer_numbers))
    if q.bill_to_accounts:
        scopes.append(c.bill_to_account.in_(q.bill_to_accounts))
    if not scopes:
        raise ValueError("an invoice query must be scoped to customers or bill-to accounts")
    query = query.where(or_(*scopes))
    if q.invoice_number is not None:
        query = query.where(c.invoice_number == q.invoice_number)
    if q.sales_order_number is not None:
        query = query.where(c.sales_order_number == q.sales_order_number)
    if q.po_number is not None:
        query = query.where(c.po_number == q.po_number)
    if q.invoice_date_from is not None:
        query = query.where(c.invoice_date >= q.invoice_date_from)
    if q.invoice_date_to is not None:
        query = query.where(c.invoice_date <= q.invoice_date_to)
    if q.order_date_from is not None:
        query = query.where(c.order_date >= q.order_date_from)
    if q.order_date_to is not None:
        query = query.where(c.order_date <= q.order_date_to)
    return query


async def count(conn: AsyncConnection, q: InvoiceQuery) -> int:
    result = await conn.execute(_filtered(select(func.count()).select_from(invoices), q))
    return int(result.scalar_one())


async def search(
    conn: AsyncConnection,
    q: InvoiceQuery,
    *,
    offset: int,
    limit: int,
    by_order_date: bool = False,
    oldest_first: bool = False,
) -> list[StoredInvoice]:
    """One page, newest first: by invoice date (or order date), then invoice number; stable.

    `oldest_first` reads the exact reverse order (the same index, scanned the other way), so that
    the caller can reach a deep page from the far end instead of skipping most of the matches."""
    c = invoices.c
    first = c.order_date if by_order_date else c.invoice_date
    if oldest_first:
        order = (first.asc().nulls_first(), c.invoice_number.asc(), c.id.asc())
    else:
        order = (first.desc().nulls_last(), c.invoice_number.desc(), c.id.desc())
    query = _filtered(select(*_STORED_COLUMNS), q).order_by(*order)
    rows = (await conn.execute(query.offset(offset).limit(limit))).all()
    return [_stored(row) for row in rows]


async def find_by_number(
    conn: AsyncConnection, environment: str, invoice_number: str, customer_numbers: Sequence[str]
) -> StoredInvoice | None:
    """An invoice by number among the given customers' invoices (for routes without a customer)."""
    if not customer_numbers:
        return None
    query = (
        select(*_STORED_COLUMNS)
        .where(
            invoices.c.environment == environment,
            invoices.c.invoice_number == invoice_number,
            or_(
                invoices.c.customer_number.in_(customer_numbers),
                invoices.c.bill_to_account.in_(customer_numbers),
            ),
        )
        .order_by(invoices.c.id)
        .limit(1)
    )
    row = (await conn.execute(query)).first()
    return None if row is None else _stored(row)
