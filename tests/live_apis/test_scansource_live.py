"""ScanSource's current generation as the NetSuite connector calls it (real-clients.md), against a
live server on both databases: both credentials, query names in any case, PascalCase bodies with
`Shipments[]`, bare arrays from `list` and `summary`, XML by Accept, the PDF."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from decimal import Decimal
from typing import Any

import httpx
import pytest
from pypdf import PdfReader

from tests.live_apis.conftest import World

AZURE = "/scansourceb2c.onmicrosoft.com/oauth2/v2.0/token"
BASE = "/scsc/invoice/v1"
DETAIL = f"{BASE}/detail?customerNumber=C100&InvoiceNumber=INV-1001"
MISSING_KEY = "Access denied due to missing subscription key."


def _headers(world: World, who: str = "a") -> dict[str, str]:
    creds = world.a if who == "a" else world.b
    form = {
        "grant_type": "client_credentials",
        "client_id": creds.client_id,
        "client_secret": creds.client_secret,
        "scope": "https://scansourceb2c.onmicrosoft.com/api/.default",
    }
    answer = httpx.post(world.base + AZURE, data=form)
    assert answer.status_code == 200, answer.text
    return {
        "Ocp-Apim-Subscription-Key": creds.api_key,
        "Authorization": f"Bearer {answer.json()['access_token']}",
    }


def _json(answer: httpx.Response) -> Any:
    return json.loads(answer.content, parse_float=Decimal)


def test_detail_reads_pascal_case_with_shipments(world: World) -> None:
    answer = httpx.get(world.base + DETAIL, headers=_headers(world))
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/json; charset=utf-8"
    body = _json(answer)
    assert body["InvoiceNumber"] == "INV-1001"
    assert body["PONumber"] == "PO-55"
    assert (body["Total"], body["TaxAmount"], body["FreightAmount"]) == (
        Decimal("4904.90"),
        Decimal("362.40"),
        Decimal("12.50"),
    )
    assert b'"Total":4904.90' in answer.content
    first, second = body["InvoiceLines"]
    assert (first["LineNumber"], first["ItemNumber"], first["Price"]) == (1, "ZEB-1", 750)
    assert first["SerialNumbers"] == ["S1", "S2"]
    assert [s["TrackingNumber"] for s in first["Shipments"]] == ["1Z999", "1Z998"]
    assert first["Shipments"][0]["ShipDate"] == "2026-10-02T00:00:00"
    assert first["Shipments"][0]["DeliveryNumber"] == "D-77"
    assert second["Shipments"] == [] and b'"Price":7.5000' in answer.content
    assert body["TrackingNumbers"] == ["1Z999"]


def test_query_names_are_matched_in_any_case(world: World) -> None:
    headers = _headers(world)
    for query in (
        "customerNumber=C100&invoiceNumber=INV-1001",
        "CUSTOMERNUMBER=C100&invoicenumber=INV-1001",
    ):
        answer = httpx.get(f"{world.base}{BASE}/detail?{query}", headers=headers)
        assert answer.status_code == 200, (query, answer.text)
        assert answer.json()["InvoiceNumber"] == "INV-1001"
    clash = httpx.get(
        f"{world.base}{BASE}/detail?customerNumber=C100&InvoiceNumber=A&invoicenumber=B",
        headers=headers,
    )
    assert clash.status_code == 400
    assert clash.json()["message"] == "invoiceNumber is given more than once with different values"


def test_both_credentials_are_required(world: World) -> None:
    good = _headers(world)
    key_only = {"Ocp-Apim-Subscription-Key": good["Ocp-Apim-Subscription-Key"]}
    token_only = {"Authorization": good["Authorization"]}
    answer = httpx.get(world.base + DETAIL, headers=key_only)
    assert answer.status_code == 401
    assert answer.json()["statusCode"] == 401
    assert "missing bearer token" in answer.json()["message"]
    answer = httpx.get(world.base + DETAIL, headers=token_only)
    assert answer.status_code == 401
    assert answer.json()["message"].startswith(MISSING_KEY)
    assert "bearer" not in answer.json()["message"]
    answer = httpx.get(world.base + DETAIL)
    assert answer.status_code == 401
    assert MISSING_KEY in answer.json()["message"] and "bearer token" in answer.json()["message"]
    wrong_key = {**good, "Ocp-Apim-Subscription-Key": "nope"}
    answer = httpx.get(world.base + DETAIL, headers=wrong_key)
    assert answer.status_code == 401 and "invalid subscription key" in answer.json()["message"]
    bad_token = {**good, "Authorization": "Bearer not-a-token"}
    answer = httpx.get(world.base + DETAIL, headers=bad_token)
    assert answer.status_code == 401
    assert answer.json()["message"] == "invalid or expired access token"
    # A token of another partner does not go with this key.
    mixed = {**good, "Authorization": _headers(world, "b")["Authorization"]}
    assert httpx.get(world.base + DETAIL, headers=mixed).status_code == 401


def test_grants_unknown_invoices_and_missing_parameters(world: World) -> None:
    headers = _headers(world)
    other = httpx.get(
        f"{world.base}{BASE}/detail?customerNumber=C200&InvoiceNumber=INV-2001", headers=headers
    )
    assert other.status_code == 403
    assert other.json() == {"statusCode": 403, "message": "invalid customer number"}
    unknown = httpx.get(
        f"{world.base}{BASE}/detail?customerNumber=C100&InvoiceNumber=NOPE", headers=headers
    )
    assert unknown.status_code == 404
    assert unknown.json() == {"statusCode": 404, "message": "Invoice not found"}
    for route in ("summary", "list", "detail", "pdf"):
        answer = httpx.get(f"{world.base}{BASE}/{route}", headers=headers)
        assert answer.status_code == 400, route
        assert answer.json()["message"] == "customerNumber is required"
    answer = httpx.get(f"{world.base}{BASE}/detail?customerNumber=C100", headers=headers)
    assert answer.json()["message"] == "invoiceNumber is required"
    answer = httpx.get(f"{world.base}{BASE}/list?customerNumber=C100&pageSize=0", headers=headers)
    assert answer.status_code == 400 and "pageSize" in answer.json()["message"]
    answer = httpx.get(f"{world.base}{BASE}/nothing", headers=headers)
    assert answer.json() == {"statusCode": 404, "message": "Resource not found"}


def test_list_is_a_bare_array_of_full_invoices_filtered_like_the_seed(world: World) -> None:
    headers = _headers(world)
    answer = httpx.get(
        f"{world.base}{BASE}/list?customerNumber=C100&poNumber=PO-66", headers=headers
    )
    assert answer.status_code == 200, answer.text
    body = _json(answer)
    assert isinstance(body, list) and [each["InvoiceNumber"] for each in body] == ["INV-1002"]
    assert body[0]["InvoiceLines"][0]["ItemDescription"] == "Barcode scanner"
    assert answer.headers["x-total-count"] == "1"
    every = _json(httpx.get(f"{world.base}{BASE}/list?customerNumber=C100", headers=headers))
    assert [each["InvoiceNumber"] for each in every] == ["INV-1002", "INV-1001"]
    paged = httpx.get(
        f"{world.base}{BASE}/list?customerNumber=C100&pageSize=1&page=2", headers=headers
    )
    assert [each["InvoiceNumber"] for each in paged.json()] == ["INV-1001"]
    assert paged.headers["x-total-count"] == "2"
    dated = httpx.get(
        f"{world.base}{BASE}/list?customerNumber=C100&fromDate=2026-10-03", headers=headers
    )
    assert [each["InvoiceNumber"] for each in dated.json()] == ["INV-1002"]
    plain = httpx.get(
        f"{world.base}{BASE}/list?customerNumber=C100&excludeSerialTracking=true", headers=headers
    )
    assert all(
        line["SerialNumbers"] == [] for each in plain.json() for line in each["InvoiceLines"]
    )


def test_summary_is_a_bare_array(world: World) -> None:
    answer = httpx.get(f"{world.base}{BASE}/summary?customerNumber=C100", headers=_headers(world))
    assert answer.status_code == 200
    body = _json(answer)
    assert [each["InvoiceNumber"] for each in body] == ["INV-1002", "INV-1001"]
    assert body[1]["Total"] == Decimal("4904.90") and body[1]["DocType"] == "Invoice"


@pytest.mark.parametrize("accept", ["application/xml", "text/xml"])
def test_xml_by_accept(world: World, accept: str) -> None:
    headers = {**_headers(world), "Accept": accept}
    answer = httpx.get(world.base + DETAIL, headers=headers)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == f"{accept}; charset=utf-8"
    root = ET.fromstring(answer.content)  # noqa: S314 - our own output
    assert root.tag == "Invoice" and root.findtext("Total") == "4904.90"
    line = root.find("InvoiceLines/InvoiceLine")
    assert line is not None
    assert [s.findtext("TrackingNumber") for s in line.iterfind("Shipments/Shipment")] == [
        "1Z999",
        "1Z998",
    ]
    assert [s.text for s in line.iterfind("SerialNumbers/string")] == ["S1", "S2"]
    listed_answer = httpx.get(f"{world.base}{BASE}/list?customerNumber=C100", headers=headers)
    listed = ET.fromstring(listed_answer.content)  # noqa: S314
    assert listed.tag == "ArrayOfInvoice" and len(listed.findall("Invoice")) == 2
    summary_answer = httpx.get(f"{world.base}{BASE}/summary?customerNumber=C100", headers=headers)
    summary = ET.fromstring(summary_answer.content)  # noqa: S314
    assert [e.findtext("InvoiceNumber") for e in summary.iterfind("InvoiceSummary")] == [
        "INV-1002",
        "INV-1001",
    ]
    refused = httpx.get(world.base + DETAIL, headers={**headers, "Accept": "image/png"})
    assert refused.status_code == 406


def test_pdf(world: World) -> None:
    headers = _headers(world)
    url = f"{world.base}{BASE}/pdf?customerNumber=C100&invoiceNumber=INV-1001"
    answer = httpx.get(url, headers=headers, timeout=30)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(answer.content)).pages)
    assert "INV-1001" in text and "4,904.90" in text
    again = httpx.get(url, headers={**headers, "If-None-Match": answer.headers["etag"]})
    assert again.status_code == 304
