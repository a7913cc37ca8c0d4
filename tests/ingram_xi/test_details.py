"""Invoice details v6.1 (camelCase) and v6 (PascalCase) over the canonical store."""

from __future__ import annotations

import json
from decimal import Decimal

import httpx
import pytest

from tests.ingram_xi.support import put_invoice, xi_headers
from tests.oauth.support import new_client, token_for

RICH = {
    "status": "open",
    "end_user_po_number": "END-9",
    "order_date": "2026-09-28T10:00:00Z",
    "bill_to_account": "C100",
    "country_code": "US",
    "payment_terms": "NET 30",
    "bill_to": {
        "name": "Acme",
        "name2": "Sales",
        "attention": "Pat",
        "address1": "1 Way",
        "city": "Austin",
        "state": "TX",
        "postal_code": "78701",
        "country": "US",
    },
    "ship_to": {"name": "Acme Dock", "address1": "2 Road", "city": "Austin", "country": "US"},
    "discount": "10.10",
    "misc_fees": [{"code": "ENV", "description": "Environmental fee", "amount": "3.335"}],
    "total": "4898.135",
}


@pytest.fixture
async def token(client: httpx.AsyncClient) -> str:
    partner = await new_client(client, customers=["C100"])
    return await token_for(client, partner)


async def test_v61_maps_the_canonical_invoice(client: httpx.AsyncClient, token: str) -> None:
    await put_invoice(client, "40-DPJ17-11", **RICH)
    response = await client.get(
        "/resellers/v6.1/invoices/40-DPJ17-11",
        params={"includeSerialNumbers": "true"},
        headers=xi_headers(token),
    )
    assert response.status_code == 200, response.text
    assert b'"unitPrice":7.50,' in response.content  # the exact digits, a JSON number
    body = json.loads(response.content, parse_float=Decimal)
    assert body["invoiceNumber"] == "40-DPJ17-11"
    assert body["invoiceStatus"] == "Open"
    assert body["invoiceDate"] == "2026-10-01"
    assert body["invoiceDueDate"] == "2026-10-31"
    assert body["customerOrderNumber"] == "PO-55"
    assert body["endCustomerOrderNumber"] == "END-9"
    assert body["ingramOrderNumber"] == "SO-77"
    assert body["orderDate"] == "2026-09-28"
    assert body["invoiceType"] == "Invoice"
    assert body["billToID"] == "C100"
    assert body["paymentTermsInfo"] == {
        "paymentTermsDescription": "NET 30",
        "paymentTermsDueDate": "2026-10-31",
    }
    assert body["billToInfo"]["companyName"] == "Acme Sales"
    assert body["billToInfo"]["contact"] == "Pat"
    assert body["shipToInfo"]["addressLine1"] == "2 Road"
    first, second = body["lines"]
    assert first["ingramPartNumber"] == "ZEB-1"
    assert first["quantity"] == 6
    assert isinstance(first["quantity"], int)
    assert first["serialNumbers"] == [{"serialNumber": "S1"}, {"serialNumber": "S2"}]
    assert second["serialNumbers"] == []
    assert first["extendedPrice"] == 4500
    assert body["summary"]["lines"] == {"productLineCount": 2, "productLineTotalQuantity": 10}
    assert body["summary"]["miscCharges"][0]["miscChargeLineTotal"] == Decimal("3.335")
    totals = body["summary"]["totals"]
    assert totals["invoicedAmountDue"] == Decimal("4898.135")
    assert totals["totalTaxAmount"] == Decimal("362.40")
    assert totals["freightAmount"] == Decimal("12.50")
    assert totals["discountAmount"] == Decimal("10.10")
    assert totals["netInvoiceAmount"] == Decimal("4530.00")
    assert body["fxRateInfo"]["currencyFxRate"] == 1
    without = await client.get("/resellers/v6.1/invoices/40-DPJ17-11", headers=xi_headers(token))
    assert "serialNumbers" not in without.json()["lines"][0]


