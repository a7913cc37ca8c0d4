"""The XI routes' OpenAPI document, served at `/ingram/xi/openapi.json` and listed on `/docs`.

Built from Ingram's published excerpt (`xi-v6-invoices-openapi.yaml`, a byte-for-byte copy of
tests/contracts/ingram-xi-v6-invoices-openapi.yaml), with what this server adds: the sandbox
twins, details v6 (the v6.1 schema with every name in PascalCase), the answers it gives besides
the published ones (401, 403, 404, 429, 503) in the `ErrorResponse` shape, the other token
flows, and token URLs relative to this server.
"""

from __future__ import annotations

import copy
from functools import cache
from importlib import resources
from typing import Any

import yaml

from invoiceport import __version__

REFERENCE_FILE = "xi-v6-invoices-openapi.yaml"
Spec = dict[str, Any]
DETAILS = "/resellers/v6.1/invoices/{invoiceNumber}"
SEARCH = "/resellers/v6/invoices"
TOKEN = "/oauth/oauth20/token"  # noqa: S105 - a path
ANSWERS = {
    "401": "Missing, invalid or expired token",
    "403": "The token lacks invoice.read, or the customer is not granted",
    "404": "No such invoice for this customer (within the lookback window)",
    "429": "Rate limit exceeded (Retry-After)",
    "503": "Outside the country's availability window (Retry-After)",
}


@cache
def _reference_text() -> str:
    return (resources.files(__package__) / REFERENCE_FILE).read_text(encoding="utf-8")


def reference_spec() -> Spec:
    """Ingram's document as published (a fresh copy each call)."""
    loaded: Spec = yaml.load(_reference_text(), Loader=yaml.CSafeLoader)
    return loaded


def _pascal_schema(schema: Any) -> Any:
    """A schema whose property names are PascalCase (what `views.pascal` does to a body)."""
    if isinstance(schema, dict):
        out = {k: _pascal_schema(v) for k, v in schema.items()}
        if isinstance(schema.get("properties"), dict):
            properties = {k: _pascal_schema(v) for k, v in schema["properties"].items()}
            out["properties"] = {k[:1].upper() + k[1:]: v for k, v in properties.items()}
        return out
    if isinstance(schema, list):
        return [_pascal_schema(v) for v in schema]
    return schema


def _errors(operation: Spec, codes: tuple[str, ...]) -> None:
    for code in codes:
        operation["responses"][code] = {
            "description": ANSWERS[code],
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}
            },
        }


def _twin(operation: Spec, environment: str, version: str) -> Spec:
    twin = copy.deepcopy(operation)
    twin["operationId"] = f"{operation['operationId']}-{environment}{version}"
    twin["summary"] = f"{operation['summary']} ({environment})"
    return twin


def openapi_spec() -> Spec:
    spec = reference_spec()
    spec["info"] = {
        "title": "Ingram Micro XI invoices v6 and v6.1 (invoiceport)",
        "version": __version__,
        "description": (
            "Invoice details v6.1 (camelCase) and v6 (PascalCase) and invoice search v6 in the "
            "shape of Ingram Micro's published spec, production and /sandbox. Get a token from "
            "GET /oauth/oauth20/token (or POST it, or /oauth/oauth30/token), send it as "
            "`Authorization: Bearer`."
        ),
    }
    spec["servers"] = [{"url": "/", "description": "This server"}]
    paths = spec["paths"]
    details, search = paths[DETAILS]["get"], paths[SEARCH]["get"]
    _errors(details, ("401", "403", "404", "429", "503"))
    _errors(search, ("401", "403", "429", "503"))
    schemas = spec["components"]["schemas"]
    schemas["InvoiceDetailsv6Response"] = _pascal_schema(schemas["InvoiceDetailsv6.1Response"])
    v6 = copy.deepcopy(details)
    v6["operationId"] = "get-invoicedetails-v6"
    v6["summary"] = "Get Invoice Details v6 (PascalCase)"
    v6["responses"]["200"]["content"] = {
        "application/json": {"schema": {"$ref": "#/components/schemas/InvoiceDetailsv6Response"}}
    }
    token = paths[TOKEN]["get"]
    post = copy.deepcopy(token)
    post["operationId"] = "post-accesstoken"
    post["description"] = "The same, with the values in a form body or in the query string."
    paths[TOKEN] = {"get": token, "post": post}
    paths["/resellers/v6/invoices/{invoiceNumber}"] = {"get": v6}
    for path, operation, version in (
        (DETAILS, details, "v6.1"),
        ("/resellers/v6/invoices/{invoiceNumber}", v6, "v6"),
        (SEARCH, search, ""),
    ):
        paths[f"/sandbox{path}"] = {"get": _twin(operation, "sandbox", version)}
    flows = spec["components"]["securitySchemes"]["application"]["flows"]
    flows["clientCredentials"]["tokenUrl"] = TOKEN
    return spec
