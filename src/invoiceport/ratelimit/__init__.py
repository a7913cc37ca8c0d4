"""Rate limits and availability windows: one mechanism every dialect uses (docs/rate-limits.md).

The dialect kit's pipeline, after authenticating, for every route of every dialect:

    decision = await ratelimit.check(limiter, "ingram", principal, default="60 per 60 seconds")
    if decision is not None and not decision.allowed:
        status, message, headers = decision.refusal      # 429 (or 503 when failing closed)
        ... the dialect's error (status, message, headers)
    ... build the answer, then: response.headers.update(decision.headers)

`create_app` builds the app's one limiter with `limiter_from_settings` (a typo in a limit stops
start-up). No HTTP types here.
"""

from __future__ import annotations

from functools import lru_cache

from limits import RateLimitItem

from invoiceport.partners.schemas import Principal
from invoiceport.ratelimit.limiter import Decision, RateLimiter
from invoiceport.ratelimit.policy import Policy, parse_limit
from invoiceport.settings import Settings

__all__ = ["Decision", "RateLimiter", "check", "limiter_from_settings"]


def limiter_from_settings(settings: Settings) -> RateLimiter:
    return RateLimiter(
        Policy.from_settings(settings.rate_limits, settings.rate_limit_partners),
        redis_url=settings.redis_url,
        key_prefix=settings.rate_limit_key_prefix,
        fail_closed=settings.rate_limit_redis_failure == "closed",
    )


@lru_cache(maxsize=64)
def _default(text: str) -> RateLimitItem | None:
    return parse_limit(text, "built-in default")


async def check(
    limiter: RateLimiter, dialect: str, principal: Principal, *, default: str | None
) -> Decision | None:
    """Count this request of `principal` against `dialect`'s limit (per OAuth client or partner).

    `default` is the dialect's own limit when the settings name none ("off" or None: unlimited).
    Returns None when no limit applies (then no rate-limit headers are sent).
    """
    client = principal.client_id or f"partner-{principal.partner_id}"
    item = None if default is None else _default(default)
    return await limiter.hit(dialect, principal.partner_id, client, item)
