"""The XI token flows (`oauth/xi.py`) in the token endpoint's spec (`/oauth/openapi.json`)."""

from __future__ import annotations

from typing import Any

_XI_ERROR = {"$ref": "#/components/schemas/XiTokenError"}
_RFC_ERROR = {"$ref": "#/components/schemas/TokenError"}


def _answer(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _query(name: str, schema: dict[str, Any], required: bool = False) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": required, "schema": schema}


_PARAMETERS = [
    _query("grant_type", {"type": "string", "enum": ["client_credentials"]}, required=True),
    _query("client_id", {"type": "string", "maxLength": 64}),
    _query("client_secret", {"type": "string", "maxLength": 256}),
    _query("scope", {"type": "string"}),
]


def _operation(operation_id: str, method: str, errors: dict[str, Any]) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": operation_id,
        "summary": "Access token, Ingram XI style (client credentials)",
        "description": (
            (
                "A form body, or the values in the query string (not both)"
                if method == "post"
                else "The values in the query string"
            )
            + "; HTTP Basic works too. Errors: the spec's `{message}`, with RFC 6749's `error`."
        ),
        "tags": ["oauth"],
        "security": [{}, {"clientBasic": []}],
        "responses": {
            "200": _answer(
                "A new access token (Ingram's AccesstokenResponse)",
                {"$ref": "#/components/schemas/TokenResponse"},
            ),
            "400": _answer("invalid_request, unsupported_grant_type or invalid_scope", _XI_ERROR),
            "401": _answer("invalid_client, with a WWW-Authenticate: Basic challenge", _XI_ERROR),
            **errors,
        },
    }
    if method == "get":
        operation["parameters"] = _PARAMETERS
    else:
        operation["requestBody"] = {
            "required": True,
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {"$ref": "#/components/schemas/TokenRequest"}
                }
            },
        }
    return operation


def xi_paths() -> dict[str, dict[str, Any]]:
    """`/oauth/oauth20/token` (GET, POST) and the GET of `/oauth/oauth30/token`."""
    oauth20 = {
        "405": _answer("Only GET and POST are allowed", _XI_ERROR),
        "413": _answer("Body over 8 KiB", _XI_ERROR),
        "503": _answer(
            "Database unavailable, with Retry-After", {"$ref": "#/components/schemas/XiFault"}
        ),
    }
    oauth30 = {"503": _answer("Database unavailable, with Retry-After", _RFC_ERROR)}
    return {
        "/oauth/oauth20/token": {
            "get": _operation("tokenXiGet", "get", oauth20),
            "post": _operation("tokenXiPost", "post", oauth20),
        },
        "/oauth/oauth30/token": {"get": _operation("tokenXiGet30", "get", oauth30)},
    }


XI_SCHEMAS: dict[str, Any] = {
    "XiTokenError": {
        "type": "object",
        "required": ["message", "error"],
        "properties": {
            "message": {"type": "string"},
            "error": {"type": "string"},
            "error_description": {"type": "string"},
        },
    },
    "XiFault": {
        "type": "object",
        "properties": {
            "fault": {
                "type": "object",
                "properties": {
                    "faultstring": {"type": "string"},
                    "detail": {"type": "object", "properties": {"errorcode": {"type": "string"}}},
                },
            }
        },
    },
}
