"""The ABC Supply routes over the real app, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from decimal import Decimal

import httpx
import pytest

from tests.abcsupply.support import (
    ACCOUNT,
    HISTORY,
    Abc,
    abc_app,
    abc_doc,
    numbers_in,
    seed_docs,
    seed_example_json,
)
from tests.oauth.support import bearer, new_client, token_for

SEED_QUERY = {
    "startDate": "2025-11-01T00:00:00Z",
    "endDate": "2025-11-30T00:00:00Z",
    "itemsPerPage": "20",
    "pageNumber": "1",
}


def assert_abc_error(response: httpx.Response, status: int, *words: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["status"] == status
    assert isinstance(body["error"], str) and body["error"]
    for word in words:
        assert word in body["message"], body


@pytest.fixture
async def abc(database_url: str) -> AsyncIterator[Abc]:
    async with abc_app(database_url) as found:
        yield found


async def test_history_answers_like_the_seed(abc: Abc) -> None:
    outside = abc_doc(
        "2002600000-001", order_date="2025-10-31T23:59:59Z", subtotal="1", tax="0", total="1"
    )
    other_account = abc_doc(
        "2002600001-001",
        order_date="2025-11-10T00:00:00Z",
        subtotal="1",
        tax="0",
        total="1",
        customer="2099999",
    )
    await abc.ingest(*seed_docs(), outside, other_account)
    response = await abc.get(HISTORY, **SEED_QUERY)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    assert json.loads(response.content, parse_float=Decimal) == seed_example_json()
    assert numbers_in(response.content, "subTotal") == ["732.41", "206.7"]


async def test_the_date_range_is_inclusive_and_on_the_order_date(abc: Abc) -> None:
    def doc(number: str, order_date: str, invoice_date: str) -> dict[str, object]:
        return abc_doc(
            number,
            order_date=order_date,
            subtotal="1",
            tax="0",
            total="1",
            invoice_date=invoice_date,
            due_date=invoice_date,
        )

    await abc.ingest(
        doc("A-1", "2025-11-01T00:00:00Z", "2026-01-05"),  # the first instant: in
        doc("A-2", "2025-11-30T00:00:00Z", "2025-12-01"),  # the last instant: in
        doc("A-3", "2025-10-31T23:59:59Z", "2025-11-15"),  # order before: out
        doc("A-4", "2025-11-30T00:00:01Z", "2025-11-15"),  # order after: out
    )
    response = await abc.get(
        HISTORY, startDate="2025-11-01T00:00:00Z", endDate="2025-11-30T00:00:00Z"
    )
    assert [i["invoiceNumber"] for i in response.json()["items"]] == ["A-2", "A-1"]
    # Offsets and bare dates: 2025-11-30 as an end date means the whole day.
    response = await abc.get(HISTORY, startDate="2025-11-01T01:00:00+01:00", endDate="2025-11-30")
    assert [i["invoiceNumber"] for i in response.json()["items"]] == ["A-4", "A-2", "A-1"]
    everything = await abc.get(HISTORY)
    assert everything.json()["pagination"]["totalItems"] == 4


async def test_paging(abc: Abc) -> None:
    await abc.ingest(
        *(
            abc_doc(
                f"P-{n:02d}",
                order_date=f"2025-11-{n:02d}T00:00:00Z",
                subtotal="1",
                tax="0",
                total="1",
            )
            for n in range(1, 26)
        )
    )
    default = (await abc.get(HISTORY)).json()
    assert default["pagination"] == {
        "pageNumber": 1,
        "itemsPerPage": 20,
        "totalPages": 2,
        "totalItems": 25,
    }
    assert len(default["items"]) == 20
    third = (await abc.get(HISTORY, itemsPerPage="10", pageNumber="3")).json()
    assert [i["invoiceNumber"] for i in third["items"]] == [f"P-{n:02d}" for n in range(5, 0, -1)]
    assert third["pagination"]["totalPages"] == 3
    beyond = (await abc.get(HISTORY, itemsPerPage="10", pageNumber="4")).json()
    assert beyond["items"] == [] and beyond["pagination"]["totalItems"] == 25
    largest = await abc.get(HISTORY, itemsPerPage="100")
    assert largest.status_code == 200


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"startDate": "2025-13-01T00:00:00Z"}, "startDate"),
        ({"startDate": "yesterday"}, "startDate"),
        ({"endDate": "2025-11-30T25:00:00Z"}, "endDate"),
        ({"endDate": ""}, "endDate"),
        ({"startDate": "0001-01-01T00:00:00+01:00"}, "startDate"),
        ({"startDate": "2025-12-01T00:00:00Z", "endDate": "2025-11-01T00:00:00Z"}, "after"),
        ({"itemsPerPage": "0"}, "itemsPerPage"),
        ({"itemsPerPage": "101"}, "itemsPerPage"),
        ({"itemsPerPage": "ten"}, "itemsPerPage"),
        ({"pageNumber": "0"}, "pageNumber"),
        ({"pageNumber": "-1"}, "pageNumber"),
        ({"pageNumber": "99999999999999999999"}, "pageNumber"),
    ],
)
async def test_bad_parameters_are_400_naming_them(
    abc: Abc, params: dict[str, str], named: str
) -> None:
    assert_abc_error(await abc.get(HISTORY, **params), 400, named)


async def test_the_page_size_maximum_is_a_setting(database_url: str) -> None:
    async with abc_app(database_url, abcsupply_max_page_size=5) as abc:
        assert (await abc.get(HISTORY, itemsPerPage="5")).status_code == 200
        assert_abc_error(await abc.get(HISTORY, itemsPerPage="6"), 400, "from 1 to 5")


async def test_tokens_and_scopes(abc: Abc) -> None:
    missing = await abc.http.get(HISTORY, headers={"Authorization": ""})
    assert_abc_error(missing, 401, "bearer token")
    assert missing.headers["www-authenticate"].startswith("Bearer")
    assert_abc_error(await abc.http.get(HISTORY, headers=bearer("nope")), 401, "invalid")
    webhooks_only = await new_client(abc.http, [ACCOUNT], ["invoice.webhooks.manage"], "Hooks")
    token = await token_for(abc.http, webhooks_only)
    for path in (HISTORY, "/api/invoice/v1/invoices/X-1", "/api/invoice/v1/invoices/X-1/pdf"):
        denied = await abc.http.get(path, headers=bearer(token))
        assert_abc_error(denied, 403, "invoice.history.read")


async def test_an_account_not_granted_is_403_whether_or_not_it_exists(abc: Abc) -> None:
    await abc.ingest(
        abc_doc(
            "Z-1",
            order_date="2025-11-12T00:00:00Z",
            subtotal="1",
            tax="0",
            total="1",
            customer="2099999",
        )
    )
    existing = await abc.get("/api/invoice/v1/invoices/history/2099999")
    unknown = await abc.get("/api/invoice/v1/invoices/history/2088888")
    assert_abc_error(existing, 403, "2099999")
    assert_abc_error(unknown, 403, "2088888")
    # The grant is decided before the parameters are even looked at.
    assert_abc_error(await abc.get("/api/invoice/v1/invoices/history/2099999", pageNumber="x"), 403)


async def test_invoice_by_id_has_the_lines(abc: Abc) -> None:
    await abc.ingest(*seed_docs())
    response = await abc.get("/api/invoice/v1/invoices/2002682539-001")
    assert response.status_code == 200, response.text
    body = json.loads(response.content, parse_float=Decimal)
    expected = seed_example_json()["items"][0]
    assert {k: v for k, v in body.items() if k != "lines"} == expected
    assert body["lines"] == [
        {
            "lineNumber": 1,
            "itemNumber": "SHINGLE-1",
            "manufacturerPartNumber": None,
            "description": "Shingles",
            "unitOfMeasure": None,
            "quantityOrdered": None,
            "quantityShipped": None,
            "quantity": 1,
            "unitPrice": Decimal("732.41"),
            "extendedPrice": Decimal("732.41"),
            "serialNumbers": [],
            "trackingNumbers": [],
        }
    ]


async def test_invoice_by_id_follows_a_changed_invoice(abc: Abc) -> None:
    """The by-id views are kept per stored version (the render cache, keyed by the row): a
    changed invoice is rendered again, on the seed's route and the live one."""
    base = {"order_date": "2025-11-12T00:00:00Z", "subtotal": "1", "tax": "0", "total": "1"}
    await abc.ingest(abc_doc("CHANGE-1", po_number="PO-OLD", **base))  # type: ignore[arg-type]
    paths = ("/api/invoice/v1/invoices/CHANGE-1", "/api/invoice/v1/invoices/id/CHANGE-1")
    for path in paths:
        first = await abc.get(path)
        assert first.status_code == 200, first.text
        assert b"PO-OLD" in first.content and (await abc.get(path)).content == first.content
    await abc.ingest(abc_doc("CHANGE-1", po_number="PO-NEW", **base))  # type: ignore[arg-type]
    for path in paths:
        changed = await abc.get(path)
        assert b"PO-NEW" in changed.content and b"PO-OLD" not in changed.content


