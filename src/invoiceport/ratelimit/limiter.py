"""Fixed-window counters in process memory, or in Redis shared by every server process.

Each (dialect, client) pair has a counter per window; the window opens with the first request and
closes `period` seconds later (Ingram: "no further calls until the reset period is reached"). Redis
counts with one atomic INCR+EXPIRE script (from `limits`), so several processes together admit
exactly the limit.

When Redis fails, the limiter does not fail the request: by default it counts in process memory
for a while (fail-open, a logged warning) and tries Redis again after `REDIS_RETRY_SECONDS`;
with `rate_limit_redis_failure=closed` it refuses with 503 instead.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from dataclasses import dataclass

from limits import RateLimitItem
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.errors import StorageError
from redis.asyncio import Redis

from invoiceport.ratelimit.policy import Policy

log = logging.getLogger("invoiceport.ratelimit")

REDIS_TIMEOUT_SECONDS = 0.5
REDIS_RETRY_SECONDS = 2.0  # an outage's end is noticed within this (docs/hardening.md)


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome for one request, and the headers every response of a limited route carries."""

    allowed: bool
    limit: int
    remaining: int
    reset_at: float  # Unix seconds
    unavailable: bool = False  # the shared store is down and the limiter fails closed

    @property
    def headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(math.ceil(self.reset_at * 1000)),
        }

    def retry_after(self, now: float | None = None) -> str:
        """Whole seconds until the window resets (at least 1), for `Retry-After`."""
        seconds = self.reset_at - (time.time() if now is None else now)
        return str(max(1, math.ceil(seconds)))

    @property
    def refusal(self) -> tuple[int, str, dict[str, str]]:
        """(status, message, headers) of the answer to a refused request."""
        headers = {**self.headers, "Retry-After": self.retry_after()}
        if self.unavailable:
            return 503, "rate limiting is unavailable, try again shortly", headers
        message = (
            f"rate limit of {self.limit} requests exceeded; retry in {headers['Retry-After']} s"
        )
        return 429, message, headers


class RateLimiter:
    """Counts requests per (dialect, client) against the limits of a `Policy`."""

    def __init__(
        self,
        policy: Policy,
        *,
        redis_url: str | None = None,
        key_prefix: str = "invoiceport",
        fail_closed: bool = False,
    ) -> None:
        self.policy = policy
        self.fail_closed = fail_closed
        self.memory: Storage = MemoryStorage()
        self.redis: RedisStorage | None = None
        if redis_url:
            self.redis = RedisStorage(
                "async+" + redis_url,
                implementation="redispy",
                wrap_exceptions=True,
                key_prefix=f"{key_prefix}:ratelimit",
                socket_timeout=REDIS_TIMEOUT_SECONDS,
                socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            )
        self._redis_down_until = 0.0

    async def hit(
        self, dialect: str, partner_id: int, client: str, default: RateLimitItem | None
    ) -> Decision | None:
        """Count one request; None when no limit applies to this dialect and partner."""
        item = self.policy.limit_for(dialect, partner_id, default)
        if item is None:
            return None
        key = item.key_for(dialect, client)
        if self.redis is not None:
            if time.monotonic() >= self._redis_down_until:
                try:
                    async with asyncio.timeout(REDIS_TIMEOUT_SECONDS * 2):
                        return await self._count(self.redis, item, key)
                except (StorageError, OSError, TimeoutError) as exc:
                    self._redis_failed(exc)
            if self.fail_closed:  # for every request until Redis answers again, not only the first
                wait = max(1.0, self._redis_down_until - time.monotonic())
                return Decision(False, item.amount, 0, time.time() + wait, unavailable=True)
        return await self._count(self.memory, item, key)

    async def _count(self, storage: Storage, item: RateLimitItem, key: str) -> Decision:
        count = await storage.incr(key, item.get_expiry())
        reset_at = await storage.get_expiry(key)
        if self.redis is storage and self._redis_down_until:
            self._redis_down_until = 0.0
            log.warning("Redis is back: rate limits are shared again")
        return Decision(count <= item.amount, item.amount, max(0, item.amount - count), reset_at)

    def _redis_failed(self, exc: BaseException) -> None:
        mode = "refusing requests (fail-closed)" if self.fail_closed else "counting per process"
        if not self._redis_down_until:
            log.warning("Redis unavailable for rate limits (%s): %s", type(exc).__name__, mode)
        self._redis_down_until = time.monotonic() + REDIS_RETRY_SECONDS

    async def close(self) -> None:
        """Close the Redis connections (the memory counters need nothing)."""
        if self.redis is not None:
            # The redis-py bridge of `limits` keeps its client as `storage`.
            client: Redis = self.redis.bridge.storage  # type: ignore[attr-defined]
            await client.aclose()
