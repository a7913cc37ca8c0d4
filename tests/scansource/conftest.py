"""A ScanSource world on each database: two partners, their keys, and invoices of both tenants.

Partner A is granted customer `C100`; partner B is granted `C200`. Both customers have an invoice
numbered `INV-1001` (the key is per customer), B also has `INV-B1`, and a sandbox invoice of `C100`
must never show up here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from tests.factories import invoice_doc

from invoiceport.app import close, create_app
from invoiceport.invoices.service import upsert
from invoiceport.invoices.validation import validate_document
from invoiceport.partners import service as partners
from invoiceport.partners.schemas import PartnerCreate
from invoiceport.settings import Settings

KEY_HEADER = "Ocp-Apim-Subscription-Key"
A_CUSTOMER = "C100"
B_CUSTOMER = "C200"


def line(
    number: int, quantity: str, unit_price: str, extended: str, **extra: Any
) -> dict[str, Any]:
    return {
        "line_number": number,
        "quantity": quantity,
        "unit_price": unit_price,
        "extended_price": extended,
        **extra,
    }


def a_documents() -> list[dict[str, Any]]:
    """Customer A's invoices. Newest first they are: 1003, 1002, CM-1, 1001, 0999, OPEN-1."""
    return [
        invoice_doc(),  # INV-1001, 2026-10-01, SO-77, PO-55, serials S1 S2
        invoice_doc(
            "INV-1002",
            invoice_date="2026-10-05",
            due_date="2026-11-04",
            sales_order_number="SO-78",
            po_number="PO-56",
        ),
        invoice_doc(
            "INV-1003",
            invoice_date="2026-10-05",
            due_date="2026-11-04",
            sales_order_number="SO-78",
            po_number="PO-57",
        ),
        invoice_doc("INV-0999", invoice_date="2026-09-30", due_date="2026-10-30"),
        invoice_doc("OPEN-1", invoice_date=None, due_date=None, status="open"),
        invoice_doc(
            "CM-1",
            document_type="credit_memo",
            invoice_date="2026-10-03",
            due_date="2026-10-03",
            subtotal="0.10",
            tax="0.00",
            freight=None,
            total="0.10",
            lines=[line(1, "1", "0.10", "0.10")],
            original_invoice_number="INV-0999",
        ),
        invoice_doc("INV-S1", environment="sandbox"),
        invoice_doc(
            "BIG-1",
            invoice_date="2026-01-15",
            due_date="2026-02-14",
            sales_order_number="SO-BIG",
            po_number="PO-BIG",
            end_user_po_number="EU-42",
            reference_number="REF-9",
            ship_date="2026-01-14",
            cancelled_at="2026-01-20T09:30:00Z",
            entered_by_email="buyer@example.com",
            sales_rep={"code": "JD01", "name": "Doe, John", "email": "john@example.com"},
            shipping_option={"code": "UPSG", "description": "UPS GROUND"},
            tracking_numbers=["1Z001", "1Z002"],
            bill_to={
                "name": "Acme & Sons <West>",
                "attention": "AP",
                "address1": "1 Main St",
                "address2": "Suite 5",
                "city": "Greenville",
                "state": "SC",
                "postal_code": "29615",
                "country": "US",
            },
            ship_to={
                "name": "Acme DC",
                "address1": "9 Dock Rd",
                "city": "Austin",
                "state": "TX",
                "postal_code": "78701",
                "country": "US",
            },
            subtotal="1234567.39",
            tax="0.10",
            freight="0.30",
            insurance="0.10",
            total="1234567.89",
            lines=[
                line(
                    1,
                    "3",
                    "411522.1300",
                    "1234566.39",
                    item_number="BIG",
                    manufacturer_part_number="MPN-1",
                    description="Very big thing",
                    category_code="CAT",
                    po_line_number="10",
                    reference_line_number="R1",
                    quantity_ordered="4",
                    quantity_committed="3",
                    quantity_backordered="1",
                    quantity_shipped="3",
                    delivery_number="D-1",
                    delivery_line_number="1",
                    serial_numbers=["SN1", "SN2", "SN3"],
                    tracking_numbers=["1Z001"],
                ),
                line(2, "2.5", "0.40", "1.00", description="Cable by the metre"),
            ],
        ),
    ]


def b_documents() -> list[dict[str, Any]]:
    return [
        invoice_doc(customer=B_CUSTOMER),  # INV-1001 of B
        invoice_doc("INV-B1", B_CUSTOMER, sales_order_number="SO-B", po_number="PO-B"),
    ]


@dataclass
class World:
    http: httpx.AsyncClient
    transport: httpx.ASGITransport
    engine: AsyncEngine
    settings: Settings
    a_partner: int
    a_key_id: int
    a_key: str
    b_key: str

    def a(self) -> dict[str, str]:
        return {KEY_HEADER: self.a_key}

    def b(self) -> dict[str, str]:
        return {KEY_HEADER: self.b_key}

    async def get(
        self, path: str, headers: dict[str, str] | None = None, **params: Any
    ) -> httpx.Response:
        """GET as partner A unless other headers are given."""
        return await self.http.get(
            path, headers=self.a() if headers is None else headers, params=params or None
        )


async def ingest(engine: AsyncEngine, documents: list[dict[str, Any]]) -> None:
    for document in documents:
        await upsert(engine, validate_document(document))


@asynccontextmanager
async def make_world(settings: Settings) -> AsyncIterator[World]:
    app = create_app(settings)
    engine = app.state.context.engine
    await ingest(engine, a_documents() + b_documents())
    a = await partners.create_partner(
        engine, PartnerCreate(name="A", customer_numbers=[A_CUSTOMER])
    )
    b = await partners.create_partner(
        engine, PartnerCreate(name="B", customer_numbers=[B_CUSTOMER])
    )
    a_key = await partners.issue_api_key(engine, a)
    b_key = await partners.issue_api_key(engine, b)
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(
            transport=transport, base_url="http://invoiceport.test"
        ) as http:
            yield World(http, transport, engine, settings, a, a_key.id, a_key.key, b_key.key)
    finally:
        await close(app)


@pytest.fixture
async def world(settings: Settings) -> AsyncIterator[World]:
    async with make_world(settings) as made:
        yield made
