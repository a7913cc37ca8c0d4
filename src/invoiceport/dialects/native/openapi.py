"""The native API's OpenAPI 3.1 document, served at `/v1/openapi.json` and listed on `/docs`."""

from __future__ import annotations

from typing import Any

from invoiceport import __version__
from invoiceport.dialects.native.dialect import KEY_HEADER
from invoiceport.dialects.native.params import (
    DEFAULT_LIMIT,
    DOCUMENT_TYPES,
    ENVIRONMENTS,
    MAX_LIMIT,
    MAX_NUMBER,
    STATUSES,
)
from invoiceport.einvoice.export import FORMAT_NAMES
from invoiceport.kit.params import MAX_KEY
from invoiceport.partners.schemas import INVOICE_READ
from invoiceport.webhooks.feed import EVENT_TYPES

PROBLEM = "application/problem+json"
_STRING: dict[str, Any] = {"type": "string"}
_TIME: dict[str, Any] = {"type": "string", "format": "date-time"}
_SECURITY = [{"apiKey": []}, {"bearer": []}, {"oauth": [INVOICE_READ]}]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _problem(description: str, *headers: str) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "description": description,
        "content": {PROBLEM: {"schema": _ref("Problem")}},
    }
    if headers:
        answer["headers"] = {h: {"schema": _STRING} for h in headers}
    return answer


def _errors(*statuses: int) -> dict[str, Any]:
    described = {
        400: _problem("A parameter is malformed or unknown (named in `parameter`)"),
        401: _problem("Missing or invalid API key or token", "WWW-Authenticate"),
        403: _problem("The token lacks invoice.read, or the customer is not granted"),
        404: _problem("No such invoice"),
        406: _problem("None of the media types in Accept is offered"),
        410: _problem("The cursor is older than the feed's retention"),
        422: _problem("The invoice cannot become a valid e-invoice (each failed rule named)"),
        429: _problem("Rate limit exceeded", "Retry-After"),
        503: _problem("The database cannot answer now", "Retry-After"),
    }
    return {str(status): described[status] for status in statuses}


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


def _text(limit: int) -> dict[str, Any]:
    printable = r"[^\x00-\x1f\x7f]"
    visible = r"[^\s\x00-\x1f\x7f]"
    pattern = f"^{printable}*{visible}{printable}*$"
    return {"type": "string", "minLength": 1, "maxLength": limit, "pattern": pattern}


