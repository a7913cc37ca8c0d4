"""The seed's two example invoices as canonical documents, and an app with an ABC partner."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI

from tests.factories import invoice_doc
from tests.oauth.support import app_client, bearer, make_settings, new_client, token_for

SEED = Path(__file__).parent.parent / "contracts" / "abcsupply-invoice-api.txt"
ACCOUNT = "2011865"
HISTORY = f"/api/invoice/v1/invoices/history/{ACCOUNT}"


def seed_example() -> str:
    """The example history response of the seed, as its text."""
    text = SEED.read_text()
    start = text.index('{\n    "pagination"')
    end = text.index("\nExpand", start)
    return text[start:end]


def seed_example_json() -> Any:
    return json.loads(seed_example(), parse_float=Decimal)


def abc_doc(
    number: str,
    *,
    order_date: str,
    subtotal: str,
    tax: str,
    total: str,
    customer: str = ACCOUNT,
    **overrides: Any,
) -> dict[str, Any]:
    """A canonical document carrying every field the ABC item shows."""
    order = number.split("-")[0]
    day = order_date[:10]
    doc = invoice_doc(
        number,
        customer,
        invoice_date=day,
        due_date=day,
        sales_order_number=order,
        order_name="Test CP 2 Order",
        order_date=order_date,
        po_number="123445533",
        sales_type="DELIVERY",
        sales_rep={"code": "JD012345", "name": "Doe, John A"},
        ship_to_account={"number": "2011865-2", "name": "Team Dm Constructionshop"},
        branch_number="118",
        shipment={"number": number, "date": day},
        subtotal=subtotal,
        tax=tax,
        freight=None,
        total=total,
        lines=[
            {
                "line_number": 1,
                "item_number": "SHINGLE-1",
                "description": "Shingles",
                "quantity": 1,
                "unit_price": subtotal,
                "extended_price": subtotal,
            }
        ],
    )
    doc.update(overrides)
    return {k: v for k, v in doc.items() if v is not None}


def seed_docs() -> list[dict[str, Any]]:
    """The two invoices of the seed's example response."""
    return [
        abc_doc(
            "2002682539-001",
            order_date="2025-11-12T00:00:00Z",
            subtotal="732.41",
            tax="75.07",
            total="807.48",
        ),
        abc_doc(
            "2002669473-001",
            order_date="2025-11-09T00:00:00Z",
            subtotal="206.7",
            tax="15.81",
            total="222.51",
            order_name="Test CP 2 Demo CPU",
            sales_type="CPU",
            sales_rep={"name": "House - Murray"},
        ),
    ]


@dataclass
class Abc:
    app: FastAPI
    http: httpx.AsyncClient  # authenticated as the admin
    token: str  # the partner's token, both scopes
    partner_id: int

    @property
    def auth(self) -> dict[str, str]:
        return bearer(self.token)

    async def ingest(self, *docs: dict[str, Any]) -> None:
        for doc in docs:
            response = await self.http.post("/admin/v1/invoices", json=doc)
            assert response.status_code == 200, response.text

    async def get(self, path: str, **params: str) -> httpx.Response:
        return await self.http.get(path, params=params, headers=self.auth)


@asynccontextmanager
async def abc_app(
    database_url: str, customers: Sequence[str] = (ACCOUNT,), **settings: object
) -> AsyncIterator[Abc]:
    async with app_client(make_settings(database_url, **settings)) as (app, http):
        client = await new_client(http, customers)
        yield Abc(app, http, await token_for(http, client), client.partner_id)


def numbers_in(body: bytes, field: str) -> list[str]:
    """The raw JSON text of every `field` number in a body (to see digits, not floats)."""
    return re.findall(rf'"{field}":(-?[0-9.eE+-]+)', body.decode())
