"""The native detail route: auth (key two ways, token with scope), problem details, the
canonical document, PDF by Accept, strong ETags, 304 on If-None-Match / If-Modified-Since."""

from __future__ import annotations

import io
from decimal import Decimal

import httpx
import orjson
import pytest
from pypdf import PdfReader

from tests.native.support import Partner, doc, load, new_partner, token_auth

URL = "/v1/invoices/C100/INV-1"


@pytest.fixture
async def partner(client: httpx.AsyncClient) -> Partner:
    partner = await new_partner(client, ("C100",))
    await load(client, doc("INV-1"), doc("INV-2", "C200"), doc("SB-1", environment="sandbox"))
    return partner


async def test_document_with_server_fields(client: httpx.AsyncClient, partner: Partner) -> None:
    response = await client.get(URL, headers=partner.key_auth())
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    body = orjson.loads(response.content)
    assert body["invoice_number"] == "INV-1" and body["customer_number"] == "C100"
    assert body["version"] == 1
    assert body["created_at"].endswith("Z") and body["updated_at"].endswith("Z")
    assert Decimal(body["total"]) == Decimal("4904.90") and isinstance(body["total"], str)
    stored = await client.get("/admin/v1/invoices/production/C100/INV-1")
    assert body == stored.json()  # the admin API's document: the same canonical fields
    assert response.headers["etag"].startswith('"')
    assert response.headers["last-modified"].endswith("GMT")


async def test_credentials(client: httpx.AsyncClient, partner: Partner) -> None:
    assert (await client.get(URL, headers=partner.header_auth())).status_code == 200
    token = await token_auth(client, partner)
    assert (await client.get(URL, headers=token)).status_code == 200
    webhooks_only = await token_auth(client, partner, "invoice.webhooks.manage")
    refused = await client.get(URL, headers=webhooks_only)
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    assert "invoice.read" in refused.json()["detail"]
    for headers in ({"Authorization": ""}, {"Authorization": "Bearer nope"}):
        answer = await client.get(URL, headers=headers)
        assert answer.status_code == 401
        problem = answer.json()
        assert problem["status"] == 401 and problem["type"].endswith("unauthorized")
        assert "www-authenticate" in answer.headers


async def test_problems_name_the_parameter(client: httpx.AsyncClient, partner: Partner) -> None:
    auth = partner.key_auth()
    other = await client.get("/v1/invoices/C200/INV-2", headers=auth)
    assert other.status_code == 403 and other.json()["parameter"] == "customer_number"
    missing = await client.get("/v1/invoices/C100/NOPE", headers=auth)
    assert missing.status_code == 404 and "NOPE" in missing.json()["detail"]
    long = await client.get("/v1/invoices/C100/" + "x" * 65, headers=auth)
    assert long.status_code == 400 and long.json()["parameter"] == "invoice_number"
    xml = await client.get(URL, headers={**auth, "Accept": "application/xml"})
    assert xml.status_code == 406 and xml.json()["parameter"] == "Accept"
    unknown = await client.get("/v1/nothing", headers=auth)
    assert unknown.status_code == 404
    assert unknown.headers["content-type"] == "application/problem+json"


async def test_sandbox(client: httpx.AsyncClient, partner: Partner) -> None:
    auth = partner.key_auth()
    assert (await client.get("/v1/invoices/C100/SB-1", headers=auth)).status_code == 404
    sandbox = await client.get("/v1/sandbox/invoices/C100/SB-1", headers=auth)
    assert sandbox.status_code == 200 and sandbox.json()["environment"] == "sandbox"


async def test_pdf_by_accept(client: httpx.AsyncClient, partner: Partner) -> None:
    auth = {**partner.key_auth(), "Accept": "application/pdf"}
    response = await client.get(URL, headers=auth)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "INV-1" in text
    json_etag = (await client.get(URL, headers=partner.key_auth())).headers["etag"]
    assert response.headers["etag"] != json_etag
    again = await client.get(URL, headers={**auth, "If-None-Match": response.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


async def test_conditional_requests(client: httpx.AsyncClient, partner: Partner) -> None:
    auth = partner.key_auth()
    first = await client.get(URL, headers=auth)
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    for _ in range(2):  # the second answer comes from the render cache
        same = await client.get(URL, headers={**auth, "If-None-Match": etag})
        assert same.status_code == 304 and same.content == b""
        assert same.headers["etag"] == etag
    since = await client.get(URL, headers={**auth, "If-Modified-Since": modified})
    assert since.status_code == 304
    weak = await client.get(URL, headers={**auth, "If-None-Match": f'W/{etag}, "other"'})
    assert weak.status_code == 304
    # a changed invoice: a new version, a new ETag, a full answer
    await load(client, doc("INV-1", po_number="PO-56"))
    changed = await client.get(URL, headers={**auth, "If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    assert changed.json()["version"] == 2
    # If-None-Match wins over If-Modified-Since (RFC 9110 13.2.2)
    both = await client.get(
        URL, headers={**auth, "If-None-Match": etag, "If-Modified-Since": modified}
    )
    assert both.status_code == 200
