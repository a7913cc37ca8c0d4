"""The invoices an export reads: one environment, optionally one customer, issued since a date,
in id order, a batch at a time (keyset on id, so a batch costs the same wherever it starts)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from invoiceport.invoices.repository import _STORED_COLUMNS, _stored
from invoiceport.invoices.schemas import StoredInvoice
from invoiceport.invoices.tables import invoices


def _where(environment: str, customer: str | None, since: date | None) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [invoices.c.environment == environment]
    if customer is not None:
        conditions.append(invoices.c.customer_number == customer)
    if since is not None:
        conditions.append(invoices.c.invoice_date >= since)
    return conditions


async def count(
    conn: AsyncConnection, environment: str, customer: str | None, since: date | None
) -> int:
    query = select(func.count()).select_from(invoices).where(*_where(environment, customer, since))
    return int((await conn.execute(query)).scalar_one())


async def batch(
    conn: AsyncConnection,
    environment: str,
    customer: str | None,
    since: date | None,
    *,
    after_id: int,
    limit: int,
) -> list[StoredInvoice]:
    query = (
        select(*_STORED_COLUMNS)
        .where(*_where(environment, customer, since), invoices.c.id > after_id)
        .order_by(invoices.c.id)
        .limit(limit)
    )
    return [_stored(row) for row in (await conn.execute(query)).all()]
