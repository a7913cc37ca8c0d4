"""Invoice search v6: every filter of the reference, exact totals, stable paging, grants."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.ingram_xi.support import put_invoice, xi_headers
from tests.oauth.support import new_client, token_for


def _line(number: int, **extra: Any) -> dict[str, Any]:
    return {
        "line_number": number,
        "item_number": f"P-{number}",
        "quantity": 1,
        "unit_price": "10.00",
        "extended_price": "10.00",
        **extra,
    }


async def _stock(admin: httpx.AsyncClient) -> None:
    """Seven invoices of C100 with one distinct value each (and one before the lookback window,
    one of C200, one in sandbox)."""
    common = {"subtotal": "10.00", "tax": "0.00", "freight": "0.00", "total": "10.00"}
    for day in range(1, 8):
        await put_invoice(
            admin,
            f"S-{day}",
            invoice_date=f"2026-11-0{day}",
            due_date=f"2026-12-0{day}",
            order_date=f"2026-10-0{day}T12:00:00Z",
            status="paid" if day == 3 else "open",
            document_type="credit_memo" if day == 4 else "invoice",
            sales_order_number=f"SO-{day}",
            po_number=f"PO-{day}",
            end_user_po_number=f"END-{day}",
            lines=[
                _line(
                    1,
                    delivery_number=f"D-{day}",
                    special_bid_number=f"B-{day}",
                    serial_numbers=[f"SER-{day}", "SHARED"],
                )
            ],
            **common,
        )
    await put_invoice(admin, "S-OLD", invoice_date="2024-01-05", lines=[_line(1)], **common)
    await put_invoice(admin, "S-OTHER", customer="C200", lines=[_line(1)], **common)
    await put_invoice(admin, "S-SBX", environment="sandbox", lines=[_line(1)], **common)


@pytest.fixture
async def token(client: httpx.AsyncClient) -> str:
    await _stock(client)
    return await token_for(client, await new_client(client, customers=["C100"]))


async def _search(
    http: httpx.AsyncClient,
    token: str,
    path: str = "/resellers/v6/invoices",
    customer: str = "C100",
    **params: Any,
) -> httpx.Response:
    return await http.get(path, params=params, headers=xi_headers(token, customer))


def _numbers(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["invoiceNumber"] for item in response.json()["invoices"]]


FILTERS: list[tuple[dict[str, Any], list[str]]] = [
    ({"invoiceNumber": "S-2"}, ["S-2"]),
    ({"invoiceStatus": "Paid"}, ["S-3"]),
    ({"invoiceType": "Credit Memo"}, ["S-4"]),
    ({"invoiceDate": "2026-11-05"}, ["S-5"]),
    (
        {"invoiceFromDate": ["2026-11-02", "2026-11-03"], "invoiceToDate": "2026-11-04"},
        ["S-4", "S-3"],
    ),
    ({"invoiceFromDueDate": "2026-12-06", "invoiceToDueDate": "2026-12-07"}, ["S-7", "S-6"]),
    ({"invoiceDueDate": "2026-12-01"}, ["S-1"]),
    ({"paymentTermsNetDate": "2026-12-02"}, ["S-2"]),
    ({"orderFromDate": "2026-10-06"}, ["S-7", "S-6"]),
    ({"orderDate": "2026-10-01"}, ["S-1"]),
    ({"orderNumber": "SO-6"}, ["S-6"]),
    ({"customerOrderNumber": "PO-5"}, ["S-5"]),
    ({"endCustomerOrderNumber": "END-4"}, ["S-4"]),
    ({"DeliveryNumber": "D-3"}, ["S-3"]),
    ({"specialBidNumber": "B-2"}, ["S-2"]),
    ({"serialNumber": "SER-1"}, ["S-1"]),
    (
        {"serialNumber": "SHARED", "orderby": "OrderDate", "direction": "asc", "pageSize": 3},
        ["S-1", "S-2", "S-3"],
    ),
]


async def test_each_filter(client: httpx.AsyncClient, token: str) -> None:
    for params, expected in FILTERS:
        response = await _search(client, token, **params)
        assert _numbers(response) == expected, params
        assert response.json()["recordsFound"] == (7 if "pageSize" in params else len(expected))


async def test_pages_are_exact_and_stable(client: httpx.AsyncClient, token: str) -> None:
    seen: list[str] = []
    page = 1
    while True:
        response = await _search(client, token, pageSize=2, pageNumber=page)
        body = response.json()
        assert body["recordsFound"] == 7
        assert body["pageSize"] == 2
        assert body["pageNumber"] == page
        seen += _numbers(response)
        if "nextPage" not in body:
            break
        assert f"pageNumber={page + 1}" in body["nextPage"]
        page += 1
    assert seen == [f"S-{d}" for d in range(7, 0, -1)]
    assert page == 4
    assert _numbers(await _search(client, token, pageSize=100, direction="asc")) == seen[::-1]


async def test_grants_sandbox_and_bad_parameters(client: httpx.AsyncClient, token: str) -> None:
    refused = await _search(client, token, customer="C200")
    assert refused.status_code == 403
    sandbox = await _search(client, token, "/sandbox/resellers/v6/invoices")
    assert _numbers(sandbox) == ["S-SBX"]
    for name, value in (
        ("pageSize", "101"),
        ("pageNumber", "0"),
        ("invoiceFromDate", "11/2/2026"),
        ("orderby", "Amount"),
        ("direction", "up"),
        ("invoiceStatus", "lost"),
    ):
        bad = await _search(client, token, **{name: value})
        assert bad.status_code == 400, (name, bad.text)
        assert bad.json()["errors"][0]["fields"][0]["field"] == name
