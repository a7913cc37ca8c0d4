"""The native list: filters, cursor paging stable under inserts, total, weak ETags, CSV."""

from __future__ import annotations

import csv
import io

import httpx
import pytest

from invoiceport.invoices.queries import InvoiceQuery
from invoiceport.platform.db import create_engine, utcnow
from invoiceport.reads.service import After, Presented, access
from invoiceport.settings import Settings
from tests.native.support import Partner, doc, load, new_partner

URL = "/v1/invoices"


@pytest.fixture
async def partner(client: httpx.AsyncClient) -> Partner:
    partner = await new_partner(client, ("C100", "C300"))
    docs = [doc(f"INV-{i:03}", "C100", invoice_date=f"2026-10-{i % 28 + 1:02}") for i in range(30)]
    docs[3]["status"] = "paid"
    docs[4] = doc("CM-004", "C100", document_type="credit_memo")
    docs[5]["lines"][0]["serial_numbers"] = ["SER-XYZ"]
    docs[6]["po_number"] = "=HYPERLINK(1)"
    await load(
        client, *docs, doc("B-1", "C300"), doc("X-1", "C200"), doc("S-1", environment="sandbox")
    )
    return partner


async def _all(client: httpx.AsyncClient, partner: Partner, **params: str) -> list[str]:
    numbers: list[str] = []
    cursor: str | None = None
    while True:
        query = dict(params, **({"cursor": cursor} if cursor else {}))
        page = (await client.get(URL, params=query, headers=partner.key_auth())).json()
        numbers += [item["invoice_number"] for item in page["items"]]
        cursor = page["next_cursor"]
        assert page["has_more"] is (cursor is not None)
        if cursor is None:
            return numbers


async def test_pages_and_filters(client: httpx.AsyncClient, partner: Partner) -> None:
    every = await _all(client, partner, limit="7")
    assert len(every) == 31 and len(set(every)) == 31  # C100's 30 and C300's one, not C200's
    assert "X-1" not in every and "S-1" not in every
    assert every[0] == "B-1"  # newest first
    assert await _all(client, partner, customer_number="C300") == ["B-1"]
    assert await _all(client, partner, status="paid") == ["INV-003"]
    assert await _all(client, partner, document_type="credit_memo") == ["CM-004"]
    assert await _all(client, partner, serial_number="SER-XYZ") == ["INV-005"]
    assert await _all(client, partner, po_number="=HYPERLINK(1)") == ["INV-006"]
    assert await _all(client, partner, invoice_number="INV-010") == ["INV-010"]
    dated = await _all(
        client, partner, invoice_date_from="2026-10-02", invoice_date_to="2026-10-03"
    )
    assert sorted(dated) == ["INV-001", "INV-002", "INV-029"]
    assert await _all(client, partner, updated_since="2999-01-01T00:00:00Z") == []
    assert len(await _all(client, partner, updated_since="2000-01-01T00:00:00+02:00")) == 31
    sandbox = await client.get("/v1/sandbox/invoices", headers=partner.key_auth())
    assert [i["invoice_number"] for i in sandbox.json()["items"]] == ["S-1"]
    by_param = await _all(client, partner, environment="sandbox")
    assert by_param == ["S-1"]


async def test_total_and_stable_cursor(client: httpx.AsyncClient, partner: Partner) -> None:
    auth = partner.key_auth()
    first = (
        await client.get(
            URL,
            params={"limit": "10", "include_total": "true", "customer_number": "C100"},
            headers=auth,
        )
    ).json()
    assert first["total"] == 30 and len(first["items"]) == 10
    seen = [i["invoice_number"] for i in first["items"]]
    await load(client, doc("NEW-1"), doc("NEW-2"))  # inserted while the client pages
    cursor = first["next_cursor"]
    while cursor:
        page = (
            await client.get(
                URL,
                params={
                    "limit": "10",
                    "include_total": "true",
                    "customer_number": "C100",
                    "cursor": cursor,
                },
                headers=auth,
            )
        ).json()
        seen += [i["invoice_number"] for i in page["items"]]
        cursor = page["next_cursor"]
        assert page["total"] == 32
    assert len(seen) == 30 and len(set(seen)) == 30 and not {"NEW-1", "NEW-2"} & set(seen)
    assert "total" not in (await client.get(URL, headers=auth)).json()


