"""A first page whose items' views are cached reads their stamps, not their documents
(`Read.items`, `reads.service.Views`): what it answers must not change, nor go stale."""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import date, datetime
from typing import Any

import pytest
from tests.scansource.conftest import A_CUSTOMER, World, a_documents, ingest

from invoiceport.invoices import queries
from invoiceport.invoices.queries import InvoiceQuery, Page
from invoiceport.kit import Found, Read
from invoiceport.kit.cache import RenderCache
from invoiceport.platform.db import utcnow
from invoiceport.reads.service import PageOf, Presented, access

SUMMARY = f"/api/invoice/summary/{A_CUSTOMER}"
LIST = f"/api/invoice/list/{A_CUSTOMER}"
PAGE = PageOf(InvoiceQuery(environment="production", customer_numbers=(A_CUSTOMER,)), 1, 20)


async def _page(world: World, views: Any = None, lookup: PageOf = PAGE) -> Page:
    presented = Presented("api_key", world.a_key)
    found = await access(world.engine, presented, utcnow(), lookup, account=A_CUSTOMER, views=views)
    assert found.page is not None
    return found.page


async def test_held_views_leave_their_documents_unread(world: World) -> None:
    whole = await _page(world)
    assert whole.rendered == {} and all(item.document for item in whole.items)
    stamps = {item.id: (item.version, item.updated_at) for item in whole.items}
    held_ids = {item.id for item in whole.items[::2]}
    asked: list[int] = []

    def views(invoice_id: int, stamp: tuple[int, datetime]) -> bytes | None:
        asked.append(invoice_id)
        assert stamp == stamps[invoice_id]  # the stamp read with the page
        return f"view {invoice_id}".encode() if invoice_id in held_ids else None

    page = await _page(world, views)
    assert asked == [item.id for item in whole.items]
    assert [item.id for item in page.items] == [item.id for item in whole.items]  # same order
    assert page.total == whole.total
    assert dict(page.rendered) == {i: f"view {i}".encode() for i in held_ids}
    for item, read in zip(page.items, whole.items, strict=True):
        assert item.document == (b"" if item.id in held_ids else read.document)
        assert (item.version, item.updated_at, item.created_at) == (
            read.version,
            read.updated_at,
            read.created_at,
        )


# A query of the prepared shape, and one with a filter whose SQL holds its value (built for
# the request): 7 and 6 matches, in pages of 2, so page 2 is read from the near end, the
# last ones from the far end (the last one short), and page 5 is past the end.
@pytest.mark.parametrize("query", [PAGE.query, replace(PAGE.query, due_date_from=date(2000, 1, 1))])
@pytest.mark.parametrize("number", [2, 3, 4, 5])
async def test_pages_past_the_first_read_stamps_and_keep_their_order(
    world: World, query: InvoiceQuery, number: int
) -> None:
    lookup = PageOf(query, number, 2)
    reference = await queries.search(world.engine, query, page=number, page_size=2)
    whole = await _page(world, lookup=lookup)
    assert whole.total == reference.total >= 6
    assert whole.items == reference.items and whole.rendered == {}
    held = {item.id for item in whole.items[:1]}

    def views(invoice_id: int, stamp: tuple[int, datetime]) -> bytes | None:
        return b"held" if invoice_id in held else None

    page = await _page(world, views, lookup)
    assert [item.id for item in page.items] == [item.id for item in reference.items]
    assert dict(page.rendered) == dict.fromkeys(held, b"held")
    for item, read in zip(page.items, reference.items, strict=True):
        assert item.document == (b"" if item.id in held else read.document)
        assert (item.version, item.updated_at) == (read.version, read.updated_at)


@pytest.mark.parametrize("path", [SUMMARY, LIST, LIST + "?excludeSerialTracking=true"])
async def test_a_page_served_from_held_views_answers_the_same(world: World, path: str) -> None:
    first = await world.http.get(path, headers=world.a())
    again = await world.http.get(path, headers=world.a())
    assert first.status_code == again.status_code == 200
    assert again.content == first.content
    assert again.headers.items() == first.headers.items()
    xml = await world.http.get(path, headers={**world.a(), "Accept": "application/xml"})
    assert xml.status_code == 200 and xml.text.count("INV-1003") >= 1  # XML reads documents


async def test_an_invoice_changed_after_its_view_was_cached_is_shown_as_it_is(
    world: World,
) -> None:
    before = (await world.get(SUMMARY)).json()
    assert (await world.get(LIST)).status_code == 200
    changed = copy.deepcopy(next(d for d in a_documents() if d["invoice_number"] == "INV-1002"))
    changed["po_number"] = "PO-CHANGED"
    await ingest(world.engine, [changed])
    after = (await world.get(SUMMARY)).json()
    listed = (await world.get(LIST)).json()
    po = {item["invoiceNumber"]: item["poNumber"] for item in after["invoices"]}
    assert po["INV-1002"] == "PO-CHANGED"
    assert [i for i in after["invoices"] if i["invoiceNumber"] != "INV-1002"] == [
        i for i in before["invoices"] if i["invoiceNumber"] != "INV-1002"
    ]
    full = {item["invoiceNumber"]: item for item in listed["invoices"]}
    assert full["INV-1002"]["poNumber"] == "PO-CHANGED"


async def test_views_under_another_prefix_are_refused(world: World) -> None:
    page = await _page(world, lambda invoice_id, stamp: b"{}")
    read = Read(PAGE, account=A_CUSTOMER, items=("scansource", "summary"))
    found = Found(None, None, read, page)
    cache = RenderCache(10)
    assert len(found.fragments(cache, ("scansource", "summary"), lambda s: b"x")) == 7
    with pytest.raises(RuntimeError, match="was read for the views"):
        found.fragments(cache, ("scansource", "detail", True), lambda s: b"x")
