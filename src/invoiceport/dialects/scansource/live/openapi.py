"""The current generation's OpenAPI document (`/scansource/scsc/openapi.json`): the four routes,
their query parameters (names matched case-insensitively), both credentials and the APIM errors.
Response schemas name the classic PascalCase fields deployed clients read."""

from __future__ import annotations

from typing import Any

from invoiceport import __version__

SPEC_PATH = "/scansource/scsc/openapi.json"
TITLE = "ScanSource Invoice API (current generation)"


def _param(name: str, description: str, schema: dict[str, Any], required: bool = False) -> Any:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": schema,
    }


_TEXT = {"type": "string", "maxLength": 255}
_DATE = {"type": "string", "format": "date"}
CUSTOMER = _param("customerNumber", "Your customer number", {**_TEXT, "minLength": 1}, True)
INVOICE = _param("InvoiceNumber", "The invoice number", {**_TEXT, "minLength": 1}, True)
SERIALS = _param(
    "excludeSerialTracking", "Leave out serial numbers and shipments", {"type": "boolean"}
)


def _search(max_page_size: int) -> list[Any]:
    return [
        CUSTOMER,
        _param("poNumber", "Purchase order number", _TEXT),
        _param("invoiceNumber", "Invoice number", _TEXT),
        _param("salesOrderNumber", "Sales order number", _TEXT),
        _param("fromDate", "Invoice date from (inclusive)", _DATE),
        _param("toDate", "Invoice date to (inclusive)", _DATE),
        _param("page", "Page, from 1", {"type": "integer", "minimum": 1, "maximum": 2147483647}),
        _param(
            "pageSize", "Page size", {"type": "integer", "minimum": 1, "maximum": max_page_size}
        ),
    ]


def _error(text: str) -> Any:
    ref = {"$ref": "#/components/schemas/Error"}
    return {"description": text, "content": {"application/json": {"schema": ref}}}


ERRORS = {
    "400": _error("A parameter is missing or malformed (the message names it)"),
    "401": _error("Missing or invalid subscription key or bearer token"),
    "403": _error("The customer number is not granted"),
    "406": _error("No acceptable media type"),
    "429": _error("Rate limit exceeded"),
    "503": _error("Database unavailable; retry after Retry-After seconds"),
}
_PAGING = {
    name: {"schema": {"type": "integer"}} for name in ("X-Total-Count", "X-Page", "X-Page-Size")
}


def _data(schema: dict[str, Any], description: str, headers: Any = None) -> Any:
    content = {kind: {"schema": schema} for kind in ("application/json", "text/json")}
    content.update(
        {kind: {"schema": {"type": "string"}} for kind in ("application/xml", "text/xml")}
    )
    answer: dict[str, Any] = {"description": description, "content": content}
    if headers:
        answer["headers"] = headers
    return answer


def _get(operation_id: str, summary: str, parameters: list[Any], ok: Any) -> Any:
    responses = {"200": ok, **ERRORS}
    if operation_id in ("getInvoiceDetail", "getInvoicePdf"):
        responses["404"] = _error("Invoice not found")
    return {
        "get": {
            "operationId": operation_id,
            "summary": summary,
            "parameters": parameters,
            "responses": responses,
        }
    }


def _array(ref: str) -> dict[str, Any]:
    return {"type": "array", "items": {"$ref": f"#/components/schemas/{ref}"}}


def _object(*names: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"type": "object", "properties": {name: {} for name in names} | (extra or {})}


SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["statusCode", "message"],
        "properties": {"statusCode": {"type": "integer"}, "message": {"type": "string"}},
    },
    "Shipment": _object("TrackingNumber", "ShipDate", "DeliveryNumber", "DeliveryDate"),
    "InvoiceLine": _object(
        "LineNumber",
        "ItemNumber",
        "ProductMfrPart",
        "ItemDescription",
        "Price",
        "Ordered",
        "Shipped",
        "Quantity",
        "ExtendedPrice",
        extra={
            "SerialNumbers": {"type": "array", "items": {"type": "string"}},
            "Shipments": _array("Shipment"),
        },
    ),
    "Invoice": _object(
        "InvoiceNumber",
        "SalesOrderNumber",
        "PONumber",
        "ShipDate",
        "DocType",
        "FreightAmount",
        "TaxAmount",
        "InsuranceAmount",
        "Total",
        "Currency",
        "CustomerNumber",
        "InvoiceDate",
        extra={"InvoiceLines": _array("InvoiceLine")},
    ),
    "InvoiceSummary": _object(
        "OrderNumber",
        "InvoiceNumber",
        "PONumber",
        "DocType",
        "Total",
        "DateEntered",
        "LastChanged",
    ),
}


def build_spec(max_page_size: int) -> dict[str, Any]:
    pdf = {"description": "The PDF", "content": {"application/pdf": {"schema": {}}}}
    return {
        "openapi": "3.0.3",
        "info": {"title": f"{TITLE} (invoiceport)", "version": __version__},
        "servers": [{"url": "/"}],
        "security": [{"subscriptionKey": [], "bearer": []}],
        "paths": {
            "/scsc/invoice/v1/summary": _get(
                "getInvoiceSummary",
                "Invoice summaries, newest first",
                _search(max_page_size),
                _data(_array("InvoiceSummary"), "A bare array of summaries", _PAGING),
            ),
            "/scsc/invoice/v1/list": _get(
                "listInvoices",
                "Full invoices, newest first",
                [*_search(max_page_size), SERIALS],
                _data(_array("Invoice"), "A bare array of invoices", _PAGING),
            ),
            "/scsc/invoice/v1/detail": _get(
                "getInvoiceDetail",
                "One invoice",
                [CUSTOMER, INVOICE, SERIALS],
                _data({"$ref": "#/components/schemas/Invoice"}, "The invoice"),
            ),
            "/scsc/invoice/v1/pdf": _get("getInvoicePdf", "The PDF", [CUSTOMER, INVOICE], pdf),
        },
        "components": {
            "securitySchemes": {
                "subscriptionKey": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "Ocp-Apim-Subscription-Key",
                },
                "bearer": {"type": "http", "scheme": "bearer"},
            },
            "schemas": SCHEMAS,
        },
    }
