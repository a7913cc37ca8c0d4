"""Shared limits in a real Redis: several limiters (and real server processes) admit exactly the
limit together; Redis going away never fails a request."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator

import httpx
import pytest

from invoiceport.ops.demo_setup import load_demo
from invoiceport.ratelimit import limiter as limiter_module
from tests.ingram.conftest import COUNT, SEED, get_invoice
from tests.live import live_server
from tests.oauth.support import Client, app_client, bearer, make_settings, new_client, token_for
from tests.ratelimit.conftest import closed_port_url
from tests.relay import Relay

SAMPLE = "20-12345-11"
GRANTED = "20-123456"


async def test_two_limiters_share_one_count(
    database_url: str, redis_url: str, key_prefix: str
) -> None:
    settings = make_settings(
        database_url,
        redis_url=redis_url,
        rate_limit_key_prefix=key_prefix,
        rate_limits={"ingram": "5/minute"},
    )
    async with app_client(settings) as (app_a, a), app_client(settings) as (app_b, b):
        client = await new_client(a, [GRANTED])
        headers = bearer(await token_for(a, client))
        codes = [(await get_invoice(http, headers, SAMPLE)).status_code for http in (a, b) * 4]
        assert codes == [200] * 5 + [429] * 3
        for app in (app_a, app_b):
            await app.state.context.rate_limiter.close()


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_two_server_processes_admit_exactly_the_limit(
    database_url: str, redis_url: str, key_prefix: str
) -> None:
    """Two `invoiceport serve` processes, one Redis: 20 allowed out of 30 sent at once."""
    settings = make_settings(database_url)
    async with app_client(settings) as (app, _http):
        demo = await load_demo(app.state.context.engine, SEED, COUNT, reset=False)
    env = {
        "redis_url": redis_url,
        "rate_limit_key_prefix": key_prefix,
        "rate_limits": '{"ingram": "20 per 60 seconds"}',
    }
    with live_server(database_url, **env) as first, live_server(database_url, **env) as second:
        async with httpx.AsyncClient(timeout=10) as http:
            form = {
                "grant_type": "client_credentials",
                "client_id": demo.client_id,
                "client_secret": demo.client_secret,
            }
            token = (await http.post(f"{first}/oauth/oauth30/token", data=form)).json()
            headers = bearer(token["access_token"])
            url = "/resellers/v5/invoices/20-12345-11?customerNumber=20-123456&isoCountryCode=UK"
            responses = await asyncio.gather(
                *(http.get(base + url, headers=headers) for base in (first, second) * 15)
            )
    codes = [r.status_code for r in responses]
    assert codes.count(200) == 20, codes
    assert codes.count(429) == 10, codes
    by_server = {
        base: [r.status_code for r in responses[i::2]] for i, base in enumerate((first, second))
    }
    assert all(200 in served for served in by_server.values())  # both processes admitted some
    remaining = sorted(
        int(r.headers["x-ratelimit-remaining"]) for r in responses if r.status_code == 200
    )
    assert remaining == list(range(20))  # one shared counter: each value handed out once


@pytest.fixture
def quick_retry(monkeypatch: pytest.MonkeyPatch) -> None:
    """Try Redis again after 0.2 s instead of 5 s, so a test can watch it come back."""
    monkeypatch.setattr(limiter_module, "REDIS_RETRY_SECONDS", 0.2)


async def test_unreachable_redis_fails_open_with_a_warning(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    settings = make_settings(
        database_url, redis_url=closed_port_url(), rate_limits={"ingram": "3/minute"}
    )
    async with app_client(settings) as (app, http):
        client = await new_client(http, [GRANTED])
        headers = bearer(await token_for(http, client))
        with caplog.at_level(logging.WARNING, logger="invoiceport.ratelimit"):
            answers = [await get_invoice(http, headers, SAMPLE) for _ in range(4)]
        # Served, and still limited: counted in this process while Redis is away.
        assert [r.status_code for r in answers] == [200, 200, 200, 429]
        assert answers[0].headers["x-ratelimit-remaining"] == "2"
        warnings = [r for r in caplog.records if "Redis unavailable" in r.getMessage()]
        assert len(warnings) == 1  # once per outage, not once per request
        await app.state.context.rate_limiter.close()


async def test_unreachable_redis_can_fail_closed(database_url: str) -> None:
    settings = make_settings(
        database_url, redis_url=closed_port_url(), rate_limit_redis_failure="closed"
    )
    async with app_client(settings) as (app, http):
        client = await new_client(http, [GRANTED])
        response = await get_invoice(http, bearer(await token_for(http, client)), SAMPLE)
        assert response.status_code == 503
        assert int(response.headers["retry-after"]) >= 1
        assert response.json()["serviceresponse"]["responsepreamble"]["statuscode"] == "503"
        await app.state.context.rate_limiter.close()


@pytest.fixture
def proxy(redis_url: str) -> Iterator[Relay]:
    relay = Relay(int(redis_url.rsplit(":", 1)[1].split("/")[0])).start()
    yield relay
    relay.close()


@pytest.mark.usefixtures("quick_retry")
async def test_redis_going_away_and_coming_back(
    database_url: str, key_prefix: str, proxy: Relay
) -> None:
    settings = make_settings(
        database_url,
        redis_url=f"redis://127.0.0.1:{proxy.port}/0",
        rate_limit_key_prefix=key_prefix,
        rate_limits={"ingram": "50/minute"},
    )
    async with app_client(settings) as (app, http):
        client: Client = await new_client(http, [GRANTED])
        headers = bearer(await token_for(http, client))

        async def remaining() -> int:
            response = await get_invoice(http, headers, SAMPLE)
            assert response.status_code == 200
            return int(response.headers["x-ratelimit-remaining"])

        assert [await remaining(), await remaining()] == [49, 48]  # counted in Redis
        proxy.cut()
        assert await remaining() == 49  # Redis gone: a fresh count in this process
        await asyncio.sleep(0.3)
        proxy.restore()  # same port
        await asyncio.sleep(0.3)
        assert await remaining() == 47  # back to the shared count
        await app.state.context.rate_limiter.close()
