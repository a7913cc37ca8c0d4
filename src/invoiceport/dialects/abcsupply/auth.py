"""OAuth 2.0 bearer tokens with the seed's scopes, and the shared rate limits.

Failures come out in this dialect's error shape. Rate limits (`docs/rate-limits.md`, dialect name
`abcsupply`) apply only when the settings name one: the seed gives no limit. When one applies,
every answer after authentication carries the `X-RateLimit-*` headers, errors included, which is
what `LimitedRoute` adds.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request
from fastapi.routing import APIRoute
from starlette.responses import Response

from invoiceport import ratelimit
from invoiceport.partners.oauth import AuthError, bearer_principal
from invoiceport.partners.schemas import Principal
from invoiceport.web import ApiError, error_response

DIALECT = "abcsupply"
HISTORY_SCOPE = "invoice.history.read"
WEBHOOKS_SCOPE = "invoice.webhooks.manage"


async def require_scope(request: Request, scope: str) -> Principal:
    """The partner behind the bearer token (401), which must carry `scope` (403); counted."""
    try:
        principal = await bearer_principal(request, scope=scope)
    except AuthError as exc:
        raise ApiError(exc.status_code, exc.message, headers=exc.headers) from None
    decision = await ratelimit.check(request, DIALECT, principal, default=None)
    if decision is not None:
        request.state.rate_limit_headers = decision.headers
        if not decision.allowed:
            status, message, headers = decision.refusal
            raise ApiError(status, message, headers=headers)
    return principal


async def history_reader(request: Request) -> Principal:
    return await require_scope(request, HISTORY_SCOPE)


async def webhook_manager(request: Request) -> Principal:
    return await require_scope(request, WEBHOOKS_SCOPE)


class LimitedRoute(APIRoute):
    """A route whose answers, errors included, carry the request's rate-limit headers."""

    @staticmethod
    def translate(exc: Exception) -> ApiError | None:
        """The API error a service exception stands for (None: not one of ours)."""
        return exc if isinstance(exc, ApiError) else None

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def limited(request: Request) -> Response:
            try:
                response = await handler(request)
            except Exception as exc:
                error = self.translate(exc)
                if error is None:
                    raise
                response = error_response(
                    request, error.status_code, error.message, error.errors, error.headers
                )
            response.headers.update(getattr(request.state, "rate_limit_headers", {}))
            return response

        return limited
