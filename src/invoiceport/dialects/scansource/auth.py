"""Subscription keys: `Ocp-Apim-Subscription-Key` -> the partner, and the customer check.

The key is looked up on every request (a revoked key fails on the next one, on every process).
The customer check runs before anything about invoices is read, so a partner asking for another
tenant's customer gets the same 403 whether or not that customer or invoice exists.

Rate limits (docs/rate-limits.md) count per partner once the key is known; the dialect has no limit
of its own (`INVOICEPORT_RATE_LIMITS='{"scansource": "600/minute"}'` sets one). When one applies,
its headers are kept on the request for `routes.LimitedRoute` to put on every later answer.
"""

from __future__ import annotations

from fastapi import Request

from invoiceport import ratelimit
from invoiceport.dialects.scansource.errors import (
    HEADER,
    INVALID_KEY,
    MISSING_KEY,
    forbidden_customer,
    unauthorized,
)
from invoiceport.partners.schemas import Principal
from invoiceport.partners.service import authenticate_api_key
from invoiceport.web import ApiError, services

DIALECT = "scansource"
LIMIT_HEADERS = "scansource_limit_headers"


async def require_principal(request: Request) -> Principal:
    """The partner behind the request's subscription key, or 401."""
    key = request.headers.get(HEADER, "").strip()
    if not key:
        raise unauthorized(MISSING_KEY)
    principal = await authenticate_api_key(services(request).engine, key)
    if principal is None:
        raise unauthorized(INVALID_KEY)
    decision = await ratelimit.check(request, DIALECT, principal, default=None)
    if decision is not None:
        setattr(request.state, LIMIT_HEADERS, decision.headers)
        if not decision.allowed:
            raise refusal(decision)
    return principal


def refusal(decision: ratelimit.Decision) -> ApiError:
    """The answer to a request over the limit (or refused while the limiter is down)."""
    status, message, headers = decision.refusal
    if status == 429:  # what Azure API Management says
        message = f"Rate limit is exceeded. Try again in {headers['Retry-After']} seconds."
    return ApiError(status, message, headers=headers)


def require_customer(principal: Principal, customer_number: str) -> None:
    """403 unless the partner is granted this customer number (which covers its invoices)."""
    if not principal.may_see(customer_number):
        raise forbidden_customer()
