"""The partner route GET /v1/invoices/{customer}/{invoice}/einvoice: the native API's
credentials and grants, problem details, validated documents, ETag/304, 422 with the rules."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import httpx
import orjson
from pypdf import PdfReader

from invoiceport.invoices.prepare import serialize
from invoiceport.ops.demo_eu import eu_invoices
from tests.native.support import new_partner

TODAY = date(2026, 11, 30)
URL = "/v1/invoices/EU-FR-2001/EU-FR-0001/einvoice"


async def test_partner_einvoice(client: httpx.AsyncClient) -> None:
    documents = eu_invoices(TODAY)
    for invoice in documents:
        assert (await client.post("/admin/v1/invoices", content=serialize(invoice)[0])).is_success
    broken = orjson.loads(serialize(documents[4])[0])
    broken["invoice_number"] = "EU-FR-BROKEN"
    broken["tax"] = str(Decimal(broken["tax"]) + 3)  # K: no VAT due, 3.00 claimed
    stored = await client.post(
        "/admin/v1/invoices", params={"verify_totals": "false"}, content=orjson.dumps(broken)
    )
    assert stored.is_success
    partner = await new_partner(client, ("EU-FR-2001",))
    auth = partner.key_auth()

    nobody = await client.get(URL, params={"format": "cii"})
    assert nobody.status_code == 401
    answer = await client.get(URL, params={"format": "peppol-bis3"}, headers=auth)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/xml"
    assert answer.headers["content-disposition"] == (
        'attachment; filename="invoice-EU-FR-0001-peppol-bis3.xml"'
    )
    assert b"<cbc:ID>AE</cbc:ID>" in answer.content
    cached = await client.get(
        URL,
        params={"format": "peppol-bis3"},
        headers={**auth, "If-None-Match": answer.headers["etag"]},
    )
    assert cached.status_code == 304
    pdf = await client.get(URL, params={"format": "facturx"}, headers=auth)
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    cii = (await client.get(URL, params={"format": "cii"}, headers=auth)).content
    assert PdfReader(io.BytesIO(pdf.content)).attachments["factur-x.xml"] == [cii]

    other = await client.get(
        "/v1/invoices/EU-DE-1001/EU-DE-0001/einvoice", params={"format": "cii"}, headers=auth
    )
    assert other.status_code == 403
    assert other.headers["content-type"] == "application/problem+json"
    for params in ({}, {"format": "pdf"}):
        bad = await client.get(URL, params=params, headers=auth)
        assert bad.status_code == 400
        assert bad.json()["parameter"] == "format"
        assert "peppol-bis3" in bad.json()["detail"]
    missing = await client.get(
        "/v1/invoices/EU-FR-2001/NOPE/einvoice", params={"format": "cii"}, headers=auth
    )
    assert missing.status_code == 404

    refused = await client.get(
        "/v1/invoices/EU-FR-2001/EU-FR-BROKEN/einvoice",
        params={"format": "xrechnung"},
        headers=auth,
    )
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    problem = refused.json()
    assert problem["status"] == 422
    rules = {f["rule"]: f for f in problem["failures"]}
    assert rules["BR-CO-14"]["field"] == "tax"
    assert "BR-CO-14" in problem["detail"]
    assert all(f["text"] for f in problem["failures"])
