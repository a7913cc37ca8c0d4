"""The admin API's own OpenAPI document, served at `/admin/openapi.json` (docs/hardening.md).

The admin routes read their bodies by hand (exact Decimals, size limits), so FastAPI cannot see
them: this document adds what it misses, from the same pydantic models the routes validate
with: the request bodies, the bearer scheme and every error a route sends, in the native
`{"error": ..., "errors": [...]}` shape (400 bad parameter, 401 no token, 404 unknown resource,
413 body over the limit, 422 body rejected, 503 database unavailable), in place of FastAPI's
generic 422 for parameters (this server answers those 400).
"""

from __future__ import annotations

import copy
from typing import Any

from fastapi import FastAPI
from pydantic.json_schema import models_json_schema

from invoiceport.invoices.schemas import CanonicalInvoice
from invoiceport.invoices.textchecks import LOOKALIKE_CHARS
from invoiceport.partners.schemas import (
    CustomerGrant,
    OAuthClientCreate,
    PartnerCreate,
    PartnerRename,
)
from invoiceport.platform.docs_ui import register_spec
from invoiceport.platform.operator import name_operator
from invoiceport.platform.web import JSONBytesResponse

SPEC_PATH = "/admin/openapi.json"
PREFIX = "/admin/"
ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {"type": "string", "description": "What is wrong, in one sentence"},
        "errors": {"type": "array", "items": {"type": "string"}, "description": "Each problem"},
    },
}
ERRORS = {
    "400": "A path or query parameter is invalid",
    "401": "Missing or wrong admin token",
    "404": "No such partner, credential or invoice",
    "503": "The database is unavailable; retry after Retry-After seconds",
}
BODY_ERRORS = {
    "413": "The body is over the configured limit",
    "422": "The body is not valid JSON or not a valid document",
}
BODIES = {
    "/admin/v1/invoices": "CanonicalInvoice",
    "/admin/v1/partners": "PartnerCreate",
    "/admin/v1/partners/{partner_id}": "PartnerRename",
    "/admin/v1/partners/{partner_id}/customers": "CustomerGrant",
    "/admin/v1/partners/{partner_id}/customers/revoke": "CustomerGrant",
    "/admin/v1/partners/{partner_id}/oauth-clients": "OAuthClientCreate",
}
MODELS = (CanonicalInvoice, PartnerCreate, PartnerRename, CustomerGrant, OAuthClientCreate)
# What `invoices.schemas.KeyPart` accepts: 1-64 characters, not only dots, no slash, no control,
# invisible or separator character (LOOKALIKE_CHARS), no white space at either end; or an integer
# (ERPs send numbers; stored as their decimal text).
KEY_PART = {
    "anyOf": [
        {
            "type": "string",
            "minLength": 1,
            "maxLength": 64,
            "pattern": (
                rf"^(?!\.+$)[^\s/{LOOKALIKE_CHARS}](?:[^/{LOOKALIKE_CHARS}]*"
                rf"[^\s/{LOOKALIKE_CHARS}])?$"
            ),
        },
        {"type": "integer"},
    ]
}
# What `partners.schemas.PartnerName` accepts: no control character, and something besides white
# space (which is stripped).
PARTNER_NAME = r"^[^\x00-\x1f\x7f]*[^\s\x00-\x1f\x7f][^\x00-\x1f\x7f]*$"
OPTIONAL_BODY = "/admin/v1/partners/{partner_id}/oauth-clients"  # no body: default scopes
# The e-invoice route (docs/einvoicing.md): XML or PDF, or 422 with the failed rules.
EINVOICE_OK = {
    "description": "The validated e-invoice (XML; Factur-X: PDF)",
    "content": {
        "application/xml": {"schema": {"type": "string"}},
        "application/pdf": {"schema": {"type": "string", "format": "binary"}},
    },
}
EINVOICE_REFUSED = (
    "The invoice cannot be a valid e-invoice in this format: `errors` and `failures` "
    "(rule, text, field) list every failed rule"
)


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def _json_body(model: str, required: bool) -> dict[str, Any]:
    schema = {"$ref": f"#/components/schemas/{model}"}
    return {"required": required, "content": {"application/json": {"schema": schema}}}


def build_spec(app: FastAPI) -> dict[str, Any]:
    """The admin paths of the app's own document, completed as described above."""
    full = copy.deepcopy(app.openapi())
    _, schemas = models_json_schema(
        [(m, "validation") for m in MODELS],
        ref_template="#/components/schemas/{model}",
    )
    components = dict(schemas.get("$defs", {}))
    components["Error"] = ERROR_SCHEMA
    for model in ("PartnerCreate", "CustomerGrant"):
        components[model]["properties"]["customer_numbers"]["items"] = KEY_PART
    for model in ("PartnerCreate", "PartnerRename"):
        components[model]["properties"]["name"]["pattern"] = PARTNER_NAME
    paths = {p: ops for p, ops in full["paths"].items() if p.startswith(PREFIX)}
    for path, operations in paths.items():
        for method, operation in operations.items():
            operation["security"] = [{"admin": []}]
            responses = operation.setdefault("responses", {})
            responses.pop("422", None)
            for status, description in ERRORS.items():
                responses[status] = _error(description)
            if path.endswith("/einvoice"):
                responses["200"] = EINVOICE_OK
                responses["422"] = _error(EINVOICE_REFUSED)
            if method not in ("post", "patch"):
                continue
            for status, description in BODY_ERRORS.items():
                responses[status] = _error(description)
            if path in BODIES:
                operation["requestBody"] = _json_body(BODIES[path], path != OPTIONAL_BODY)
            elif path.endswith("/bulk"):
                # NDJSON, one invoice a line; the route reads the bytes whatever the declared
                # type, and text/plain is the type generic clients can send.
                ndjson = {"schema": {"type": "string", "description": "One invoice a line"}}
                operation["requestBody"] = {
                    "required": False,  # an empty body is an empty batch: a report of nothing
                    "content": {"text/plain": ndjson},
                }
    return {
        "openapi": full["openapi"],
        "info": {
            "title": "invoiceport admin API",
            "version": full["info"]["version"],
            "description": "Partners, credentials and canonical invoices (docs/admin-api.md).",
        },
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {"admin": {"type": "http", "scheme": "bearer"}},
        },
    }


def install(app: FastAPI) -> None:
    """Serve the document (built once, on first request, when every route is in place)."""
    built: list[dict[str, Any]] = []

    @app.get(SPEC_PATH, include_in_schema=False)
    async def admin_openapi() -> JSONBytesResponse:
        if not built:
            built.append(name_operator(build_spec(app), app.state.context.settings))
        return JSONBytesResponse(built[0])

    register_spec(app, "Admin API", SPEC_PATH, auxiliary=True)
