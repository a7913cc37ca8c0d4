"""The real Redis fixtures of tests/ratelimit, for the outage tests here."""

from tests.ratelimit.conftest import key_prefix, redis_url

__all__ = ["key_prefix", "redis_url"]
