"""Ingram Micro XI token flows over the one token service (`tokens.issue_token`).

Ingram's published spec (tests/contracts/ingram-xi-v6-invoices-openapi.yaml, `get-accesstoken`)
and the clients deployed against it (../shared/references/real-clients.md) ask for a token in
three more ways than RFC 6749's `POST /oauth/oauth30/token` (`endpoints.py`):

- `GET /oauth/oauth20/token?grant_type=client_credentials&client_id=...&client_secret=...`
  (the official SDK, `xi-sdk-resellers`);
- `GET /oauth/oauth30/token` with the same three values in the query string;
- `POST /oauth/oauth20/token` with a form body, or with the values in the query string and an
  empty body.

HTTP Basic client authentication works on all of them, as on the RFC route. The answer is the
spec's `AccesstokenResponse` (`expires_in` is a string), plus the granted `scope`. Errors take
the spec's shape, `{"message": ...}` (400; 401 for a bad client), with RFC 6749's `error` and
`error_description` beside it for OAuth libraries; a server fault is `{"fault": {"faultstring",
"detail": {"errorcode"}}}`. The client secret sits in the query string here: the log scrubber
(`platform/logs.py`) removes it from every log line.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import Response

from invoiceport.oauth.endpoints import (
    MAX_BODY,
    NO_STORE,
    REALM,
    TokenError,
    _check_form_type,
    _form,
    _scopes,
    client_credentials_grant,
)
from invoiceport.platform.web import JSONBytesResponse, read_body, register_error_shape

XI_TOKEN_PATH = "/oauth/oauth20/token"  # noqa: S105 - a path
XI_QUERY_PATHS = ("/oauth/oauth20/token", "/oauth/oauth30/token")
_CODES = {400: "invalid_request", 401: "invalid_client", 503: "temporarily_unavailable"}


def xi_error(
    status: int,
    message: str,
    _errors: list[str] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """An error of the XI token routes, in the spec's shapes (also the app-wide shape there)."""
    all_headers = {**NO_STORE, **(headers or {})}
    if status >= 500:
        code = "temporarily_unavailable" if status == 503 else "server_error"
        body: dict[str, Any] = {
            "fault": {
                "faultstring": "internal error" if status == 500 else message,
                "detail": {"errorcode": code},
            }
        }
        return JSONBytesResponse(body, status_code=status, headers=all_headers)
    return _message(status, _CODES.get(status, "invalid_request"), message, all_headers)


def _message(status: int, error: str, description: str, headers: dict[str, str]) -> Response:
    if status == 401:
        headers = {**headers, "WWW-Authenticate": f'Basic realm="{REALM}"'}
    body = {"message": description, "error": error, "error_description": description}
    return JSONBytesResponse(body, status_code=status, headers={**NO_STORE, **headers})


def _query_form(request: Request) -> dict[str, str]:
    return _form(request.scope.get("query_string", b""))


def _merged(query: dict[str, str], body: dict[str, str]) -> dict[str, str]:
    both = sorted(set(query) & set(body))
    if both:
        message = f"parameter {both[0]} given both in the query string and in the body"
        raise TokenError(400, "invalid_request", message)
    return {**query, **body}


async def _issue(request: Request, form: dict[str, str]) -> Response:
    """The client credentials grant for `form`, answered in the XI shapes."""
    try:
        issued = await client_credentials_grant(request, form, _scopes(form))
    except TokenError as exc:
        return _message(exc.status, exc.error, exc.description, {})
    body = {
        "access_token": issued.access_token,
        "token_type": "Bearer",
        "expires_in": str(issued.expires_in),
        "scope": " ".join(issued.scopes),
    }
    return JSONBytesResponse(body, headers=NO_STORE)


async def token_from_query(request: Request) -> Response:
    """`GET`: the values in the query string (the SDK's call)."""
    try:
        form = _query_form(request)
    except TokenError as exc:
        return _message(exc.status, exc.error, exc.description, {})
    return await _issue(request, form)


async def token_from_form(request: Request) -> Response:
    """`POST /oauth/oauth20/token`: a form body, or the values in the query string."""
    try:
        _check_form_type(request)
        form = _merged(_query_form(request), _form(await read_body(request, MAX_BODY)))
    except TokenError as exc:
        return _message(exc.status, exc.error, exc.description, {})
    return await _issue(request, form)


def install(app: FastAPI) -> None:
    """The XI token routes and their error shape (`/oauth/oauth20/`; `GET /oauth/oauth30/token`
    answers in it too, its POST keeps RFC 6749's)."""
    router = APIRouter(tags=["oauth"])
    summary = "Access token, Ingram XI style (client credentials in the query string)"
    for path in XI_QUERY_PATHS:
        router.add_api_route(
            path, token_from_query, methods=["GET"], summary=summary, response_class=Response
        )
    router.add_api_route(
        XI_TOKEN_PATH,
        token_from_form,
        methods=["POST"],
        summary="Access token, Ingram XI style (form body or query string)",
        response_class=Response,
    )
    app.include_router(router)
    register_error_shape(app, "/oauth/oauth20/", xi_error)
