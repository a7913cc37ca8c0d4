"""Summary, list and detail: the seed's JSON shapes, every parameter, order, counts and money."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from tests.scansource.conftest import A_CUSTOMER, World

SUMMARY = f"/api/invoice/summary/{A_CUSTOMER}"
LIST = f"/api/invoice/list/{A_CUSTOMER}"
NEWEST_FIRST = ["INV-1003", "INV-1002", "CM-1", "INV-1001", "INV-0999", "BIG-1", "OPEN-1"]


def exact(text: str) -> Any:
    return json.loads(text, parse_float=Decimal)


def numbers(body: dict[str, Any]) -> list[str]:
    return [item["invoiceNumber"] for item in body["invoices"]]


async def test_summary_has_the_seed_shape_newest_first(world: World) -> None:
    response = await world.get(SUMMARY)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    body = exact(response.text)
    assert list(body) == ["totalCount", "page", "pageSize", "invoices"]
    assert (body["totalCount"], body["page"], body["pageSize"]) == (7, 1, 20)
    assert numbers(body) == NEWEST_FIRST  # sandbox INV-S1 and customer B's invoices absent
    first = body["invoices"][3]
    assert first == {
        "invoiceNumber": "INV-1001",
        "salesOrderNumber": "SO-77",
        "poNumber": "PO-55",
        "invoiceDate": "2026-10-01",
        "totalAmount": Decimal("4904.90"),
        "currency": "USD",
        "status": "invoiced",
        "docType": "Invoice",
        "dateEntered": first["dateEntered"],
        "lastChanged": first["lastChanged"],
    }
    assert first["dateEntered"].endswith("Z")
    assert body["invoices"][2]["docType"] == "Credit Memo"
    assert "invoiceDate" not in body["invoices"][-1]  # the open order: absent, never null
    assert response.headers["x-total-count"] == "7"


async def test_paging_is_stable_and_total_count_exact(world: World) -> None:
    seen: list[str] = []
    for page in (1, 2, 3):
        body = (await world.get(SUMMARY, page=page, pageSize=3)).json()
        assert (body["totalCount"], body["page"], body["pageSize"]) == (7, page, 3)
        seen += numbers(body)
    assert seen == NEWEST_FIRST
    beyond = (await world.get(SUMMARY, page=4, pageSize=3)).json()
    assert beyond["invoices"] == [] and beyond["totalCount"] == 7


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"salesOrderNumber": "SO-78"}, ["INV-1003", "INV-1002"]),
        ({"invoiceNumber": "INV-1002"}, ["INV-1002"]),
        ({"poNumber": "PO-57"}, ["INV-1003"]),
        ({"poNumber": "PO-5"}, []),  # exact, not a prefix
        ({"fromDate": "2026-10-03"}, ["INV-1003", "INV-1002", "CM-1"]),  # inclusive
        ({"toDate": "2026-10-01"}, ["INV-1001", "INV-0999", "BIG-1"]),  # inclusive
        ({"fromDate": "2026-10-01", "toDate": "2026-10-03"}, ["CM-1", "INV-1001"]),
        ({"fromDate": "2026-10-04", "toDate": "2026-10-02"}, []),
        ({"salesOrderNumber": "SO-78", "poNumber": "PO-56"}, ["INV-1002"]),
        ({"poNumber": ""}, NEWEST_FIRST),  # empty means no filter
        ({"poNumber": "x" * 300}, []),
        ({"invoiceNumber": "INV\x00"}, []),
        ({"page": "", "pageSize": "", "fromDate": "", "toDate": ""}, NEWEST_FIRST),
    ],
)
async def test_filters(world: World, params: dict[str, str], expected: list[str]) -> None:
    for path in (SUMMARY, LIST):
        body = (await world.get(path, **params)).json()
        assert numbers(body) == expected, path
        assert body["totalCount"] == len(expected)


async def test_page_size_maximum_is_configurable(world: World) -> None:
    assert (await world.get(SUMMARY, pageSize=100)).status_code == 200
    response = await world.get(SUMMARY, pageSize=101)
    assert response.status_code == 400
    assert response.json() == {
        "statusCode": 400,
        "message": "pageSize: expected a whole number from 1 to 100, got '101'",
    }


async def test_list_is_totalcount_and_full_details(world: World) -> None:
    body = exact((await world.get(LIST, pageSize=2)).text)
    assert list(body) == ["totalCount", "invoices"]
    assert body["totalCount"] == 7
    detail = exact((await world.get(f"/api/invoice/detail/{A_CUSTOMER}/INV-1003")).text)
    assert body["invoices"][0] == detail


async def test_detail_has_every_seed_and_classic_field(world: World) -> None:
    response = await world.get(f"/api/invoice/detail/{A_CUSTOMER}/BIG-1")
    assert response.status_code == 200
    body = exact(response.text)
    assert body["billToAddress"] == {
        "name": "Acme & Sons <West>",
        "address1": "1 Main St",
        "city": "Greenville",
        "state": "SC",
        "postalCode": "29615",
        "country": "US",
        "attn": "AP",
        "address2": "Suite 5",
    }
    assert body["lineItems"][0] == {
        "lineNumber": 1,
        "itemNumber": "BIG",
        "manufacturerPartNumber": "MPN-1",
        "description": "Very big thing",
        "quantity": 3,
        "unitPrice": Decimal("411522.1300"),
        "extendedPrice": Decimal("1234566.39"),
        "poLineNumber": "10",
        "referenceLineNumber": "R1",
        "itemCatCode": "CAT",
        "ordered": 4,
        "committed": 3,
        "backOrdered": 1,
        "shipped": 3,
        "currency": "USD",
        "deliveryNumber": "D-1",
        "deliveryLineNumber": "1",
        "serialNumbers": ["SN1", "SN2", "SN3"],
        "trackingNumbers": ["1Z001"],
    }
    top = {
        k: v for k, v in body.items() if k not in ("billToAddress", "shipToAddress", "lineItems")
    }
    assert top == {
        "invoiceNumber": "BIG-1",
        "salesOrderNumber": "SO-BIG",
        "poNumber": "PO-BIG",
        "customerNumber": A_CUSTOMER,
        "invoiceDate": "2026-01-15",
        "dueDate": "2026-02-14",
        "subtotal": Decimal("1234567.39"),
        "tax": Decimal("0.10"),
        "shippingCost": Decimal("0.30"),
        "totalAmount": Decimal("1234567.89"),
        "currency": "USD",
        "status": "invoiced",
        "docType": "Invoice",
        "endUserPo": "EU-42",
        "referenceNumber": "REF-9",
        "shipDate": "2026-01-14",
        "cancelled": "2026-01-20T09:30:00Z",
        "salesRepCode": "JD01",
        "salesRepName": "Doe, John",
        "salesRepEmail": "john@example.com",
        "freightAmount": Decimal("0.30"),
        "insuranceAmount": Decimal("0.10"),
        "enteredByEmail": "buyer@example.com",
        "shippingOption": "UPSG",
        "shippingOptionDescription": "UPS GROUND",
        "dateEntered": body["dateEntered"],
        "lastChanged": body["lastChanged"],
        "trackingNumbers": ["1Z001", "1Z002"],
    }


async def test_money_is_a_json_number_with_the_exact_digits(world: World) -> None:
    text = (await world.get(f"/api/invoice/detail/{A_CUSTOMER}/BIG-1")).text
    assert '"totalAmount":1234567.89' in text
    assert '"unitPrice":411522.1300' in text  # four decimals kept, no float rounding
    assert '"tax":0.10' in text
    assert '"quantity":3,' in text  # whole quantities are integers
    assert '"quantity":2.5,' in text  # others keep their digits
    cm = (await world.get(SUMMARY, invoiceNumber="CM-1")).text
    assert '"totalAmount":0.10' in cm


async def test_exclude_serial_tracking_drops_serials_and_tracking(world: World) -> None:
    path = f"/api/invoice/detail/{A_CUSTOMER}/BIG-1"
    full = (await world.get(path)).json()
    assert full["lineItems"][0]["serialNumbers"] == ["SN1", "SN2", "SN3"]
    for value in ("true", "True", "1"):
        slim = (await world.get(path, excludeSerialTracking=value)).json()
        assert "trackingNumbers" not in slim
        for item in slim["lineItems"]:
            assert "serialNumbers" not in item and "trackingNumbers" not in item
        trimmed = {k: v for k, v in full.items() if k not in ("trackingNumbers", "lineItems")}
        assert {k: v for k, v in slim.items() if k != "lineItems"} == trimmed
    assert (await world.get(path, excludeSerialTracking="false")).json() == full
    listed = (await world.get(LIST, invoiceNumber="BIG-1", excludeSerialTracking="true")).json()
    assert "serialNumbers" not in listed["invoices"][0]["lineItems"][0]


async def test_unknown_invoice_is_404(world: World) -> None:
    for route in ("detail", "pdf"):
        response = await world.get(f"/api/invoice/{route}/{A_CUSTOMER}/NOPE")
        assert response.status_code == 404
        assert response.json() == {"statusCode": 404, "message": "Invoice not found"}
    sandbox_only = await world.get(f"/api/invoice/detail/{A_CUSTOMER}/INV-S1")
    assert sandbox_only.status_code == 404  # this dialect serves production only


async def test_unknown_route_and_method_in_the_apim_shape(world: World) -> None:
    missing = await world.get("/api/invoice/nothing/C100")
    assert missing.status_code == 404
    assert missing.json() == {"statusCode": 404, "message": "Resource not found"}
    post = await world.http.post(SUMMARY, headers=world.a())
    assert post.status_code == 405
    assert post.headers["allow"] == "GET"
    assert post.json() == {"statusCode": 405, "message": "Method Not Allowed"}
