"""The statement's SQL: open items of one customer, and their sums by currency and age."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from invoiceport.invoices.tables import invoices

BUCKETS = ("current", "1-30", "31-60", "61-90", "over 90")


def _open(environment: str, customer: str) -> list[ColumnElement[bool]]:
    """Invoiced, unpaid documents (a missing status counts as open; open orders do not)."""
    c = invoices.c
    return [
        c.environment == environment,
        c.customer_number == customer,
        or_(c.status == "invoiced", c.status.is_(None)),
    ]


def _due() -> ColumnElement[Any]:
    return func.coalesce(invoices.c.due_date, invoices.c.invoice_date)


def _bucket(today: date) -> ColumnElement[str]:
    due = _due()
    return case(
        (or_(due.is_(None), due >= today), "current"),
        (due >= today - timedelta(days=30), "1-30"),
        (due >= today - timedelta(days=60), "31-60"),
        (due >= today - timedelta(days=90), "61-90"),
        else_="over 90",
    )


async def aging(
    conn: AsyncConnection, environment: str, customer: str, today: date
) -> list[tuple[str, str, Decimal, int]]:
    """(currency, bucket, sum of totals, count) of the open items."""
    bucket = _bucket(today).label("bucket")
    c = invoices.c
    owed = case((c.document_type == "credit_memo", -c.total), else_=c.total)
    query = (
        select(c.currency, bucket, func.sum(owed), func.count())
        .where(*_open(environment, customer))
        .group_by(invoices.c.currency, bucket)
    )
    return [(r[0], r[1], Decimal(r[2]), int(r[3])) for r in await conn.execute(query)]


async def open_items(
    conn: AsyncConnection, environment: str, customer: str, limit: int
) -> list[Any]:
    """The open items, oldest due first."""
    c = invoices.c
    query = (
        select(
            c.invoice_number,
            c.document_type,
            c.invoice_date,
            c.due_date,
            c.currency,
            c.total,
            c.po_number,
        )
        .where(*_open(environment, customer))
        .order_by(_due().asc().nulls_last(), c.invoice_number)
        .limit(limit)
    )
    return list(await conn.execute(query))
