"""`POST /{tenant}/oauth2/v2.0/token`: the Azure AD (B2C) v2.0 token path ScanSource's current
API generation is used with, over the one token service (`shapes`).

The form body carries `client_id`, `client_secret`, `grant_type=client_credentials` and `scope`
(HTTP Basic is accepted too). Azure scopes name a resource: `https://host/app/.default` asks for
all of the client's scopes, `https://host/app/invoice.read` for `invoice.read`; a plain scope is
itself. Any tenant is accepted (there is one token service); an `Ocp-Apim-Subscription-Key` the
client sends along is ignored here (the API routes check it).
"""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import Response

from invoiceport.oauth.endpoints import TokenError
from invoiceport.oauth.shapes import body_form, grant, refused

PATH = "/{tenant}/oauth2/v2.0/token"
DEFAULT = ".default"


def azure_scopes(raw: str | None) -> Sequence[str] | None:
    """The scopes asked for: None (all of the client's) for none or any `.../.default`."""
    if raw is None:
        return None
    asked = [each.rsplit("/", 1)[-1] for each in raw.split(" ") if each]
    if not asked or DEFAULT in asked:
        return None
    return asked


async def token(request: Request) -> Response:
    """Issue an access token (client credentials)."""
    try:
        form = await body_form(request)
    except TokenError as exc:
        return refused(exc)
    return await grant(request, form, azure_scopes)


def install(app: FastAPI) -> None:
    router = APIRouter(tags=["oauth"])
    router.add_api_route(
        PATH, token, methods=["POST"], summary="OAuth 2.0 access token (Azure AD v2.0 path)"
    )
    app.include_router(router)
