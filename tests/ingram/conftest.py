"""Fixtures for the Ingram dialect: demo data, the demo partner's OAuth client and a token."""

from __future__ import annotations

from datetime import date

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from invoiceport.invoices.schemas import CanonicalInvoice
from invoiceport.ops.demo import demo_invoices
from invoiceport.ops.demo_setup import DemoSummary, load_demo
from tests.oauth.support import Client, bearer, token_for

SEED = 1
COUNT = 24


@pytest.fixture
async def demo(engine: AsyncEngine) -> DemoSummary:
    return await load_demo(engine, SEED, COUNT, reset=False)


@pytest.fixture
def demo_docs() -> list[CanonicalInvoice]:
    """The documents `demo` stored (the generator is deterministic for a seed and a day)."""
    return list(demo_invoices(SEED, COUNT, date.today()))


@pytest.fixture
async def auth(client: httpx.AsyncClient, demo: DemoSummary) -> dict[str, str]:
    """Bearer headers of the demo partner (granted every demo customer but 100999)."""
    partner = Client(demo.partner_id, demo.client_id, demo.client_secret)
    return bearer(await token_for(client, partner))


async def get_invoice(
    http: httpx.AsyncClient,
    headers: dict[str, str],
    number: str,
    customer: str | None = "20-123456",
    country: str | None = "UK",
    *,
    sandbox: bool = False,
) -> httpx.Response:
    params = {}
    if customer is not None:
        params["customerNumber"] = customer
    if country is not None:
        params["isoCountryCode"] = country
    prefix = "/sandbox" if sandbox else ""
    return await http.get(
        f"{prefix}/resellers/v5/invoices/{number}", params=params, headers=headers
    )