async def test_invoices_of_others_or_of_the_sandbox_are_not_found(abc: Abc) -> None:
    base = {"order_date": "2025-11-12T00:00:00Z", "subtotal": "1", "tax": "0", "total": "1"}
    await abc.ingest(
        abc_doc("OTHER-1", customer="2099999", **base),  # type: ignore[arg-type]
        abc_doc("SANDBOX-1", environment="sandbox", **base),  # type: ignore[arg-type]
    )
    for number in ("NOPE-1", "OTHER-1", "SANDBOX-1"):
        for suffix in ("", "/pdf"):
            assert_abc_error(
                await abc.get(f"/api/invoice/v1/invoices/{number}{suffix}"), 404, number
            )


async def test_the_pdf(abc: Abc) -> None:
    await abc.ingest(*seed_docs())
    path = "/api/invoice/v1/invoices/2002682539-001/pdf"
    response = await abc.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert "2002682539-001.pdf" in response.headers["content-disposition"]
    etag = response.headers["etag"]
    again = await abc.http.get(path, headers=abc.auth | {"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    changed = seed_docs()[0] | {"order_name": "Renamed"}
    await abc.ingest(changed)
    fresh = await abc.http.get(path, headers=abc.auth | {"If-None-Match": etag})
    assert fresh.status_code == 200 and fresh.headers["etag"] != etag


async def test_errors_under_the_prefix_are_abc_shaped_and_scansource_keeps_its_own(
    abc: Abc,
) -> None:
    assert_abc_error(await abc.get("/api/invoice/v1/nothing/here"), 404)
    assert_abc_error(await abc.http.post(HISTORY, headers=abc.auth), 405)
    assert_abc_error(await abc.get("/api/invoice/v1/webhooks/abc"), 400, "webhookId")
    scansource = await abc.http.get("/api/invoice/summary/C100")
    assert scansource.status_code == 401
    assert set(scansource.json()) == {"statusCode", "message"}


async def test_the_spec_is_served_and_listed_on_the_docs_page(abc: Abc) -> None:
    spec = (await abc.http.get("/abcsupply/openapi.json")).json()
    assert {
        "/api/invoice/v1/invoices/history/{billToAccount}",
        "/api/invoice/v1/invoices/{invoiceId}",
        "/api/invoice/v1/invoices/{invoiceId}/pdf",
        "/api/invoice/v1/webhooks",
        "/api/invoice/v1/webhooks/{webhookId}/deliveries/{deliveryId}/replay",
    } <= set(spec["paths"])
    item = spec["components"]["schemas"]["Item"]["properties"]
    assert "orginalInvoiceReference" in item
    assert item["subTotal"]["type"] == "number"
    history = spec["paths"]["/api/invoice/v1/invoices/history/{billToAccount}"]["get"]
    assert history["security"] == [{"oauth2": ["invoice.history.read"]}]
    page = await abc.http.get("/docs/swagger-initializer.js")
    assert "/abcsupply/openapi.json" in page.text


async def test_the_shared_rate_limits_apply_when_configured(database_url: str) -> None:
    async with abc_app(database_url, rate_limits={"abcsupply": "4 per 60 seconds"}) as abc:
        missing = await abc.get("/api/invoice/v1/invoices/NOPE-1")  # errors carry them too
        assert missing.status_code == 404
        assert missing.headers["x-ratelimit-limit"] == "4"
        answers = [await abc.get(HISTORY) for _ in range(3)]
        assert [r.headers["x-ratelimit-remaining"] for r in answers] == ["2", "1", "0"]
        refused = await abc.get(HISTORY)
        assert_abc_error(refused, 429, "rate limit")
        assert int(refused.headers["retry-after"]) >= 1
        assert refused.headers["x-ratelimit-remaining"] == "0"


async def test_without_a_configured_limit_there_are_no_rate_limit_headers(abc: Abc) -> None:
    response = await abc.get(HISTORY)
    assert "x-ratelimit-limit" not in response.headers
