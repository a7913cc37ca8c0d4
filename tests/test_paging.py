"""Deep pages are read from the far end (`queries.search`): every page must still be exactly the
slice of the newest-first order, ties, NULL dates and a short last page included."""

from __future__ import annotations

import json

from sqlalchemy.ext.asyncio import AsyncEngine

from invoiceport.invoices import queries
from invoiceport.invoices.repository import filters
from invoiceport.invoices.service import store_batch
from invoiceport.invoices.validation import parse_document
from tests.factories import invoice_doc

QUERY = queries.InvoiceQuery(environment="production", customer_numbers=("C100",))


async def test_every_page_is_the_slice_of_the_full_order(engine: AsyncEngine) -> None:
    docs = []
    for i in range(23):
        # Repeated dates (ties broken by number) and open orders without an invoice date.
        day = None if i % 7 == 3 else f"2026-10-{1 + i % 5:02d}"
        docs.append(
            invoice_doc(f"N{i:02d}", invoice_date=day, status="invoiced" if day else "open")
        )
    await store_batch(engine, [parse_document(json.dumps(d)) for d in docs])
    async with engine.connect() as conn:
        everything = await filters.search(conn, QUERY, offset=0, limit=100)
    expected = [s.invoice().invoice_number for s in everything]
    assert expected[-1] in {"N03", "N10", "N17"}  # NULL dates last
    for size in (1, 4, 5, 10, 22, 23):
        pages = (23 + size - 1) // size
        for number in range(1, pages + 2):
            page = await queries.search(engine, QUERY, page=number, page_size=size)
            got = [s.invoice().invoice_number for s in page.items]
            assert page.total == 23
            assert got == expected[(number - 1) * size : number * size], (size, number)
