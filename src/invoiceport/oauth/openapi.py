"""The token endpoint's OpenAPI 3.0 document, served at `/oauth/openapi.json`."""

from __future__ import annotations

from typing import Any

from invoiceport import __version__
from invoiceport.oauth.xi_openapi import XI_SCHEMAS, xi_paths

_ERROR_CODES = [
    "invalid_request",
    "invalid_client",
    "invalid_grant",
    "unauthorized_client",
    "unsupported_grant_type",
    "invalid_scope",
    "temporarily_unavailable",
    "server_error",
]


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TokenError"}}},
    }


def _operation(operation_id: str) -> dict[str, Any]:
    return {
        "post": {
            "operationId": operation_id,
            "summary": "Request an access token (client credentials grant)",
            "description": (
                "RFC 6749 section 4.4. Authenticate with `client_id` and `client_secret` form "
                "fields or with HTTP Basic (not both). Without `scope` the token carries all of "
                "the client's scopes."
            ),
            "tags": ["oauth"],
            "security": [{}, {"clientBasic": []}],
            "requestBody": {
                "required": True,
                "content": {
                    "application/x-www-form-urlencoded": {
                        "schema": {"$ref": "#/components/schemas/TokenRequest"}
                    }
                },
            },
            "responses": {
                "200": {
                    "description": "A new access token",
                    "headers": {
                        "Cache-Control": {"schema": {"type": "string", "enum": ["no-store"]}}
                    },
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/TokenResponse"}
                        }
                    },
                },
                "400": _error(
                    "invalid_request, unsupported_grant_type or invalid_scope (RFC 6749 5.2)"
                ),
                "401": _error("invalid_client, with a WWW-Authenticate: Basic challenge"),
                "405": _error("Another method (GET: the XI flow on /oauth/oauth30/token)"),
                "413": _error("Body over 8 KiB"),
                "503": _error("Database unavailable (temporarily_unavailable), with Retry-After"),
            },
        }
    }


def openapi_spec() -> dict[str, Any]:
    spec = _rfc_spec()
    for path, operations in xi_paths().items():  # the XI flows (oauth/xi.py)
        spec["paths"].setdefault(path, {}).update(operations)
    spec["components"]["schemas"].update(XI_SCHEMAS)
    return spec


def _rfc_spec() -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "invoiceport OAuth 2.0 token endpoint",
            "version": __version__,
            "description": "Client credentials grant for the Ingram Micro and ABC Supply dialects.",
        },
        "paths": {
            "/oauth/oauth30/token": _operation("token"),
            "/oauth/token": _operation("tokenShort"),
        },
        "components": {
            "securitySchemes": {"clientBasic": {"type": "http", "scheme": "basic"}},
            "schemas": {
                "TokenRequest": {
                    "type": "object",
                    "required": ["grant_type"],
                    "properties": {
                        "grant_type": {"type": "string", "enum": ["client_credentials"]},
                        "client_id": {"type": "string", "maxLength": 64},
                        "client_secret": {"type": "string", "maxLength": 256},
                        "scope": {
                            "type": "string",
                            "description": "Space-separated scopes, e.g. invoice.history.read",
                        },
                    },
                },
                "TokenResponse": {
                    "type": "object",
                    "required": ["access_token", "token_type", "expires_in"],
                    "properties": {
                        "access_token": {"type": "string"},
                        "token_type": {"type": "string", "enum": ["Bearer"]},
                        "expires_in": {
                            "type": "string",
                            "pattern": "^[0-9]+$",
                            "description": "Seconds, as a string (as Ingram Micro sends it)",
                        },
                        "scope": {"type": "string"},
                    },
                },
                "TokenError": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {
                        "error": {"type": "string", "enum": _ERROR_CODES},
                        "error_description": {"type": "string"},
                    },
                },
            },
        },
    }
