"""The dialect's own OpenAPI document, served at `/scansource/openapi.json`.

It is built from the seed itself (`seed-openapi.yml`, a byte-for-byte copy of the vendor file) so
that it is a superset by construction: the same paths, operations, parameters (names, places,
types) and response schemas, to which this server adds what it really does: the classic-only
properties, required properties it always sends, bounds on `page` and `pageSize` (out of range is a
400), `excludeSerialTracking` on the list route too, the XML and `text/json` representations, the
paging headers, and every error it answers with (400, 401, 403, 404, 406, 503 in the APIM shape).
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from typing import Any

import yaml

from invoiceport.dialects.scansource import media, xml
from invoiceport.dialects.scansource.errors import HEADER
from invoiceport.dialects.scansource.params import DEFAULT_PAGE_SIZE, MAX_PAGE
from invoiceport.invoices.schemas import CanonicalInvoice, StoredInvoice

SEED_FILE = "seed-openapi.yml"
SPEC_PATH = "/scansource/openapi.json"

Spec = dict[str, Any]

SUMMARY = "/invoice/summary/{customerNumber}"
LIST = "/invoice/list/{customerNumber}"
DETAIL = "/invoice/detail/{customerNumber}/{invoiceNumber}"
PDF = "/invoice/pdf/{customerNumber}/{invoiceNumber}"

DESCRIPTION = """
Served by invoiceport. This document is the vendor's OpenAPI document with additions only: the
fields of the classic ScanSource documentation (`docType`, `shippingOption`, `dateEntered`,
`lastChanged`, sales rep, freight, insurance, tracking numbers, line quantities...), the classic XML
representation (`Accept: application/xml` or `text/xml`), paging headers and the error answers,
which have the Azure API Management shape `{"statusCode": N, "message": "..."}`.

Only the **production** environment is visible here; sandbox invoices are not. Amounts are JSON
numbers with the exact stored digits. Invoices are ordered by invoice date, then invoice number,
newest first; open orders (no invoice date yet) come last.
""".strip()

_STRING = {"type": "string"}
_DATE = {"type": "string", "format": "date"}
_DATE_TIME = {"type": "string", "format": "date-time"}
_NUMBER = {"type": "number"}
_STRINGS = {"type": "array", "items": {"type": "string"}}

SUMMARY_EXTRAS: Spec = {
    "docType": {**_STRING, "enum": ["Invoice", "Credit Memo"], "description": "Classic DocType"},
    "shippingOption": {**_STRING, "description": "Classic ShippingOption (carrier code)"},
    "shippingOptionDescription": _STRING,
    "dateEntered": {**_DATE_TIME, "description": "Classic DateEntered: first loaded"},
    "lastChanged": {**_DATE_TIME, "description": "Classic LastChanged: last changed"},
}
DETAIL_EXTRAS: Spec = {
    "status": {**_STRING, "enum": ["open", "invoiced", "paid", "cancelled"]},
    "docType": SUMMARY_EXTRAS["docType"],
    "endUserPo": {**_STRING, "description": "Classic EndUserPO"},
    "referenceNumber": _STRING,
    "shipDate": _DATE,
    "cancelled": {**_DATE_TIME, "description": "Classic Cancelled: when the order was cancelled"},
    "salesRepCode": _STRING,
    "salesRepName": _STRING,
    "salesRepEmail": _STRING,
    "freightAmount": {**_NUMBER, "description": "Classic FreightAmount (same as shippingCost)"},
    "insuranceAmount": _NUMBER,
    "enteredByEmail": _STRING,
    "shippingOption": SUMMARY_EXTRAS["shippingOption"],
    "shippingOptionDescription": _STRING,
    "trackingNumbers": {**_STRINGS, "description": "Left out with excludeSerialTracking=true"},
    "dateEntered": SUMMARY_EXTRAS["dateEntered"],
    "lastChanged": SUMMARY_EXTRAS["lastChanged"],
}
ADDRESS_EXTRAS: Spec = {"attn": _STRING, "address2": _STRING}
LINE_EXTRAS: Spec = {
    "poLineNumber": _STRING,
    "referenceLineNumber": _STRING,
    "itemCatCode": _STRING,
    "ordered": {**_NUMBER, "description": "Classic Ordered quantity"},
    "committed": {**_NUMBER, "description": "Classic Committed quantity"},
    "backOrdered": {**_NUMBER, "description": "Classic BackOrdered quantity"},
    "shipped": {**_NUMBER, "description": "Classic Shipped quantity"},
    "currency": _STRING,
    "deliveryNumber": _STRING,
    "deliveryLineNumber": _STRING,
    "trackingNumbers": {**_STRINGS, "description": "Left out with excludeSerialTracking=true"},
}

ERROR_SCHEMA: Spec = {
    "type": "object",
    "description": "Azure API Management error",
    "required": ["statusCode", "message"],
    "properties": {"statusCode": {"type": "integer"}, "message": {"type": "string"}},
}

ERRORS = {
    "400": "Bad parameter; the message names it",
    "401": "Missing or invalid subscription key",
    "403": "Forbidden - invalid customer number (not granted to this key's partner)",
    "404": "Invoice not found",
    "406": "The Accept header allows no media type this route can send",
    "429": "Rate limit exceeded (only when one is configured); retry after Retry-After seconds",
    "503": "Service unavailable (database); retry after the Retry-After header's seconds",
}

# The invoice the XML examples show (Swagger UI draws the JSON examples from the schemas).
EXAMPLE_INVOICE: Spec = {
    "invoice_number": "IN2002600000-001",
    "customer_number": "100234",
    "currency": "USD",
    "invoice_date": "2026-10-30",
    "due_date": "2026-11-29",
    "status": "invoiced",
    "sales_order_number": "2002600000",
    "po_number": "PO123456",
    "ship_date": "2026-10-28",
    "sales_rep": {"code": "JD012345", "name": "Doe, John A", "email": "john.doe@example.com"},
    "shipping_option": {"code": "UPSG", "description": "UPS GROUND"},
    "subtotal": "1184.00",
    "tax": "98.40",
    "total": "1282.40",
    "tracking_numbers": ["1Z9999999999999999"],
    "lines": [
        {
            "line_number": 1,
            "item_number": "ZEB-DS2208",
            "manufacturer_part_number": "DS2208-SR7U2100AZW",
            "description": "Zebra DS2208 corded 2D barcode scanner, USB kit",
            "quantity": 10,
            "quantity_ordered": 10,
            "quantity_shipped": 10,
            "unit_price": "118.40",
            "extended_price": "1184.00",
            "serial_numbers": ["0016083588"],
        }
    ],
}


def _xml_examples() -> dict[str, str]:
    """Classic XML of `EXAMPLE_INVOICE`, made by the same code that answers requests."""
    at = datetime(2026, 10, 30, 9, 0, tzinfo=UTC)
    invoice = CanonicalInvoice.model_validate(EXAMPLE_INVOICE)
    stored = StoredInvoice(1, b"", 1, at, at)
    pairs = [(stored, invoice)]
    return {
        SUMMARY: xml.summary_xml(pairs).decode(),
        LIST: xml.list_xml(pairs, serials=True).decode(),
        DETAIL: xml.detail_xml(stored, invoice, serials=True).decode(),
    }


@cache
def _seed_text() -> str:
    return (resources.files(__package__) / SEED_FILE).read_text(encoding="utf-8")


def seed_spec() -> Spec:
    """The vendor's OpenAPI document, as published (a fresh copy each call)."""
    loaded: Spec = yaml.load(_seed_text(), Loader=yaml.CSafeLoader)
    return loaded


