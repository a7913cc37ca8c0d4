"""The ScanSource dialect, declared for the kit: subscription keys, APIM errors, no default limit.

Rate limits (docs/rate-limits.md) count per partner once the key is known; the dialect has no limit
of its own (`INVOICEPORT_RATE_LIMITS='{"scansource": "600/minute"}'` sets one).
"""

from __future__ import annotations

from invoiceport.dialects.scansource.errors import (
    HEADER,
    INVALID_KEY,
    MISSING_KEY,
    PREFIX,
    render_error,
    unauthorized,
)
from invoiceport.kit import ApiKey, Dialect
from invoiceport.platform.web import ApiError
from invoiceport.ratelimit import Decision


def refusal(decision: Decision) -> ApiError:
    """The answer to a request over the limit (or refused while the limiter is down)."""
    status, message, headers = decision.refusal
    if status == 429:  # what Azure API Management says
        message = f"Rate limit is exceeded. Try again in {headers['Retry-After']} seconds."
    return ApiError(status, message, headers=headers)


DIALECT = Dialect(
    name="scansource",
    credential=ApiKey(HEADER, missing=unauthorized(MISSING_KEY), invalid=unauthorized(INVALID_KEY)),
    render_error=render_error,
    prefixes=(PREFIX,),
    refusal=refusal,
    limit_headers_first=True,
)
