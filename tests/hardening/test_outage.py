"""PostgreSQL and Redis going away while requests flow, against a real `invoiceport serve` process.

The shared PostgreSQL and Redis servers are never stopped (other tests use them at the same
time): the server under test reaches them through a `tests.relay.Relay`, and the test cuts that
relay, refusing or blackholing new connections (see docs/hardening.md). During the outage every
dialect answers 503 with Retry-After in its own error shape within the configured timeout,
/readyz says not ready, and after the relay is restored the service recovers by itself; every
invoice whose ingest was acknowledged is in the database afterwards.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import asyncpg
import httpx
import pytest
import redis

from invoiceport.ops.demo_setup import load_demo
from tests.conftest import ADMIN_TOKEN, POSTGRES
from tests.factories import invoice_doc
from tests.hardening.support import GRANTED, NO_LIMITS
from tests.live import live_server
from tests.oauth.support import app_client, make_settings
from tests.ratelimit.conftest import closed_port_url
from tests.relay import Mode, Relay

pytestmark = pytest.mark.slow

DB_TIMEOUT = 1.0
# The answer may take the timeout once for a connection attempt and once for the pool's ping;
# the bound is what "no hanging request" means here.
ANSWER_WITHIN = 2 * DB_TIMEOUT + 1.5
RECOVERY_WITHIN = 5.0
INGRAM_INVOICE = "20-12345-11"
INGRAM_CUSTOMER = "20-123456"


@dataclass(frozen=True)
class Probe:
    """One request of one API, and how its error shape says 503."""

    name: str
    method: str
    path: str
    headers: dict[str, str]
    form: dict[str, str] | None
    says_503: Callable[[Any], bool]


def probes(
    api_key: str, client_id: str, secret: str, token: str, scansource_invoice: str
) -> list[Probe]:
    bearer = {"Authorization": f"Bearer {token}"}
    form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    return [
        Probe(
            "scansource",
            "GET",
            f"/api/invoice/summary/{GRANTED}",
            {"Ocp-Apim-Subscription-Key": api_key},
            None,
            lambda j: j["statusCode"] == 503,
        ),
        Probe(  # answered by the fast path (invoiceport.fastpath) on PostgreSQL
            "scansource detail",
            "GET",
            f"/api/invoice/detail/{GRANTED}/{scansource_invoice}",
            {"Ocp-Apim-Subscription-Key": api_key},
            None,
            lambda j: j["statusCode"] == 503,
        ),
        Probe(
            "ingram",
            "GET",
            f"/resellers/v5/invoices/{INGRAM_INVOICE}?customerNumber={INGRAM_CUSTOMER}"
            "&isoCountryCode=UK",
            bearer,
            None,
            lambda j: j["serviceresponse"]["responsepreamble"]["statuscode"] == "503",
        ),
        Probe(
            "abcsupply",
            "GET",
            f"/api/invoice/v1/invoices/history/{GRANTED}",
            bearer,
            None,
            lambda j: j["status"] == 503 and j["error"] == "Service Unavailable",
        ),
        Probe(
            "abcsupply webhooks",
            "GET",
            "/api/invoice/v1/webhooks",
            bearer,
            None,
            lambda j: j["status"] == 503,
        ),
        Probe("oauth", "POST", "/oauth/oauth30/token", {}, form, lambda j: "error" in j),
        Probe(
            "admin",
            "GET",
            "/admin/v1/partners",
            {"Authorization": f"Bearer {ADMIN_TOKEN}"},
            None,
            lambda j: isinstance(j["error"], str),
        ),
    ]


async def send(http: httpx.AsyncClient, probe: Probe) -> httpx.Response:
    return await http.request(probe.method, probe.path, headers=probe.headers, data=probe.form)


@pytest.fixture
def relay() -> Iterator[Relay]:
    port = int(POSTGRES.rsplit(":", 1)[1].split("/")[0])
    relay = Relay(port).start()
    yield relay
    relay.close()


class Ingest:
    """Invoices posted one after another through the admin API while the outage comes and goes."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http
        self.acknowledged: list[str] = []
        self.refused: dict[str, int] = {}
        self.running = True

    async def run(self) -> None:
        n = 0
        while self.running:
            n += 1
            number = f"OUTAGE-{n:05d}"
            try:
                response = await self.http.post(
                    "/admin/v1/invoices",
                    json=invoice_doc(number, GRANTED),
                    headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
                )
            except httpx.TransportError as exc:
                self.refused[type(exc).__name__] = self.refused.get(type(exc).__name__, 0) + 1
                continue
            if response.is_success:
                self.acknowledged.append(number)
            else:
                key = str(response.status_code)
                self.refused[key] = self.refused.get(key, 0) + 1
            await asyncio.sleep(0.02)


