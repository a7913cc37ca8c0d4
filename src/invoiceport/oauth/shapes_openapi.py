"""The OpenAPI 3.0 document of the Okta- and Azure-style token paths (`shapes`), served at
`/oauth2/openapi.json` and listed on `/docs`."""

from __future__ import annotations

from typing import Any

from invoiceport import __version__
from invoiceport.oauth.openapi import openapi_spec

SPEC_URL = "/oauth2/openapi.json"
TITLE = "OAuth 2.0 token endpoints (Okta and Azure AD paths)"


def _path_param(name: str, description: str) -> dict[str, Any]:
    schema = {"type": "string"}
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": schema,
    }


def _operation(operation_id: str, summary: str, parameters: list[Any], body_required: bool) -> Any:
    error = {
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TokenError"}}}
    }
    return {
        "post": {
            "operationId": operation_id,
            "summary": summary,
            "tags": ["oauth"],
            "security": [{}, {"clientBasic": []}],
            "parameters": parameters,
            "requestBody": {
                "required": body_required,
                "content": {
                    "application/x-www-form-urlencoded": {
                        "schema": {"$ref": "#/components/schemas/TokenRequest"}
                    }
                },
            },
            "responses": {
                "200": {
                    "description": "A new access token",
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/TokenResponse"}
                        }
                    },
                },
                "400": {
                    "description": "invalid_request, unsupported_grant_type, invalid_scope",
                    **error,
                },
                "401": {"description": "invalid_client (WWW-Authenticate: Basic)", **error},
                "413": {"description": "Body over 8 KiB", **error},
                "503": {"description": "temporarily_unavailable, with Retry-After", **error},
            },
        }
    }


def build() -> dict[str, Any]:
    components = openapi_spec()["components"]
    schemas = dict(components["schemas"])
    response = dict(schemas["TokenResponse"])
    properties = dict(response["properties"])
    properties["expires_in"] = {"type": "integer", "minimum": 1, "description": "Seconds"}
    schemas["TokenResponse"] = {**response, "properties": properties}
    grant = {"type": "string", "enum": ["client_credentials"]}
    query = [
        {
            "name": name,
            "in": "query",
            "required": False,
            "description": f"`{name}` may come here instead of the body",
            "schema": schema,
        }
        for name, schema in (("grant_type", grant), ("scope", {"type": "string"}))
    ]
    okta = [_path_param("authorizationServerId", "Any authorization server id"), *query]
    tenant = [_path_param("tenant", "Any tenant")]
    return {
        "openapi": "3.0.3",
        "info": {
            "title": f"invoiceport {TITLE}",
            "version": __version__,
            "description": (
                "The client credentials grant at the paths ABC Supply's (Okta) and ScanSource's "
                "(Azure AD v2.0) clients call; the same clients and tokens as /oauth/token. A "
                "scope ending in /.default asks for all of the client's scopes (Azure path)."
            ),
        },
        "paths": {
            "/oauth2/{authorizationServerId}/v1/token": _operation(
                "oktaToken", "Access token (Okta-style path)", okta, False
            ),
            "/{tenant}/oauth2/v2.0/token": _operation(
                "azureToken", "Access token (Azure AD v2.0 path)", tenant, True
            ),
        },
        "components": {"securitySchemes": components["securitySchemes"], "schemas": schemas},
    }
