"""The console's SQL across customers (invoices, rejected documents)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from invoiceport.invoices.tables import invoices, rejected_documents

_SUMMARY = (
    invoices.c.environment,
    invoices.c.customer_number,
    invoices.c.invoice_number,
    invoices.c.document_type,
    invoices.c.status,
    invoices.c.invoice_date,
    invoices.c.currency,
    invoices.c.total,
    invoices.c.version,
    invoices.c.updated_at,
)


async def counts_by_status(conn: AsyncConnection) -> list[tuple[str, str, str | None, int]]:
    """(environment, document type, status, count)."""
    c = invoices.c
    query = (
        select(c.environment, c.document_type, c.status, func.count())
        .group_by(c.environment, c.document_type, c.status)
        .order_by(c.environment, c.document_type, c.status)
    )
    return [(r[0], r[1], r[2], int(r[3])) for r in await conn.execute(query)]


async def latest(conn: AsyncConnection, limit: int) -> list[Any]:
    """The last invoices stored (newest row first)."""
    query = select(*_SUMMARY).order_by(invoices.c.id.desc()).limit(limit)
    return list(await conn.execute(query))


async def by_number(conn: AsyncConnection, number: str, limit: int) -> list[Any]:
    """Invoices of any customer with this number (index on environment, invoice number)."""
    query = (
        select(*_SUMMARY)
        .where(
            invoices.c.environment.in_(("production", "sandbox")),
            invoices.c.invoice_number == number,
        )
        .order_by(invoices.c.id)
        .limit(limit)
    )
    return list(await conn.execute(query))


async def insert_rejections(conn: AsyncConnection, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        await conn.execute(rejected_documents.insert(), list(rows))


async def rejections(conn: AsyncConnection, limit: int) -> list[Any]:
    c = rejected_documents.c
    query = select(rejected_documents).order_by(c.id.desc()).limit(limit)
    return list(await conn.execute(query))


async def prune_rejections(conn: AsyncConnection, before: datetime) -> None:
    await conn.execute(rejected_documents.delete().where(rejected_documents.c.received_at < before))
