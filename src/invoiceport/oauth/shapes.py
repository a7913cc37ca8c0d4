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
    _error,
    _form,
    client_credentials_grant,
)
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
        issued = await client_credentials_grant(request, form, scopes(form.get("scope")))
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