def _list(sandbox: bool) -> dict[str, Any]:
    environment = {"type": "string", "enum": ["sandbox"] if sandbox else list(ENVIRONMENTS)}
    parameters = [
        _query("customer_number", _text(MAX_KEY), "One granted customer (default: all)"),
        _query("environment", environment, "Default: the route's"),
        _query("status", {"type": "string", "enum": list(STATUSES)}, "Status"),
        _query("document_type", {"type": "string", "enum": list(DOCUMENT_TYPES)}, "Type"),
        _query("invoice_number", _text(MAX_KEY), "Exact invoice number"),
        _query("sales_order_number", _text(MAX_NUMBER), "Exact sales order number"),
        _query("po_number", _text(MAX_NUMBER), "Exact purchase order number"),
        _query("serial_number", _text(MAX_NUMBER), "A serial number on one of its lines"),
        _query("invoice_date_from", {"type": "string", "format": "date"}, "Inclusive"),
        _query("invoice_date_to", {"type": "string", "format": "date"}, "Inclusive"),
        _query("updated_since", _TIME, "Changed at or after (RFC 3339, with offset)"),
        _query("updated_until", _TIME, "Changed at or before (RFC 3339, with offset)"),
        _query(
            "limit",
            {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
            "Page size",
        ),
        _query(
            "cursor",
            {"type": "string", "pattern": "^c[0-9a-z]{1,12}$"},
            "next_cursor of the page before, with the same filters",
        ),
        _query("include_total", {"type": "boolean"}, "Count every match (`total`)"),
    ]
    return {
        "get": {
            "operationId": "listSandboxInvoices" if sandbox else "listInvoices",
            "summary": "Invoices, newest first, by cursor",
            "parameters": parameters,
            "responses": {
                "200": {
                    "description": "A page (JSON) or every match from the cursor on (CSV)",
                    "headers": {"ETag": {"schema": _STRING, "description": "Weak"}},
                    "content": {
                        "application/json": {"schema": _ref("InvoicePage")},
                        "text/csv": {"schema": _STRING},
                    },
                },
                "304": {"description": "Not modified (If-None-Match)"},
                **_errors(400, 401, 403, 406, 429, 503),
            },
        }
    }


def _detail(sandbox: bool) -> dict[str, Any]:
    key = {
        "type": "string",
        "minLength": 1,
        "maxLength": MAX_KEY,
        "pattern": r"^[^\x00-\x1f\x7f]+$",
    }
    return {
        "get": {
            "operationId": "getSandboxInvoice" if sandbox else "getInvoice",
            "summary": "One invoice: the canonical document, or its PDF",
            "parameters": [
                {"name": "customer_number", "in": "path", "required": True, "schema": key},
                {"name": "invoice_number", "in": "path", "required": True, "schema": key},
            ],
            "responses": {
                "200": {
                    "description": "The document",
                    "headers": {
                        "ETag": {"schema": _STRING, "description": "Strong"},
                        "Last-Modified": {"schema": _STRING},
                    },
                    "content": {
                        "application/json": {"schema": _ref("Invoice")},
                        "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                    },
                },
                "304": {"description": "Not modified (If-None-Match, If-Modified-Since)"},
                **_errors(400, 401, 403, 404, 406, 429, 503),
            },
        }
    }


def _einvoice(sandbox: bool) -> dict[str, Any]:
    operation = _detail(sandbox)["get"]
    return {
        "get": {
            "operationId": "getSandboxEInvoice" if sandbox else "getEInvoice",
            "summary": "One invoice as an EN 16931 e-invoice, validated (docs/einvoicing.md)",
            "parameters": [
                *operation["parameters"],
                {
                    "name": "format",
                    "in": "query",
                    "required": True,
                    "schema": {"type": "string", "enum": list(FORMAT_NAMES)},
                },
            ],
            "responses": {
                "200": {
                    "description": "The e-invoice (XML, or the Factur-X PDF)",
                    "headers": {"ETag": {"schema": _STRING, "description": "Strong"}},
                    "content": {
                        "application/xml": {"schema": {"type": "string"}},
                        "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                    },
                },
                "304": {"description": "Not modified (If-None-Match)"},
                **_errors(400, 401, 403, 404, 406, 422, 429, 503),
            },
        }
    }


def _events(sandbox: bool) -> dict[str, Any]:
    one = r"(invoice|creditmemo)\.(created|updated)"
    types = {
        "type": "string",
        "pattern": f"^{one}(,{one})*$",
        "description": "Comma-separated: " + ", ".join(EVENT_TYPES),
    }
    return {
        "get": {
            "operationId": "listSandboxEvents" if sandbox else "listEvents",
            "summary": "The change feed, oldest first",
            "parameters": [
                _query(
                    "after",
                    {"type": "string", "pattern": r"^(now|[0-9a-z]{1,12}\.[0-9a-z]{1,9})$"},
                    "An event's id, a next_cursor, or `now`",
                ),
                _query(
                    "limit",
                    {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100},
                    "Events per page",
                ),
                _query("types", types, "Only these types"),
            ],
            "responses": {
                "200": {
                    "description": "Events after the cursor",
                    "content": {"application/json": {"schema": _ref("EventPage")}},
                },
                **_errors(400, 401, 403, 406, 410, 429, 503),
            },
        }
    }


_SCHEMAS: dict[str, Any] = {
    "Problem": {
        "type": "object",
        "required": ["type", "title", "status", "detail"],
        "properties": {
            "type": {"type": "string", "format": "uri-reference"},
            "title": _STRING,
            "status": {"type": "integer"},
            "detail": _STRING,
            "parameter": {"type": "string", "description": "The request parameter at fault"},
            "errors": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"parameter": _STRING, "detail": _STRING},
                },
            },
        },
    },
    "Invoice": {
        "type": "object",
        "description": "The canonical invoice (docs/canonical-invoice.md) and the server's fields",
        "required": [
            "invoice_number",
            "customer_number",
            "currency",
            "total",
            "lines",
            "version",
            "created_at",
            "updated_at",
        ],
        "properties": {
            "invoice_number": _STRING,
            "customer_number": _STRING,
            "environment": {"type": "string", "enum": list(ENVIRONMENTS)},
            "document_type": {"type": "string", "enum": list(DOCUMENT_TYPES)},
            "status": {"type": "string", "enum": list(STATUSES)},
            "currency": _STRING,
            "total": {"type": "string", "description": "Exact decimal"},
            "lines": {"type": "array", "items": {"type": "object"}},
            "version": {"type": "integer", "minimum": 1},
            "created_at": _TIME,
            "updated_at": _TIME,
        },
    },
    "InvoicePage": {
        "type": "object",
        "required": ["items", "has_more", "next_cursor"],
        "properties": {
            "items": {"type": "array", "items": _ref("Invoice")},
            "has_more": {"type": "boolean"},
            "next_cursor": {"type": ["string", "null"]},
            "total": {"type": "integer", "minimum": 0},
        },
    },
    "Event": {
        "type": "object",
        "required": [
            "id",
            "type",
            "created_at",
            "environment",
            "customer_number",
            "invoice_number",
            "version",
            "links",
        ],
        "properties": {
            "id": {"type": "string", "description": "Also a cursor: events after this one"},
            "type": {"type": "string", "enum": list(EVENT_TYPES)},
            "created_at": _TIME,
            "environment": {"type": "string", "enum": list(ENVIRONMENTS)},
            "customer_number": _STRING,
            "bill_to_account": _STRING,
            "invoice_number": _STRING,
            "version": {"type": "integer", "minimum": 1},
            "links": {"type": "object", "properties": {"invoice": _STRING}},
        },
    },
    "EventPage": {
        "type": "object",
        "required": ["items", "has_more", "next_cursor"],
        "properties": {
            "items": {"type": "array", "items": _ref("Event")},
            "has_more": {"type": "boolean"},
            "next_cursor": _STRING,
        },
    },
}


