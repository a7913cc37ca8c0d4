"""`POST /oauth2/{authorizationServerId}/v1/token`: the Okta-style token path ABC Supply's
integrations call (any authorization server id), over the one token service (`shapes`).

The client authenticates with HTTP Basic or form fields; `grant_type` and `scope` may come in the
form body or in the query string (one client sends an empty body). The same field in both with
different values is an `invalid_request`; a client secret in the query string is refused (it
would end up in access logs).
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import Response

from invoiceport.oauth.endpoints import TokenError, _form, oauth_error
from invoiceport.oauth.shapes import body_form, grant, plain_scopes, refused
from invoiceport.platform.web import register_error_shape

PATH = "/oauth2/{authorizationServerId}/v1/token"
QUERY_FIELDS = ("grant_type", "scope")


def merged_form(body: dict[str, str], query: dict[str, str]) -> dict[str, str]:
    """The body's fields plus `grant_type` and `scope` from the query string."""
    for name in ("client_secret", "client_id"):
        if name in query:
            message = f"{name} must not be sent in the query string: use HTTP Basic or the body"
            raise TokenError(400, "invalid_request", message)
    form = dict(body)
    for name in QUERY_FIELDS:
        if name not in query:
            continue
        if name in form and form[name] != query[name]:
            message = f"parameter {name} differs between the query string and the body"
            raise TokenError(400, "invalid_request", message)
        form[name] = query[name]
    return form


async def token(request: Request) -> Response:
    """Issue an access token (client credentials); the authorization server id is not checked."""
    try:
        query = _form(request.url.query.encode())
        form = merged_form(await body_form(request), query)
    except TokenError as exc:
        return refused(exc)
    return await grant(request, form, plain_scopes)


def install(app: FastAPI) -> None:
    router = APIRouter(tags=["oauth"])
    router.add_api_route(
        PATH, token, methods=["POST"], summary="OAuth 2.0 access token (Okta-style path)"
    )
    app.include_router(router)
    register_error_shape(app, "/oauth2/", oauth_error)
