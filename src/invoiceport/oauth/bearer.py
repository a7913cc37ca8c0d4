"""Bearer tokens (RFC 6750): reading the header, and the refusals with their challenges.

The dialect kit (`kit.pipeline`) reads the token with `bearer_token`, authenticates it through the
read path (`reads.service.access`, which joins the token's client so a revocation applies on the
next request) and checks a route's scope with `check_scope`; each refusal is an `AuthError` the
kit renders in the dialect's error shape, keeping `www_authenticate` as the `WWW-Authenticate`
header. No HTTP types here.
"""

from __future__ import annotations

from invoiceport.partners.schemas import Principal

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


def bearer_token(header: str | None) -> str:
    """The token of `Authorization: Bearer <token>` (scheme case-insensitive), or AuthError 401."""
    if not header:
        raise AuthError(401, "missing bearer token (Authorization: Bearer <token>)", _challenge())
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        message = "the Authorization header must be 'Bearer <token>'"
        raise AuthError(401, message, _challenge("invalid_request", message))
    return token


def unknown_token() -> AuthError:
    """Unknown, expired or revoked-client tokens."""
    message = "invalid or expired access token"
    return AuthError(401, message, _challenge("invalid_token", message))


def check_scope(principal: Principal, scope: str) -> None:
    """AuthError 403 unless the token behind `principal` carries `scope`."""
    if scope not in principal.scopes:
        message = f"the access token lacks the scope {scope}"
        raise AuthError(403, message, _challenge("insufficient_scope", message, scope))
