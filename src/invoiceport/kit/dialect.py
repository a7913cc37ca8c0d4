"""A dialect, declared: who may call it, how its errors look, how fast, and where its spec is.

Every route of a dialect is served by the one pipeline of `kit.pipeline`; this descriptor is what
the pipeline reads. A vendor generation (say Ingram's v6 beside its v5) is one more descriptor.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from invoiceport.platform.web import ApiError, ErrorRenderer
from invoiceport.ratelimit import Decision


@dataclass(frozen=True, slots=True)
class ApiKey:
    """A subscription key in a request header (ScanSource's `Ocp-Apim-Subscription-Key`)."""

    header: str
    missing: ApiError
    """The answer when the header is absent or blank."""
    invalid: ApiError
    """The answer when no active key has that value."""


@dataclass(frozen=True, slots=True)
class Bearer:
    """An OAuth 2.0 access token (`Authorization: Bearer ...`), optionally with a scope."""

    scope: str | None = None


@dataclass(frozen=True, slots=True)
class KeyOrBearer:
    """An API key in `header` or as `Authorization: Bearer <key>`, or an OAuth 2.0 access token
    there (the native API). A token must carry `scope`; an API key has every scope of its
    partner's routes."""

    header: str
    scope: str | None = None


Credential = ApiKey | Bearer | KeyOrBearer


def _default_refusal(decision: Decision) -> ApiError:
    status, message, headers = decision.refusal
    return ApiError(status, message, headers=headers)


@dataclass(frozen=True, slots=True)
class Dialect:
    """What the pipeline needs to know about one API shape.

    `name` keys rate limits (`INVOICEPORT_RATE_LIMITS`) and the render cache. `prefixes` are the
    paths whose errors (the framework's 404 and 405 and a 503 included) `render_error` shapes.
    """

    name: str
    credential: Credential
    render_error: ErrorRenderer
    prefixes: tuple[str, ...]
    default_limit: str | None = None
    """Applied when the settings name no limit for this dialect; None: unlimited."""
    refusal: Callable[[Decision], ApiError] = field(default=_default_refusal)
    """The answer to a request over the limit (or refused while the limiter is down)."""
    reject_nul: bool = False
    """NUL in a path or query value is a 400 before anything else (PostgreSQL cannot hold it)."""
    limit_headers_first: bool = False
    """Where an error puts the rate-limit headers: before its own (and the content headers),
    or after them as a successful answer does. Part of a dialect's recorded wire format."""
    translate: Callable[[Exception], ApiError | None] = field(default=lambda _exc: None)
    """The API error a service exception raised by a route stands for (None: not one of ours)."""