def openapi_spec() -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for prefix, sandbox in (("/v1", False), ("/v1/sandbox", True)):
        paths[f"{prefix}/invoices"] = _list(sandbox)
        paths[f"{prefix}/invoices/{{customer_number}}/{{invoice_number}}"] = _detail(sandbox)
        paths[f"{prefix}/invoices/{{customer_number}}/{{invoice_number}}/einvoice"] = _einvoice(
            sandbox
        )
        paths[f"{prefix}/events"] = _events(sandbox)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "invoiceport native API",
            "version": __version__,
            "description": (
                "Canonical invoices, cursor paging, conditional requests and a change feed "
                "(docs/native-api.md). Send the API key as `Authorization: Bearer <key>` or "
                f"`{KEY_HEADER}`, or an OAuth token with the scope {INVOICE_READ}."
            ),
        },
        "paths": paths,
        "security": _SECURITY,
        "components": {
            "securitySchemes": {
                "apiKey": {"type": "apiKey", "in": "header", "name": KEY_HEADER},
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "The API key, or an OAuth access token",
                },
                "oauth": {
                    "type": "oauth2",
                    "flows": {
                        "clientCredentials": {
                            "tokenUrl": "/oauth/oauth30/token",
                            "scopes": {INVOICE_READ: "Read invoices"},
                        }
                    },
                },
            },
            "schemas": _SCHEMAS,
        },
    }