async def a_production_invoice(database_url: str, customer: str) -> str:
    conn = await asyncpg.connect(database_url, timeout=5)
    try:
        number: str = await conn.fetchval(
            "SELECT invoice_number FROM invoices WHERE environment = 'production'"
            " AND customer_number = $1 ORDER BY invoice_number LIMIT 1",
            customer,
        )
    finally:
        await conn.close()
    return number


async def stored_numbers(database_url: str) -> set[str]:
    conn = await asyncpg.connect(database_url, timeout=5)
    try:
        rows = await conn.fetch("SELECT invoice_number FROM invoices")
    finally:
        await conn.close()
    return {row["invoice_number"] for row in rows}


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
@pytest.mark.parametrize("mode", ["refuse", "blackhole", "hang"])
async def test_postgresql_outage(database_url: str, relay: Relay, mode: Mode) -> None:
    async with app_client(make_settings(database_url)) as (app, _http):
        demo = await load_demo(app.state.context.engine, 1, 24, reset=False)
    host = database_url.partition("@")[2].partition("/")[0]
    relayed = database_url.replace(f"@{host}/", f"@127.0.0.1:{relay.port}/")
    settings = {
        "admin_token": ADMIN_TOKEN,
        "db_timeout_seconds": str(DB_TIMEOUT),
        "rate_limits": str(NO_LIMITS).replace("'", '"'),
    }
    with live_server(relayed, **settings) as base:
        async with httpx.AsyncClient(base_url=base, timeout=30) as http:
            form = {
                "grant_type": "client_credentials",
                "client_id": demo.client_id,
                "client_secret": demo.client_secret,
            }
            token = (await http.post("/oauth/oauth30/token", data=form)).json()["access_token"]
            invoice = await a_production_invoice(database_url, GRANTED)
            checks = probes(demo.api_key, demo.client_id, demo.client_secret, token, invoice)
            for probe in checks:
                response = await send(http, probe)
                assert response.status_code == 200, (probe.name, response.text)
            ingest = Ingest(http)
            task = asyncio.create_task(ingest.run())
            await asyncio.sleep(0.5)

            relay.cut(mode)
            for _ in range(2):  # the first answers meet the dropped connections, then new ones
                for probe in checks:
                    started = time.monotonic()
                    response = await send(http, probe)
                    took = time.monotonic() - started
                    assert response.status_code == 503, (probe.name, response.text)
                    assert int(response.headers["retry-after"]) >= 1, probe.name
                    assert probe.says_503(response.json()), (probe.name, response.text)
                    assert took < ANSWER_WITHIN, (probe.name, took)
            ready = await http.get("/readyz")
            assert ready.status_code == 503 and ready.json()["status"] == "unavailable"

            relay.restore()
            restored = time.monotonic()
            pending = list(checks)
            while pending:
                assert time.monotonic() - restored < RECOVERY_WITHIN, [p.name for p in pending]
                pending = [p for p in pending if (await send(http, p)).status_code != 200]
                await asyncio.sleep(0.05)
            recovered = time.monotonic() - restored
            assert (await http.get("/readyz")).status_code == 200
            await asyncio.sleep(0.5)
            ingest.running = False
            await task
    stored = await stored_numbers(database_url)
    lost = [n for n in ingest.acknowledged if n not in stored]
    assert not lost, lost
    assert ingest.acknowledged and ingest.refused, (ingest.acknowledged, ingest.refused)
    assert set(ingest.refused) == {"503"}, ingest.refused  # refused cleanly, never a 500
    print(
        f"\nPostgreSQL outage ({mode}): recovered in {recovered:.2f} s; ingest acknowledged "
        f"{len(ingest.acknowledged)}, refused {ingest.refused}, lost {len(lost)}"
    )


