"""`POST /oauth/oauth30/token` (Ingram's path) and `POST /oauth/token`: RFC 6749 section 4.4.

The body is read by hand (a small form, with a size limit) so that every malformed request is an
RFC 6749 error body, never a framework error page. Clients authenticate with HTTP Basic or with
`client_id`/`client_secret` form fields (RFC 6749 section 2.3.1), not both.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qsl, unquote_plus

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import Response

from invoiceport.oauth.openapi import openapi_spec
from invoiceport.oauth.tokens import InvalidClient, InvalidScope, IssuedToken, issue_token
from invoiceport.platform.clock import now
from invoiceport.platform.context import context
from invoiceport.platform.docs_ui import register_spec
from invoiceport.platform.operator import name_operator
from invoiceport.platform.web import JSONBytesResponse, read_body, register_error_shape

TOKEN_PATHS = ("/oauth/oauth30/token", "/oauth/token")
MAX_BODY = 8192
FIELDS = frozenset({"grant_type", "client_id", "client_secret", "scope"})
REALM = "invoiceport"
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
# An RFC 6749 error code for each status the shared error handlers may produce under /oauth.
_CODES = {400: "invalid_request", 401: "invalid_client", 503: "temporarily_unavailable"}


class TokenError(Exception):
    """An RFC 6749 section 5.2 error: `{"error": code, "error_description": ...}`."""

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.error = error
        self.description = description


def oauth_error(
    status: int,
    message: str,
    _errors: list[str] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """Render any error under /oauth as an RFC 6749 error body (also the app-wide shape there)."""
    code = _CODES.get(status, "server_error" if status >= 500 else "invalid_request")
    all_headers = {**NO_STORE, **(headers or {})}
    if status == 401:
        all_headers.setdefault("WWW-Authenticate", f'Basic realm="{REALM}"')
    return JSONBytesResponse(
        {"error": code, "error_description": message}, status_code=status, headers=all_headers
    )


def _form(body: bytes) -> dict[str, str]:
    """The token request's fields (RFC 6749 section 3.1/3.2): one of ours sent twice is an error,
    an empty one counts as absent, fields we do not know are ignored."""
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=64)
    except (UnicodeDecodeError, ValueError) as exc:
        raise TokenError(400, "invalid_request", "the body is not a valid form") from exc
    fields: dict[str, str] = {}
    for name, value in pairs:
        if name not in FIELDS:
            continue
        if name in fields:
            raise TokenError(400, "invalid_request", f"parameter {name} given more than once")
        fields[name] = value
    return {k: v for k, v in fields.items() if v != ""}


def _basic_credentials(request: Request) -> tuple[str, str] | None:
    """(client_id, client_secret) from `Authorization: Basic`, or None without that header."""
    scheme, _, value = request.headers.get("authorization", "").strip().partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise TokenError(401, "invalid_client", "malformed HTTP Basic credentials") from exc
    client_id, colon, secret = decoded.partition(":")
    if not colon:
        raise TokenError(401, "invalid_client", "malformed HTTP Basic credentials")
    return unquote_plus(client_id), unquote_plus(secret)


def _client_credentials(request: Request, form: dict[str, str]) -> tuple[str, str]:
    basic = _basic_credentials(request)
    if basic is not None:
        if "client_secret" in form:
            message = "use one client authentication method: HTTP Basic or form fields"
            raise TokenError(400, "invalid_request", message)
        if form.get("client_id", basic[0]) != basic[0]:
            raise TokenError(400, "invalid_request", "client_id differs from the Basic user")
        return basic
    if "client_id" not in form or "client_secret" not in form:
        message = "client authentication required: client_id and client_secret, or HTTP Basic"
        raise TokenError(401, "invalid_client", message)
    return form["client_id"], form["client_secret"]


def _scopes(form: dict[str, str]) -> list[str] | None:
    """Requested scopes; any the client lacks (malformed ones too) are `invalid_scope` later,
    once the client is authenticated, so an unknown caller learns nothing about scopes."""
    if "scope" not in form:
        return None
    return [s for s in form["scope"].split(" ") if s] or None


def _check_form_type(request: Request) -> None:
    content_type = request.headers.get("content-type")
    if content_type is None:
        return
    if content_type.split(";")[0].strip().lower() != "application/x-www-form-urlencoded":
        message = "the body must be application/x-www-form-urlencoded"
        raise TokenError(400, "invalid_request", message)


async def client_credentials_grant(
    request: Request, form: dict[str, str], scopes: Sequence[str] | None
) -> IssuedToken:
    """The client credentials grant of `form`, for every token path and shape: the token, or a
    `TokenError` with RFC 6749's error (each path answers it in its own shape)."""
    grant_type = form.get("grant_type")
    if grant_type is None:
        raise TokenError(400, "invalid_request", "grant_type is required")
    if grant_type != "client_credentials":
        message = f"grant_type {grant_type[:40]!r} is not supported: use client_credentials"
        raise TokenError(400, "unsupported_grant_type", message)
    client_id, secret = _client_credentials(request, form)
    svc = context(request)
    try:
        return await issue_token(
            svc.engine,
            client_id,
            secret,
            scopes,
            lifetime_seconds=svc.settings.oauth_token_lifetime_seconds,
            now=now(request),
        )
    except InvalidClient:
        message = "unknown client, wrong secret or revoked client"
        raise TokenError(401, "invalid_client", message) from None
    except InvalidScope as exc:
        raise TokenError(400, "invalid_scope", str(exc)) from None


async def token(request: Request) -> Response:
    """Issue an access token for the client credentials grant."""
    try:
        _check_form_type(request)
        form = _form(await read_body(request, MAX_BODY))
        issued = await client_credentials_grant(request, form, _scopes(form))
    except TokenError as exc:
        return _error(exc.status, exc.error, exc.description)
    body: dict[str, Any] = {
        "access_token": issued.access_token,
        "token_type": "Bearer",
        "expires_in": str(issued.expires_in),
        "scope": " ".join(issued.scopes),
    }
    return JSONBytesResponse(body, headers=NO_STORE)


def _error(status: int, error: str, description: str) -> Response:
    headers = {"WWW-Authenticate": f'Basic realm="{REALM}"'} if status == 401 else {}
    return JSONBytesResponse(
        {"error": error, "error_description": description},
        status_code=status,
        headers={**NO_STORE, **headers},
    )


def install(app: FastAPI) -> None:
    """The token endpoint, its RFC 6749 error shape under /oauth, and /oauth/openapi.json."""
    router = APIRouter(tags=["oauth"])
    for path in TOKEN_PATHS:
        router.add_api_route(
            path,
            token,
            methods=["POST"],
            summary="OAuth 2.0 access token (client credentials)",
            response_class=JSONBytesResponse,
        )

    @router.get("/oauth/openapi.json", include_in_schema=False)
    async def spec(request: Request) -> JSONBytesResponse:
        return JSONBytesResponse(name_operator(openapi_spec(), context(request).settings))

    app.include_router(router)
    register_error_shape(app, "/oauth", oauth_error)
    register_spec(app, "OAuth 2.0 token endpoint", "/oauth/openapi.json", auxiliary=True)
