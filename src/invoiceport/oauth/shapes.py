"""The token requests of other identity providers' shapes, over the one token service.

ABC Supply's integrations call an Okta-style `POST /oauth2/{authorizationServerId}/v1/token`
(`okta.py`), ScanSource's an Azure AD (B2C) v2.0-style `POST /{tenant}/oauth2/v2.0/token`
(`azure.py`). Both end here: the grant type, the client's authentication (HTTP Basic or form
fields, as `endpoints`), the scopes, `tokens.issue_token` and an RFC 6749 answer. Only where the
fields come from and what a scope means differ, and that is each shape's own module.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from invoiceport.oauth.endpoints import (
    MAX_BODY,
    NO_STORE,
    TokenError,
    _check_form_type,
    _client_credentials,
    _error,
    _form,
)
from invoiceport.oauth.tokens import InvalidClient, InvalidScope, issue_token
from invoiceport.platform.clock import now
from invoiceport.platform.context import context
from invoiceport.platform.web import JSONBytesResponse, read_body

Scopes = Callable[[str | None], Sequence[str] | None]
"""A shape's reading of the `scope` field: the scopes asked for, None for all of the client's."""


def plain_scopes(raw: str | None) -> Sequence[str] | None:
    """RFC 6749 section 3.3: space-separated scopes; none means all of the client's."""
    if raw is None:
        return None
    return [each for each in raw.split(" ") if each] or None


async def body_form(request: Request) -> dict[str, str]:
    """The form body's fields (RFC 6749 section 3.2), or a TokenError naming the problem."""
    _check_form_type(request)
    return _form(await read_body(request, MAX_BODY))


async def grant(request: Request, form: dict[str, str], scopes: Scopes) -> Response:
    """Issue a token for the client credentials grant of `form`; any refusal is RFC 6749's."""
    try:
        grant_type = form.get("grant_type")
        if grant_type is None:
            raise TokenError(400, "invalid_request", "grant_type is required")
        if grant_type != "client_credentials":
            message = f"grant_type {grant_type[:40]!r} is not supported: use client_credentials"
            raise TokenError(400, "unsupported_grant_type", message)
        client_id, secret = _client_credentials(request, form)
        svc = context(request)
        issued = await issue_token(
            svc.engine,
            client_id,
            secret,
            scopes(form.get("scope")),
            lifetime_seconds=svc.settings.oauth_token_lifetime_seconds,
            now=now(request),
        )
    except InvalidClient:
        return _error(401, "invalid_client", "unknown client, wrong secret or revoked client")
    except InvalidScope as exc:
        return _error(400, "invalid_scope", str(exc))
    except TokenError as exc:
        return _error(exc.status, exc.error, exc.description)
    body: dict[str, Any] = {
        "token_type": "Bearer",
        "expires_in": issued.expires_in,
        "access_token": issued.access_token,
        "scope": " ".join(issued.scopes),
    }
    return JSONBytesResponse(body, headers=NO_STORE)


def refused(exc: TokenError) -> Response:
    return _error(exc.status, exc.error, exc.description)