def redis_count(redis_url: str, prefix: str) -> int:
    """Requests counted in Redis under this test's key prefix."""
    client = redis.Redis.from_url(redis_url)
    try:
        return sum(int(client.get(key) or 0) for key in client.scan_iter(match=f"{prefix}:*"))
    finally:
        client.close()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_fail_closed_holds_for_every_request_of_the_outage(database_url: str) -> None:
    """Fail-closed refused only the request that found Redis gone; the next ones, inside the
    retry pause, were counted in memory and served (a fail-open in disguise)."""
    settings = make_settings(
        database_url,
        redis_url=closed_port_url(),
        rate_limit_redis_failure="closed",
        rate_limits={"scansource": "1000/minute"},
    )
    async with app_client(settings) as (app, http):
        demo = await load_demo(app.state.context.engine, 1, 24, reset=False)
        probe = probes(demo.api_key, "", "", "", "")[0]
        answers = [await send(http, probe) for _ in range(3)]
        assert [a.status_code for a in answers] == [503] * 3
        assert all(int(a.headers["retry-after"]) >= 1 for a in answers)
        await app.state.context.rate_limiter.close()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("failure", ["open", "closed"])
@pytest.mark.parametrize("mode", ["blackhole", "hang"])
async def test_redis_outage_on_a_live_server(
    database_url: str, redis_url: str, key_prefix: str, failure: str, mode: Mode
) -> None:
    """Redis silently unreachable (tests/ratelimit covers "refused" in-process): requests never
    hang on it; they are served (fail open) or refused with 503 + Retry-After in the dialect's
    shape (fail closed), and limiting resumes in Redis by itself once it is back."""
    async with app_client(make_settings(database_url)) as (app, _http):
        demo = await load_demo(app.state.context.engine, 1, 24, reset=False)
    relay = Relay(int(redis_url.rsplit(":", 1)[1].split("/")[0])).start()
    settings = {
        "redis_url": relay.url("redis://127.0.0.1:{port}/0"),
        "rate_limit_key_prefix": key_prefix,
        "rate_limits": '{"scansource": "1000/minute"}',
        "rate_limit_redis_failure": failure,
    }
    probe = probes(demo.api_key, "", "", "", "")[0]  # ScanSource: API key, no token needed
    try:
        with live_server(database_url, **settings) as base:
            async with httpx.AsyncClient(base_url=base, timeout=30) as http:
                assert (await send(http, probe)).status_code == 200
                relay.cut(mode)
                for _ in range(3):
                    started = time.monotonic()
                    response = await send(http, probe)
                    took = time.monotonic() - started
                    assert took < 2.0, took  # Redis' own timeouts are 0.5 s
                    if failure == "open":
                        assert response.status_code == 200, response.text
                    else:
                        assert response.status_code == 503, response.text
                        assert int(response.headers["retry-after"]) >= 1
                        assert probe.says_503(response.json()), response.text
                counted = redis_count(redis_url, key_prefix)
                relay.restore()
                restored = time.monotonic()
                while redis_count(redis_url, key_prefix) == counted:  # counted in Redis again
                    assert time.monotonic() - restored < RECOVERY_WITHIN
                    assert (await send(http, probe)).status_code in (200, 503)
                    await asyncio.sleep(0.1)
                recovered = time.monotonic() - restored
                assert (await send(http, probe)).status_code == 200
    finally:
        relay.close()
    print(f"\nRedis outage ({mode}, fail {failure}): shared counting again after {recovered:.2f} s")


async def test_the_log_names_what_failed_underneath(caplog: pytest.LogCaptureFixture) -> None:
    """An operator reading "database unavailable" needs the cause (refused, timed out, full),
    not the name of the wrapper every cause arrives in."""
    from tests.live import free_port

    url = f"postgresql://postgres@127.0.0.1:{free_port()}/nothing"  # nothing listens there
    async with app_client(make_settings(url, db_timeout_seconds=1.0)) as (_app, http):
        probe = probes("0" * 32, "", "", "", "")[0]
        with caplog.at_level("WARNING", logger="invoiceport"):
            response = await send(http, probe)
    assert response.status_code == 503, response.text
    causes = [
        r.getMessage().removeprefix("database unavailable: ")
        for r in caplog.records
        if r.getMessage().startswith("database unavailable: ")
    ]
    assert causes and all(c and c != "DatabaseUnavailable" for c in causes), causes