def _error_responses(operation: Spec, codes: tuple[str, ...]) -> None:
    responses: Spec = operation["responses"]
    for code in codes:
        response = responses.setdefault(code, {"description": ERRORS[code]})
        response["content"] = {
            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
        }
        if code == "401":
            response["headers"] = {
                "WWW-Authenticate": {"schema": _STRING, "description": "The key's header name"}
            }
        if code in ("429", "503"):
            response["headers"] = {"Retry-After": {"schema": {"type": "integer"}}}


# Query parameters whose empty value (`?page=`) means the default rather than a 400: the classic
# docs' URI templates list every parameter, so clients send empty ones.
OPTIONAL_VALUES = frozenset({"page", "pageSize", "fromDate", "toDate", "excludeSerialTracking"})


def _paging(operation: Spec, max_page_size: int) -> None:
    for parameter in operation["parameters"]:
        if parameter["name"] in OPTIONAL_VALUES:
            parameter["allowEmptyValue"] = True
        if parameter["name"] == "page":
            parameter["schema"].update({"default": 1, "minimum": 1, "maximum": MAX_PAGE})
            parameter.setdefault("description", "Page number, from 1")
        elif parameter["name"] == "pageSize":
            parameter["schema"].update(
                {"default": DEFAULT_PAGE_SIZE, "minimum": 1, "maximum": max_page_size}
            )
            parameter.setdefault("description", f"Results per page, 1 to {max_page_size}")
        elif parameter["name"] in ("fromDate", "toDate"):
            parameter.setdefault("description", "Invoice date bound, inclusive (YYYY-MM-DD)")
        elif parameter["name"] in ("salesOrderNumber", "invoiceNumber", "poNumber"):
            parameter.setdefault("description", "Exact match; empty means no filter")


