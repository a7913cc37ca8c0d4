"""Ingram Micro's own Python SDK (PyPI `xi-sdk-resellers`) against a live server on PostgreSQL.

Token, v6.1 details in production and sandbox, search with each filter and paging through every
page; the assertions are on the SDK's populated models, which drop unknown names silently (a
wrong shape would read as an empty model, not fail).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest
from xi.sdk.resellers import AccesstokenApi, ApiClient, Configuration, InvoicesApi
from xi.sdk.resellers.exceptions import ApiException

from tests.conftest import ADMIN_TOKEN, _truncate
from tests.factories import invoice_doc
from tests.live import live_server

CUSTOMER = "20-222222"
HEADERS: dict[str, Any] = {
    "im_customer_number": CUSTOMER,
    "im_country_code": "US",
    "im_correlation_id": "fbac82ba-cf0a-4bcf-fc03-0c5084",
}
COMMON = {"subtotal": "10.00", "tax": "0.00", "freight": "0.00", "total": "10.00"}


def _line(day: int) -> dict[str, Any]:
    return {
        "line_number": 1,
        "item_number": f"P-{day}",
        "quantity": 1,
        "unit_price": "10.00",
        "extended_price": "10.00",
        "delivery_number": f"D-{day}",
        "special_bid_number": f"B-{day}",
        "serial_numbers": [f"SER-{day}"],
    }


def _stock(base: str) -> tuple[str, str]:
    """The invoices, a partner granted CUSTOMER and its OAuth client (id, secret)."""
    admin = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    with admin:
        docs = [
            invoice_doc(
                "40-DPJ17-11",
                CUSTOMER,
                status="open",
                end_user_po_number="XPO37686",
                bill_to={"name": "DELL MARKETING LP", "city": "ROUND ROCK", "country": "US"},
            ),
            invoice_doc("40-SBX01-11", CUSTOMER, environment="sandbox"),
        ]
        for day in range(1, 8):
            docs.append(
                invoice_doc(
                    f"40-PAGE{day}-11",
                    CUSTOMER,
                    invoice_date=f"2026-11-0{day}",
                    due_date=f"2026-12-0{day}",
                    order_date=f"2026-10-0{day}T12:00:00Z",
                    status="paid" if day == 3 else "open",
                    document_type="credit_memo" if day == 4 else "invoice",
                    sales_order_number=f"40-SO{day}",
                    po_number=f"PO-{day}",
                    end_user_po_number=f"END-{day}",
                    lines=[_line(day)],
                    **COMMON,
                )
            )
        for doc in docs:
            assert admin.post("/admin/v1/invoices", json=doc).status_code in (200, 201)
        partner = admin.post(
            "/admin/v1/partners", json={"name": "Reseller", "customer_numbers": [CUSTOMER]}
        ).json()
        client = admin.post(f"/admin/v1/partners/{partner['id']}/oauth-clients", json={}).json()
    return client["client_id"], client["client_secret"]


@pytest.fixture(scope="module")
def server(postgres_database: str) -> Iterator[tuple[str, str, str]]:
    _truncate(postgres_database)
    with live_server(postgres_database, admin_token=ADMIN_TOKEN) as base:
        client_id, secret = _stock(base)
        yield base, client_id, secret


@pytest.fixture(scope="module")
def invoices(server: tuple[str, str, str]) -> Iterator[tuple[InvoicesApi, InvoicesApi]]:
    """The SDK's invoice API for production and for sandbox, authenticated by the SDK's own
    token call."""
    base, client_id, secret = server
    with ApiClient(Configuration(host=base)) as api:
        token = AccesstokenApi(api).get_accesstoken("client_credentials", client_id, secret)
    assert token.token_type == "Bearer"
    assert token.expires_in is not None
    assert int(token.expires_in) > 0
    assert token.access_token
    production = ApiClient(Configuration(host=base, access_token=token.access_token))
    sandbox = ApiClient(Configuration(host=f"{base}/sandbox", access_token=token.access_token))
    with production, sandbox:
        yield InvoicesApi(production), InvoicesApi(sandbox)


def test_details_v61_in_production_and_sandbox(invoices: tuple[InvoicesApi, InvoicesApi]) -> None:
    production, sandbox = invoices
    found = production.get_invoicedetails_v6_1(
        "40-DPJ17-11", im_application_id="MyCompany", include_serial_numbers=True, **HEADERS
    )
    assert found.invoice_number == "40-DPJ17-11"
    assert found.invoice_status == "Open"
    assert found.invoice_date == "2026-10-01"
    assert found.customer_order_number == "PO-55"
    assert found.end_customer_order_number == "XPO37686"
    assert found.bill_to_info is not None
    assert found.bill_to_info.company_name == "DELL MARKETING LP"
    assert found.lines is not None
    first = found.lines[0]
    assert first.ingram_part_number == "ZEB-1"
    assert first.product_description == "Barcode scanner"
    assert first.quantity == 6
    assert Decimal(str(first.unit_price)) == Decimal("750.00")
    assert Decimal(str(first.extended_price)) == Decimal("4500.00")
    assert first.serial_numbers is not None
    assert [s.serial_number for s in first.serial_numbers] == ["S1", "S2"]
    assert Decimal(str(found.lines[1].unit_price)) == Decimal("7.5")
    assert found.summary is not None
    assert found.summary.totals is not None
    assert Decimal(str(found.summary.totals.invoiced_amount_due)) == Decimal("4904.90")
    assert Decimal(str(found.summary.totals.total_tax_amount)) == Decimal("362.40")
    assert Decimal(str(found.summary.totals.freight_amount)) == Decimal("12.50")
    assert found.fx_rate_info is not None
    assert found.fx_rate_info.currency_code == "USD"
    in_sandbox = sandbox.get_invoicedetails_v6_1(
        "40-SBX01-11", im_application_id="MyCompany", **HEADERS
    )
    assert in_sandbox.invoice_number == "40-SBX01-11"
    with pytest.raises(ApiException) as missing:
        production.get_invoicedetails_v6_1("40-SBX01-11", im_application_id="MyCompany", **HEADERS)
    assert missing.value.status == 404


FILTERS: list[tuple[dict[str, Any], list[str]]] = [
    ({"invoice_number": "40-PAGE2-11"}, ["40-PAGE2-11"]),
    ({"invoice_status": "Paid"}, ["40-PAGE3-11"]),
    ({"invoice_type": "Credit Memo"}, ["40-PAGE4-11"]),
    ({"invoice_date": "2026-11-05"}, ["40-PAGE5-11"]),
    (
        {"invoice_from_date": ["2026-11-02", "2026-11-03"], "invoice_to_date": ["2026-11-04"]},
        ["40-PAGE4-11", "40-PAGE3-11"],
    ),
    ({"invoice_from_due_date": "2026-12-07", "invoice_to_due_date": "2026-12-07"}, ["40-PAGE7-11"]),
    ({"invoice_due_date": "2026-12-01"}, ["40-PAGE1-11"]),
    ({"payment_terms_net_date": "2026-12-02"}, ["40-PAGE2-11"]),
    ({"order_from_date": "2026-10-06", "order_to_date": "2026-10-06"}, ["40-PAGE6-11"]),
    ({"order_date": "2026-10-01"}, ["40-PAGE1-11"]),
    ({"order_number": "40-SO6"}, ["40-PAGE6-11"]),
    ({"customer_order_number": "PO-5"}, ["40-PAGE5-11"]),
    ({"end_customer_order_number": "END-4"}, ["40-PAGE4-11"]),
    ({"delivery_number": "D-3"}, ["40-PAGE3-11"]),
    ({"special_bid_number": "B-2"}, ["40-PAGE2-11"]),
    ({"serial_number": "SER-1"}, ["40-PAGE1-11"]),
]


def test_search_with_each_filter(invoices: tuple[InvoicesApi, InvoicesApi]) -> None:
    production, _sandbox = invoices
    for params, expected in FILTERS:
        found = production.get_resellers_v6_invoicesearch("MyCompany", **HEADERS, **params)
        assert found.records_found == len(expected), params
        assert [i.invoice_number for i in found.invoices or []] == expected, params
    paid = production.get_resellers_v6_invoicesearch("MyCompany", **HEADERS, invoice_status="Paid")
    item = (paid.invoices or [])[0]
    assert item.invoice_status == "Paid"
    assert item.invoice_date == "2026-11-03"
    assert item.invoice_due_date == "2026-12-03"
    assert item.erp_order_number == "40-SO3"
    assert item.customer_order_number == "PO-3"
    assert item.end_customer_order_number == "END-3"
    assert item.order_create_date == "2026-10-03"
    assert Decimal(str(item.invoiced_amount_due)) == Decimal("10.00")
    assert item.special_bid_numbers == ["B-3"]


def test_search_pages_through_every_page(invoices: tuple[InvoicesApi, InvoicesApi]) -> None:
    production, _sandbox = invoices
    seen: list[str] = []
    page = 1
    while True:
        found = production.get_resellers_v6_invoicesearch(
            "MyCompany",
            **HEADERS,
            page_size=3,
            page_number=page,
            orderby="InvoiceDate",
            direction="asc",
            invoice_from_date=["2026-11-01"],
        )
        assert found.records_found == 7
        assert found.page_number == page
        seen += [i.invoice_number or "" for i in found.invoices or []]
        if not found.next_page:
            break
        page += 1
    assert page == 3
    assert seen == [f"40-PAGE{d}-11" for d in range(1, 8)]
