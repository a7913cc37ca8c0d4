"""Read services for the dialects: one place for scoping, filtering, paging and ordering.

Dialects call these (never a repository). Every read is scoped to what the caller may see: a
`Principal`'s customer numbers, which also cover bill-to accounts of the same number.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from invoiceport.invoices import repository
from invoiceport.invoices.repository import filters
from invoiceport.invoices.repository.filters import InvoiceQuery
from invoiceport.invoices.schemas import StoredInvoice
from invoiceport.platform.db import read_connection

__all__ = [
    "InvoiceQuery",
    "Page",
    "Reach",
    "Slice",
    "find_by_number",
    "get_invoice",
    "reach",
    "search",
]


@dataclass(frozen=True, slots=True)
class Page:
    total: int
    page: int
    page_size: int
    items: list[StoredInvoice]
    rendered: Mapping[int, bytes] = field(default_factory=dict)
    """Views of items the reader held already (`reads.service.Views`), by id: those items were
    read without their document (an empty `document`), and their view is this."""

    @property
    def pages(self) -> int:
        return (self.total + self.page_size - 1) // self.page_size


@dataclass(frozen=True, slots=True)
class Slice:
    """Invoices after a cursor, newest first by id; `more`: others follow; `total`: the exact
    number of all matches, when it was asked for."""

    items: list[StoredInvoice]
    more: bool
    total: int | None = None
    rendered: Mapping[int, bytes] = field(default_factory=dict)
    """As `Page.rendered`."""


async def search(
    engine: AsyncEngine,
    query: InvoiceQuery,
    *,
    page: int,
    page_size: int,
    by_order_date: bool = False,
) -> Page:
    """One page (counted from 1) and the exact number of matches, newest first, stable order.

    A page past the middle is read from the far end (oldest first, then reversed): skipping rows
    costs in proportion to their number, so the last page is as cheap as the first."""
    if page < 1 or page_size < 1:
        raise ValueError("page and page_size count from 1")
    async with read_connection(engine) as conn:
        # The stored count when the query is one customer or one bill-to account alone (one row,
        # kept exact by every write), else counted.
        total = await filters.stored_count(conn, query)
        if total is None:
            total = await filters.count(conn, query)
        items = await _page_items(conn, query, page, page_size, total, by_order_date=by_order_date)
    return Page(total, page, page_size, items)


@dataclass(frozen=True, slots=True)
class Reach:
    """Where a page past the first is read from (`reach`): `skip` matches, then `wanted`, in
    the page's order or, `from_end`, in its reverse (the caller reverses what it reads)."""

    skip: int
    wanted: int
    from_end: bool


def reach(page: int, page_size: int, total: int) -> Reach | None:
    """How to read page `page` (counted from 1) of `total` matches from the nearer end: skipping
    rows costs in proportion to their number, so the last page is as cheap as the first. None
    past the last page."""
    offset = (page - 1) * page_size
    if offset >= total:
        return None
    wanted = min(page_size, total - offset)
    from_end = total - offset - wanted
    if from_end >= offset:
        return Reach(offset, wanted, from_end=False)
    return Reach(from_end, wanted, from_end=True)


async def _page_items(
    conn: AsyncConnection,
    query: InvoiceQuery,
    page: int,
    page_size: int,
    total: int,
    *,
    by_order_date: bool = False,
    oldest_first: bool = False,
) -> list[StoredInvoice]:
    """Page `page` (counted from 1) of `total` matches, in `search`'s order, read from the
    nearer end (`reach`)."""
    where = reach(page, page_size, total)
    if where is None:
        return []
    items = await filters.search(
        conn,
        query,
        offset=where.skip,
        limit=where.wanted,
        by_order_date=by_order_date,
        oldest_first=oldest_first != where.from_end,
    )
    if where.from_end:
        items.reverse()
    return items


async def get_invoice(
    engine: AsyncEngine, environment: str, customer_number: str, invoice_number: str
) -> StoredInvoice | None:
    async with read_connection(engine) as conn:
        return await repository.get(conn, (environment, customer_number, invoice_number))


async def find_by_number(
    engine: AsyncEngine, environment: str, invoice_number: str, customer_numbers: frozenset[str]
) -> StoredInvoice | None:
    """An invoice by number among the given customers' (or bill-to accounts') invoices."""
    async with read_connection(engine) as conn:
        return await filters.find_by_number(
            conn, environment, invoice_number, sorted(customer_numbers)
        )
