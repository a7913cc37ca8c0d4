"""Rows of the read path as stored invoices: a page's items whose views the reader holds, pages
past the first, and every match of a query streamed in batches."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from invoiceport.invoices.queries import InvoiceQuery, reach
from invoiceport.invoices.schemas import StoredInvoice
from invoiceport.partners.schemas import Principal
from invoiceport.platform.db import read_connection
from invoiceport.reads import repository
from invoiceport.reads.repository import slices

Stamp = tuple[int, datetime]
"""(version, updated_at): what a rendering of an invoice is valid for."""
Views = Callable[[int, Stamp], bytes | None]
"""The reader's view of an invoice (by id) at a stamp, when it holds one (`service.access`)."""


def stored_row(row: Mapping[str, Any]) -> StoredInvoice:
    """A row of the stored columns (`invoices.repository.STORED_COLUMNS`) read by `fetch`."""
    document = row["document"]
    if isinstance(document, str):
        document = document.encode()
    return StoredInvoice(row["id"], document, row["version"], row["created_at"], row["updated_at"])


async def viewed(
    engine: AsyncEngine, rows: list[Mapping[str, Any]], views: Views, seconds: float
) -> tuple[list[StoredInvoice], dict[int, bytes]]:
    """The items of a page read without documents: those whose view the caller holds for
    their stamp (with an empty `document`, and that view), the others read again whole. A row
    gone in between is left out; one changed in between is taken as it is now."""
    rendered: dict[int, bytes] = {}
    for row in rows:
        body = views(row["id"], (row["version"], row["updated_at"]))
        if body is not None:
            rendered[row["id"]] = body
    missing = [row["id"] for row in rows if row["id"] not in rendered]
    read: dict[int, StoredInvoice] = {}
    if missing:
        statement, params = repository.documents_of(missing)
        for found in await repository.rows(engine, statement, params, seconds):
            read[found["id"]] = stored_row(found)
    items = []
    for row in rows:
        if row["id"] in rendered:
            items.append(
                StoredInvoice(row["id"], b"", row["version"], row["created_at"], row["updated_at"])
            )
        elif row["id"] in read:
            items.append(read[row["id"]])
    return items, rendered


async def stream_after(
    engine: AsyncEngine, principal: Principal, query: InvoiceQuery, after: int | None, batch: int
) -> AsyncIterator[StoredInvoice]:
    """Every match of `query` below `after`, newest first by id, read `batch` at a time (one
    short read each, so a slow client holds no connection); the caller checked the grants
    (`After`); a query naming no account reads `principal`'s."""
    if not (query.customer_numbers or query.bill_to_accounts):
        query = replace(query, granted_to=principal.partner_id)
    while True:
        async with read_connection(engine) as conn:
            items = await slices.rows_after(conn, query, after, batch)
        for item in items:
            yield item
        if len(items) < batch:
            return
        after = items[-1].id


async def far_page(
    engine: AsyncEngine,
    query: InvoiceQuery,
    page: int,
    page_size: int,
    total: int,
    *,
    by_order_date: bool,
    oldest_first: bool,
    views: Views | None,
    seconds: float,
) -> tuple[list[StoredInvoice], dict[int, bytes]]:
    """A page past the first, read from the nearer end (`invoices.queries.reach`) by a
    statement built once per shape of query, as a first page is; given `views`, as `viewed`
    (the items and the views held). Only called once the partner is known to be granted the
    query's accounts (the total is 0 otherwise)."""
    where = reach(page, page_size, total)
    if where is None:
        return [], {}
    statement, values = slices.later_page(
        query,
        page_size,
        by_order_date=by_order_date,
        oldest_first=oldest_first != where.from_end,
        documents=views is None,
    )
    found = await repository.rows_of(engine, statement, values, {"skip": where.skip}, seconds)
    # Read from the far end, the rows past `wanted` are the previous page's.
    found = found[: where.wanted]
    if where.from_end:
        found.reverse()
    if views is None:
        return [stored_row(row) for row in found], {}
    return await viewed(engine, found, views, seconds)