def _data_content(response: Spec, xml_example: str) -> None:
    """The 200's JSON schema, also as `text/json`, plus the classic XML representations."""
    content: Spec = response["content"]
    content[media.TEXT_JSON] = copy.deepcopy(content[media.JSON])
    for xml_type in (media.XML, media.TEXT_XML):
        content[xml_type] = {"example": xml_example}
    response["headers"] = {
        "Vary": {"schema": _STRING, "description": "Accept"},
    }


def _paging_headers(response: Spec) -> None:
    response["headers"].update(
        {
            name: {"schema": {"type": "integer"}, "required": True, "description": text}
            for name, text in (
                ("X-Total-Count", "Exact number of matching invoices"),
                ("X-Page", "This page's number"),
                ("X-Page-Size", "Results per page"),
            )
        }
    )


EXCLUDE_SERIAL_TRACKING: Spec = {
    "name": "excludeSerialTracking",
    "in": "query",
    "required": False,
    "description": "Leave out serial and tracking numbers (an extension on this route)",
    "schema": {"type": "boolean", "default": False},
    "allowEmptyValue": True,
}


def _schemas(schemas: Spec) -> None:
    summary_item = schemas["InvoiceSummaryResponse"]["properties"]["invoices"]["items"]
    summary_item["properties"].update(copy.deepcopy(SUMMARY_EXTRAS))
    summary_item["required"] = ["invoiceNumber", "totalAmount", "currency", "docType"]
    schemas["InvoiceSummaryResponse"]["required"] = ["totalCount", "page", "pageSize", "invoices"]
    schemas["InvoiceListResponse"]["required"] = ["totalCount", "invoices"]

    detail = schemas["InvoiceDetail"]
    detail["properties"].update(copy.deepcopy(DETAIL_EXTRAS))
    detail["required"] = [
        "invoiceNumber",
        "customerNumber",
        "lineItems",
        "subtotal",
        "totalAmount",
        "currency",
        "docType",
    ]
    for name in ("billToAddress", "shipToAddress"):
        detail["properties"][name]["properties"].update(copy.deepcopy(ADDRESS_EXTRAS))
    line = detail["properties"]["lineItems"]["items"]
    line["properties"].update(copy.deepcopy(LINE_EXTRAS))
    line["properties"]["serialNumbers"]["description"] = "Left out with excludeSerialTracking=true"
    line["required"] = ["lineNumber", "quantity", "unitPrice", "extendedPrice"]
    schemas["Error"] = copy.deepcopy(ERROR_SCHEMA)


def _pdf(operation: Spec) -> None:
    ok = operation["responses"]["200"]
    ok["headers"] = {
        "ETag": {"schema": _STRING, "required": True, "description": "Changes with the version"},
        "Content-Disposition": {"schema": _STRING, "description": "attachment; filename=..."},
    }
    operation["responses"]["304"] = {
        "description": "Not modified: the If-None-Match ETag is this version's",
        "headers": {"ETag": {"schema": _STRING, "required": True}},
    }
    operation.setdefault("parameters", []).append(
        {
            "name": "If-None-Match",
            "in": "header",
            "required": False,
            "description": "An ETag from an earlier download: 304 when unchanged",
            "schema": _STRING,
        }
    )


def build_spec(max_page_size: int) -> Spec:
    """The seed plus this server's additions (see the module docstring)."""
    spec = seed_spec()
    spec["info"]["title"] = "ScanSource Invoice API (invoiceport)"
    spec["info"]["description"] = spec["info"]["description"] + "\n\n" + DESCRIPTION
    spec["servers"] = [{"url": "/api", "description": "This server"}]
    spec["components"]["securitySchemes"]["ApiKeyAuth"]["name"] = HEADER
    _schemas(spec["components"]["schemas"])
    paths: Spec = spec["paths"]
    examples = _xml_examples()
    for path in (SUMMARY, LIST):
        operation = paths[path]["get"]
        _paging(operation, max_page_size)
        ok = operation["responses"]["200"]
        _data_content(ok, examples[path])
        _paging_headers(ok)
        _error_responses(operation, ("400", "401", "403", "406", "429", "503"))
    paths[LIST]["get"]["parameters"].append(copy.deepcopy(EXCLUDE_SERIAL_TRACKING))
    detail = paths[DETAIL]["get"]
    for parameter in detail["parameters"]:
        if parameter["name"] in OPTIONAL_VALUES:
            parameter["allowEmptyValue"] = True
    _data_content(detail["responses"]["200"], examples[DETAIL])
    _error_responses(detail, ("400", "401", "403", "404", "406", "429", "503"))
    pdf = paths[PDF]["get"]
    _pdf(pdf)
    _error_responses(pdf, ("401", "403", "404", "406", "429", "503"))
    return spec
