"""ABC Supply's live invoice routes as deployed clients call them (real-clients.md), against a
live server on both databases: by id and PDF, their scopes, grants and exact money."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import httpx
from pypdf import PdfReader

from tests.live_apis.conftest import ABC_ACCOUNT, ABC_INVOICE, ABC_LINES, World, new_client

OKTA = "/oauth2/default/v1/token"
BY_ID = f"/api/invoice/v1/invoices/id/{ABC_INVOICE}"
PDF = f"/api/invoice/v1/invoices/pdf/{ABC_INVOICE}"


def _token(world: World, client_id: str, secret: str, scope: str | None = None) -> dict[str, str]:
    url = f"{world.base}{OKTA}?grant_type=client_credentials"
    if scope is not None:
        url += f"&scope={scope}"
    answer = httpx.post(url, auth=httpx.BasicAuth(client_id, secret))
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def test_invoice_by_id_has_the_fields_clients_read_and_every_line(world: World) -> None:
    headers = _token(world, world.a.client_id, world.a.client_secret, "invoice.read")
    answer = httpx.get(world.base + BY_ID, headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/json"
    body = json.loads(answer.content, parse_float=Decimal)
    assert body["invoiceNumber"] == ABC_INVOICE
    assert body["orderNumber"] == "2010452632"
    assert body["purchaseOrderNumber"] == "123445533"
    assert body["billTo"] == {"number": ABC_ACCOUNT, "name": "Team Dm Construction"}
    assert body["soldTo"] == {"number": ABC_ACCOUNT, "name": "Team Dm Construction"}
    assert body["shipTo"] == {"number": "2011865-2", "name": "Team Dm Constructionshop"}
    assert body["branch"] == {"number": "118", "name": None, "city": None, "state": None}
    assert body["creditRebillReason"] is None
    assert (body["subTotal"], body["taxAmount"], body["total"]) == (
        Decimal("270.00"),
        Decimal("0.10"),
        Decimal("270.10"),
    )
    assert len(body["lines"]) == ABC_LINES
    first = body["lines"][0]
    assert first["itemNumber"] == "SHG-1"
    assert first["itemDescription"] == "Shingles bundle 1"
    assert first["shippedQty"] == {"value": 3, "uom": "BD"}
    assert first["priceQty"] == {"value": 3, "uom": "BD", "priceConversionFactor": 1}
    # Money keeps its digits on the wire (a JSON number, never through float).
    assert b'"pricePerUnitAmount":7.5000,"extendedPriceAmount":22.50' in answer.content
    assert b'"taxAmount":0.10,"total":270.10' in answer.content


def test_scopes_per_route_and_the_403_names_the_missing_one(world: World) -> None:
    history_only = _token(world, *new_client(world, world.a, ["invoice.history.read"]))
    assert httpx.get(world.base + BY_ID, headers=history_only).status_code == 200
    refused = httpx.get(world.base + PDF, headers=history_only)
    assert refused.status_code == 403
    assert refused.json() == {
        "status": 403,
        "error": "Forbidden",
        "message": "the access token lacks the scope invoice.read",
    }
    assert 'scope="invoice.read"' in refused.headers["www-authenticate"]
    manage_only = _token(world, *new_client(world, world.a, ["invoice.webhooks.manage"]))
    by_id = httpx.get(world.base + BY_ID, headers=manage_only)
    assert by_id.status_code == 403
    assert by_id.json()["message"] == "the access token lacks the scope invoice.read"
    read_only = _token(world, *new_client(world, world.a, ["invoice.read"]))
    history = f"{world.base}/api/invoice/v1/invoices/history/{ABC_ACCOUNT}"
    history_answer = httpx.get(
        history,
        params={"startDate": "2026-01-01T00:00:00Z", "endDate": "2026-12-31T00:00:00Z"},
        headers=read_only,
    )
    assert history_answer.status_code == 403
    assert (
        history_answer.json()["message"] == "the access token lacks the scope invoice.history.read"
    )
    assert httpx.get(world.base + BY_ID).status_code == 401


def test_pdf_is_raw_pdf_with_etag_and_304(world: World) -> None:
    headers = {**_token(world, world.a.client_id, world.a.client_secret), "Accept": "*/*"}
    answer = httpx.get(world.base + PDF, headers=headers, timeout=30)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(answer.content)).pages)
    assert ABC_INVOICE in text and "270.10" in text
    etag = answer.headers["etag"]
    again = httpx.get(world.base + PDF, headers={**headers, "If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""


def test_only_granted_invoices_are_found(world: World) -> None:
    other = _token(world, world.b.client_id, world.b.client_secret)
    for path in (BY_ID, PDF):
        answer = httpx.get(world.base + path, headers=other)
        assert answer.status_code == 404
        assert answer.json()["message"] == f"invoice '{ABC_INVOICE}' not found"
    mine = _token(world, world.a.client_id, world.a.client_secret)
    missing = httpx.get(world.base + "/api/invoice/v1/invoices/id/NOPE-1", headers=mine)
    assert missing.status_code == 404
    nul = httpx.get(world.base + "/api/invoice/v1/invoices/id/A%00B", headers=mine)
    assert nul.status_code == 400


def test_the_seed_routes_are_still_served(world: World) -> None:
    headers = _token(world, world.a.client_id, world.a.client_secret, "invoice.history.read")
    seed = httpx.get(f"{world.base}/api/invoice/v1/invoices/{ABC_INVOICE}", headers=headers)
    assert seed.status_code == 200
    assert "lines" in seed.json() and "billTo" not in seed.json()
    seed_pdf = httpx.get(f"{world.base}/api/invoice/v1/invoices/{ABC_INVOICE}/pdf", headers=headers)
    assert seed_pdf.status_code == 200