async def test_bad_parameters(client: httpx.AsyncClient, partner: Partner) -> None:
    auth = partner.key_auth()
    cases = {
        "limit=0": "limit",
        "limit=101": "limit",
        "status=gone": "status",
        "colour=red": "colour",
        "limit=5&limit=6": "limit",
        "invoice_date_from=2026-13-01": "invoice_date_from",
        "updated_since=yesterday": "updated_since",
        "updated_since=2026-01-01T00:00:00": "updated_since",
        "cursor=abc": "cursor",
        "customer_number=C200": "customer_number",
        "include_total=maybe": "include_total",
    }
    for query, parameter in cases.items():
        answer = await client.get(f"{URL}?{query}", headers=auth)
        assert answer.status_code in (400, 403), (query, answer.text)
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["parameter"] == parameter, (query, answer.text)
    sandbox = await client.get("/v1/sandbox/invoices?environment=production", headers=auth)
    assert sandbox.status_code == 400 and sandbox.json()["parameter"] == "environment"


async def test_weak_etag(client: httpx.AsyncClient, partner: Partner) -> None:
    auth = partner.key_auth()
    first = await client.get(URL, params={"limit": "5"}, headers=auth)
    etag = first.headers["etag"]
    assert etag.startswith('W/"')
    again = await client.get(URL, params={"limit": "5"}, headers={**auth, "If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    await load(client, doc("INV-029", "C100", po_number="PO-changed"))
    changed = await client.get(URL, params={"limit": "5"}, headers={**auth, "If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag


async def test_csv_streams_every_match(client: httpx.AsyncClient, partner: Partner) -> None:
    response = await client.get(
        URL, params={"limit": "2"}, headers={**partner.key_auth(), "Accept": "text/csv"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 31
    by_number = {row["invoice_number"]: row for row in rows}
    assert by_number["INV-006"]["po_number"] == "'=HYPERLINK(1)"
    assert by_number["CM-004"]["document_type"] == "credit_memo"
    assert by_number["INV-001"]["total"] == "4904.90" and by_number["INV-001"]["version"] == "1"


async def test_a_page_of_cached_items_answers_the_same_and_never_stale(
    client: httpx.AsyncClient, partner: Partner
) -> None:
    """Items whose view is cached are read without their document (`Read.items`)."""
    params = {"customer_number": "C100", "limit": "5"}
    first = await client.get(URL, params=params, headers=partner.key_auth())
    again = await client.get(URL, params=params, headers=partner.key_auth())
    assert first.status_code == again.status_code == 200
    assert again.content == first.content and again.headers["etag"] == first.headers["etag"]
    newest = first.json()["items"][0]
    changed = doc(newest["invoice_number"], "C100", invoice_date=newest["invoice_date"])
    changed["po_number"] = "PO-CHANGED"
    await load(client, changed)
    after = (await client.get(URL, params=params, headers=partner.key_auth())).json()["items"]
    assert after[0]["po_number"] == "PO-CHANGED" and after[0]["version"] == newest["version"] + 1
    assert after[1:] == first.json()["items"][1:]


async def test_a_named_customer_pages_as_the_partners_own(
    client: httpx.AsyncClient, partner: Partner
) -> None:
    """A query naming its customer is read with the credential in one statement; one naming
    none reads the partner's grants first: the same invoices in the same order."""
    named = await _all(client, partner, customer_number="C100", limit="7")
    own = await _all(client, partner, limit="7")
    assert named == [number for number in own if number != "B-1"] and len(named) == 30
    unknown = await client.get(
        URL, params={"customer_number": "C100"}, headers={"Authorization": "Bearer nope"}
    )
    assert unknown.status_code == 401


async def test_the_row_that_tells_there_are_more_is_no_item(
    client: httpx.AsyncClient, partner: Partner, settings: Settings
) -> None:
    """A slice reads one row past its limit to know there are more. That row's view is never
    asked for (it is never rendered), so its document was read again on every request."""
    query = InvoiceQuery(environment="production", customer_numbers=("C100",))
    query_all = InvoiceQuery(environment="production")
    asked: list[int] = []

    def views(invoice_id: int, stamp: object) -> bytes:
        asked.append(invoice_id)
        return b"{}"

    engine = create_engine(settings)
    try:
        presented = Presented("api_key", partner.key)
        # Named (credential and slice in one statement), and the partner's own (two).
        for lookup, account in ((After(query, None, 5), "C100"), (After(query_all, None, 5), None)):
            asked.clear()
            found = await access(engine, presented, utcnow(), lookup, account=account, views=views)
            assert found.slice is not None and found.slice.more
            ids = [item.id for item in found.slice.items]
            assert len(ids) == 5 and asked == ids and set(found.slice.rendered) == set(ids)
    finally:
        await engine.dispose()