async def test_v6_is_the_same_content_in_pascal_case(client: httpx.AsyncClient, token: str) -> None:
    await put_invoice(client, "40-DPJ17-12", **RICH)
    camel = await client.get("/resellers/v6.1/invoices/40-DPJ17-12", headers=xi_headers(token))
    pascal = await client.get("/resellers/v6/invoices/40-DPJ17-12", headers=xi_headers(token))
    assert pascal.status_code == 200, pascal.text
    body = pascal.json()
    assert body["InvoiceNumber"] == "40-DPJ17-12"
    assert (
        body["Summary"]["Totals"]["InvoicedAmountDue"]
        == camel.json()["summary"]["totals"]["invoicedAmountDue"]
    )
    assert body["Lines"][1]["UnitPrice"] == 7.5
    assert body["BillToInfo"]["CompanyName"] == "Acme Sales"
    assert "invoiceNumber" not in body


async def test_refusals_take_the_error_response_shape(
    client: httpx.AsyncClient, token: str
) -> None:
    await put_invoice(client, "INV-1")
    await put_invoice(client, "INV-2", customer="C200")
    unknown = await client.get("/resellers/v6.1/invoices/NOPE", headers=xi_headers(token))
    assert unknown.status_code == 404
    assert unknown.json()["errors"][0]["type"] == "/errors/not-found"
    other = await client.get("/resellers/v6.1/invoices/INV-2", headers=xi_headers(token, "C200"))
    assert other.status_code == 403
    assert "C200" in other.json()["errors"][0]["message"]
    headers = xi_headers(token)
    del headers["IM-CountryCode"]
    missing = await client.get("/resellers/v6.1/invoices/INV-1", headers=headers)
    assert missing.status_code == 400
    assert missing.json()["errors"][0]["fields"][0]["field"] == "IM-CountryCode"
    for name, value in (("includeSerialNumbers", "maybe"), ("customerType", "quote")):
        bad = await client.get(
            "/resellers/v6.1/invoices/INV-1", params={name: value}, headers=xi_headers(token)
        )
        assert bad.status_code == 400, (name, bad.text)
        assert bad.json()["errors"][0]["fields"][0]["field"] == name
    anonymous = await client.get(
        "/resellers/v6.1/invoices/INV-1", headers={**xi_headers(token), "Authorization": ""}
    )
    assert anonymous.status_code == 401
    assert "errors" in anonymous.json()


async def test_query_values_sandbox_and_order_lookup(client: httpx.AsyncClient, token: str) -> None:
    await put_invoice(client, "INV-1")
    await put_invoice(client, "INV-S", environment="sandbox", sales_order_number="SO-S")
    headers = xi_headers(token)
    del headers["IM-CustomerNumber"], headers["IM-CountryCode"]
    query = {"customerNumber": "C100", "isoCountryCode": "us"}
    appended = await client.get("/resellers/v6.1/invoices/INV-1", params=query, headers=headers)
    assert appended.status_code == 200, appended.text
    assert (
        await client.get("/resellers/v6.1/invoices/INV-S", headers=xi_headers(token))
    ).status_code == 404
    sandbox = await client.get("/sandbox/resellers/v6.1/invoices/INV-S", headers=xi_headers(token))
    assert sandbox.json()["invoiceNumber"] == "INV-S"
    by_order = await client.get(
        "/sandbox/resellers/v6/invoices/SO-S",
        params={"customerType": "order"},
        headers=xi_headers(token),
    )
    assert by_order.json()["InvoiceNumber"] == "INV-S"


async def test_lookback_window_applies_as_to_v5(client: httpx.AsyncClient, token: str) -> None:
    await put_invoice(client, "OLD-1", invoice_date="2024-01-05")
    old = await client.get("/resellers/v6.1/invoices/OLD-1", headers=xi_headers(token))
    assert old.status_code == 404
