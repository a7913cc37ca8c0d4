"""A real Redis for the shared-limit tests: 127.0.0.1:6379 (INVOICEPORT_TEST_REDIS), a key prefix
of its own per test, and every key under that prefix deleted afterwards. Without Redis the tests
are skipped, except under CI, where they fail."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import redis

from tests.conftest import _under_ci

REDIS = os.environ.get("INVOICEPORT_TEST_REDIS", "redis://127.0.0.1:6379/0")


@pytest.fixture
def redis_url() -> str:
    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        message = f"Redis at {REDIS} is not available: {exc}"
        if _under_ci():
            pytest.fail(message)
        pytest.skip(message)
    return REDIS


@pytest.fixture
def key_prefix(redis_url: str) -> Iterator[str]:
    """A prefix no other test run uses; its keys are removed after the test."""
    prefix = f"invoiceport-test-{uuid.uuid4().hex[:12]}"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"{prefix}:*"))
    if keys:
        client.delete(*keys)
    client.close()


def closed_port_url() -> str:
    """A Redis URL nothing listens on (a port just released), to see Redis "gone away"."""
    from tests.live import free_port

    return f"redis://127.0.0.1:{free_port()}/0"
