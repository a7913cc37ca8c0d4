"""The Ingram dialect's own OpenAPI 3.0 document, served at `/ingram/openapi.json`.

Field names and types are those of Ingram's published schema (tests/contracts/ingram-xi-v5-
invoice-openapi.yaml), plus the fields of the seed's table that schema lacks (`globallinenumber`,
`shiptoaddress`; the published schema misspells the latter `shoptoaddress`), and the answers this
server gives besides 200.
"""

from __future__ import annotations

from typing import Any

from invoiceport import __version__
from invoiceport.partners.schemas import INVOICE_READ

_STRING: dict[str, Any] = {"type": "string"}
_DATE: dict[str, Any] = {"type": "string", "format": "date"}
_AMOUNT: dict[str, Any] = {
    "type": "string",
    "pattern": r"^-?[0-9]+\.[0-9]{2,}$",
    "description": "Exact decimal, at least two decimals",
}
_NUMBER: dict[str, Any] = {"type": "number", "format": "double"}


def _object(fields: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {"type": "object", "properties": fields}


def _strings(*names: str) -> dict[str, dict[str, Any]]:
    return {name: dict(_STRING) for name in names}


_ADDRESS = _object(
    _strings(
        "attention",
        "name1",
        "name2",
        "addressline1",
        "addressline2",
        "addressline3",
        "city",
        "state",
        "postalcode",
        "countrycode",
    )
)
_SPECS = {
    "type": "array",
    "items": _object(_strings("attributename", "attributevalue")),
}
_LINE = _object(
    {
        **_strings(
            "linenumber",
            "globallinenumber",
            "partnumber",
            "vendorpartnumber",
            "partdescription",
            "shipfrombranch",
        ),
        "shippedquantity": _AMOUNT,
        "orderedquantity": _AMOUNT,
        "backorderquantity": _AMOUNT,
        "backorderetadate": _DATE,
        "extendedprice": _AMOUNT,
        **_strings("specialbidnumber", "ordersuffix"),
        "unitprice": _AMOUNT,
        "unitofmeasure": _STRING,
        "serialnumberdetails": {
            "type": "array",
            "items": _object(_strings("serialnumber", "deliverynumber")),
        },
        "trackingnumberdetails": {"type": "array", "items": _object(_strings("trackingnumber"))},
        "productextendedspecs": _SPECS,
    }
)
_DETAIL = _object(
    {
        **_strings("customernumber", "invoicenumber"),
        "invoicedate": _DATE,
        "invoicetype": {"type": "string", "enum": ["INVOICE", "CREDIT MEMO"]},
        "customerordernumber": _STRING,
        "customerfreightamount": _AMOUNT,
        "customerforeignfrightamt": _AMOUNT,
        "totaltaxamount": _AMOUNT,
        "totalamount": _AMOUNT,
        **_strings("shiptosuffix", "billtosuffix"),
        "freightamount": _AMOUNT,
        "billto": {"$ref": "#/components/schemas/address"},
        "paymentterms": _STRING,
        "orderdate": _DATE,
        **_strings("carrier", "carrierdescription"),
        "discountamount": _NUMBER,
        **_strings("enduserponumber", "freightforwardercode", "creditmemoreasoncode", "holdreason"),
        "shipcomplete": {"type": "string", "enum": ["", "Y", "N"]},
        "shipdate": _DATE,
        **_strings("companycurrency", "currencycode"),
        "currencyrate": {"type": "string", "description": "At least six decimals"},
        **_strings("globalorderid", "originalshipcode", "ordertype", "orderstatus"),
        "totalotherfees": _NUMBER,
        "shiptoaddress": {"$ref": "#/components/schemas/address"},
        "totalsales": _AMOUNT,
        "weight": _AMOUNT,
        "lines": {"type": "array", "items": {"$ref": "#/components/schemas/line"}},
        "extendedspecs": _SPECS,
        "miscfeeline": {
            "type": "array",
            "items": _object({**_strings("code", "description"), "chargeamount": _AMOUNT}),
        },
    }
)
_PREAMBLE = _object(
    {
        "responsestatus": {"type": "string", "enum": ["SUCCESS", "FAILED"]},
        "statuscode": {
            "type": "string",
            "description": '"200" found, "EO" invalid invoice number, else the HTTP status',
        },
        "responsemessage": _STRING,
    }
)
_ENVELOPE = {
    "type": "object",
    "required": ["serviceresponse"],
    "properties": {
        "serviceresponse": {
            "type": "object",
            "required": ["responsepreamble"],
            "properties": {
                "responsepreamble": _PREAMBLE,
                "invoicedetailresponse": {"$ref": "#/components/schemas/invoiceDetail"},
            },
        }
    },
}
_LIMIT_HEADERS = {
    "X-RateLimit-Limit": {"schema": {"type": "integer"}, "description": "Requests per period"},
    "X-RateLimit-Remaining": {"schema": {"type": "integer"}, "description": "Left this period"},
    "X-RateLimit-Reset": {
        "schema": {"type": "integer"},
        "description": "When the period resets, Unix time in milliseconds",
    },
}


def _answer(description: str, *, limited: bool = True, retry: bool = False) -> dict[str, Any]:
    headers: dict[str, Any] = dict(_LIMIT_HEADERS) if limited else {}
    if retry:
        headers["Retry-After"] = {"schema": {"type": "integer"}, "description": "Seconds"}
    return {
        "description": description,
        "headers": headers,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/envelope"}}},
    }


def _operation(environment: str) -> dict[str, Any]:
    def query(name: str, header: str, example: str, description: str) -> list[dict[str, Any]]:
        return [
            {
                "name": name,
                "in": "query",
                "required": False,
                "description": f"{description} (name matched in any case; or header {header})",
                "schema": {"type": "string", "maxLength": 64, "example": example},
            },
            {
                "name": header,
                "in": "header",
                "required": False,
                "description": f"{description}, when not in the query",
                "schema": {"type": "string", "maxLength": 64},
            },
        ]

    return {
        "get": {
            "operationId": f"getInvoice{environment.title()}",
            "summary": f"Invoice details ({environment})",
            "description": (
                "An invoice, open order or credit memo of the last nine months (a setting), by "
                "invoice number or, failing that, by sales order number. An unknown number "
                'answers 200 with the preamble statuscode "EO", "Invalid Invoice Number".'
            ),
            "tags": ["Invoices V5"],
            "security": [{"application": [INVOICE_READ]}],
            "parameters": [
                {
                    "name": "invoiceNumber",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "maxLength": 64, "example": "20-12345-11"},
                },
                *query("customerNumber", "IM-CustomerNumber", "20-123456", "Customer number"),
                *query("isoCountryCode", "IM-CountryCode", "UK", "Two-letter country code"),
            ],
            "responses": {
                "200": _answer("Invoice found (statuscode 200) or not (statuscode EO)"),
                "400": _answer("A parameter is missing or malformed"),
                "401": _answer("Missing, invalid or expired token", limited=False),
                "403": _answer("The token lacks invoice.read, or the customer is not granted"),
                "429": _answer("Rate limit exceeded", retry=True),
                "503": _answer("Outside the country's availability window", retry=True),
            },
        }
    }


def openapi_spec() -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Ingram Micro InvoiceAPI v5 (invoiceport)",
            "version": __version__,
            "description": (
                "Invoice details in the shape of Ingram Micro's InvoiceAPI v5. Get a token from "
                "/oauth/oauth30/token (client credentials), send it as `Authorization: Bearer`."
            ),
        },
        "paths": {
            "/resellers/v5/invoices/{invoiceNumber}": _operation("production"),
            "/sandbox/resellers/v5/invoices/{invoiceNumber}": _operation("sandbox"),
        },
        "components": {
            "securitySchemes": {
                "application": {
                    "type": "oauth2",
                    "flows": {
                        "clientCredentials": {
                            "tokenUrl": "/oauth/oauth30/token",
                            "scopes": {INVOICE_READ: "Read invoices"},
                        }
                    },
                }
            },
            "schemas": {
                "envelope": _ENVELOPE,
                "invoiceDetail": _DETAIL,
                "line": _LINE,
                "address": _ADDRESS,
            },
        },
    }
