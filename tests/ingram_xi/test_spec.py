"""The XI routes' served spec: listed on /docs, every route of this server in it."""

from __future__ import annotations

import httpx


async def test_the_served_spec(client: httpx.AsyncClient) -> None:
    initializer = await client.get("/docs/swagger-initializer.js")
    assert "/ingram/xi/openapi.json" in initializer.text
    spec = (await client.get("/ingram/xi/openapi.json")).json()
    paths = spec["paths"]
    for prefix in ("", "/sandbox"):
        for path in (
            "/resellers/v6.1/invoices/{invoiceNumber}",
            "/resellers/v6/invoices/{invoiceNumber}",
            "/resellers/v6/invoices",
        ):
            assert "get" in paths[f"{prefix}{path}"], (prefix, path)
    assert set(paths["/oauth/oauth20/token"]) == {"get", "post"}
    v6 = spec["components"]["schemas"]["InvoiceDetailsv6Response"]["properties"]
    assert "InvoiceNumber" in v6
    assert "InvoicedAmountDue" in v6["Summary"]["properties"]["Totals"]["properties"]
    details = paths["/resellers/v6.1/invoices/{invoiceNumber}"]["get"]
    assert {"200", "400", "401", "403", "404", "429", "503"} <= set(details["responses"])
