"""Bearer-token authentication (RFC 6750) for every dialect that takes OAuth 2.0 tokens.

A dialect calls `await bearer_principal(request, scope=...)`, catches `AuthError` and renders it in
its own error format (keeping `www_authenticate` as the `WWW-Authenticate` header).
"""

from __future__ import annotations

from starlette.requests import Request

from invoiceport.clock import now
from invoiceport.partners.schemas import Principal
from invoiceport.partners.tokens import authenticate_token
from invoiceport.web import services

REALM = "invoiceport"


class AuthError(Exception):
    """401 (no or bad token) or 403 (token lacks a scope), with the RFC 6750 challenge."""

    def __init__(self, status_code: int, message: str, www_authenticate: str | None) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message
        self.www_authenticate = www_authenticate

    @property
    def headers(self) -> dict[str, str] | None:
        return {"WWW-Authenticate": self.www_authenticate} if self.www_authenticate else None


def _challenge(
    error: str | None = None, description: str | None = None, scope: str | None = None
) -> str:
    parts = [f'realm="{REALM}"']
    if error:
        parts.append(f'error="{error}"')
    if description:
        parts.append(f'error_description="{description}"')
    if scope:
        parts.append(f'scope="{scope}"')
    return "Bearer " + ", ".join(parts)


def bearer_token(request: Request) -> str:
    """The token of `Authorization: Bearer <token>` (scheme case-insensitive), or AuthError 401."""
    header = request.headers.get("authorization")
    if not header:
        raise AuthError(401, "missing bearer token (Authorization: Bearer <token>)", _challenge())
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        message = "the Authorization header must be 'Bearer <token>'"
        raise AuthError(401, message, _challenge("invalid_request", message))
    return token


async def bearer_principal(request: Request, *, scope: str | None = None) -> Principal:
    """The partner behind the request's bearer token; the token must carry `scope` if given.

    Unknown, expired or revoked-client tokens -> AuthError 401; a missing scope -> AuthError 403.
    The database is read on every call, so a revocation applies on the next request everywhere.
    """
    token = bearer_token(request)
    principal = await authenticate_token(services(request).engine, token, now(request))
    if principal is None:
        message = "invalid or expired access token"
        raise AuthError(401, message, _challenge("invalid_token", message))
    if scope is not None and scope not in principal.scopes:
        message = f"the access token lacks the scope {scope}"
        raise AuthError(403, message, _challenge("insufficient_scope", message, scope))
    return principal
