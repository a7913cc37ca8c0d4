"""Helpers for the XI (v6, v6.1) tests: the headers every call sends, invoices put through the
admin API."""

from __future__ import annotations

from typing import Any

import httpx

from tests.factories import invoice_doc


def xi_headers(token: str, customer: str = "C100", country: str = "US") -> dict[str, str]:
    return {
        "Authorization": f"Bearer {token}",
        "IM-CustomerNumber": customer,
        "IM-CountryCode": country,
        "IM-CorrelationID": "fbac82ba-cf0a-4bcf-fc03-0c5084",
        "IM-ApplicationID": "MyCompany",
    }


async def put_invoice(admin: httpx.AsyncClient, number: str, **overrides: Any) -> dict[str, Any]:
    doc = invoice_doc(number, **overrides)
    response = await admin.post("/admin/v1/invoices", json=doc)
    assert response.status_code in (200, 201), response.text
    return doc
