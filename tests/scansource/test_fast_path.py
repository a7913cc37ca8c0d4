"""The detail route's fast path (`invoiceport.fastpath`) gives exactly the route's answers.

Two apps share one PostgreSQL database: one with fast paths (the default), one without. Every
request is sent to both; the status, the body and every header must be the same, and the
`invoiceport_fast_path_answers` counter says which requests the fast path answered itself.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from tests.factories import invoice_doc
from tests.relay import Mode, Relay
from tests.scansource.conftest import A_CUSTOMER, B_CUSTOMER, KEY_HEADER, World, ingest, make_world

from invoiceport.app import close, create_app
from invoiceport.models import wipe
from invoiceport.partners import service as partners
from invoiceport.partners.schemas import PartnerCreate
from invoiceport.settings import Settings

pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)

DETAIL_TEMPLATE = "/api/invoice/detail/{customerNumber}/{invoiceNumber}"
A_INVOICES = ["INV-1001", "INV-1002", "INV-1003", "INV-0999", "OPEN-1", "CM-1", "BIG-1"]
Answer = tuple[int, bytes, tuple[tuple[str, str], ...]]


def answer(response: httpx.Response) -> Answer:
    """Status, body and the headers as sent: names as written, in their order."""
    headers = tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in response.headers.raw)
    return response.status_code, response.content, headers


@dataclass
class Pair:
    world: World  # its app has fast paths
    slow: httpx.AsyncClient  # the same database, fast paths off

    async def both(self, path: str, headers: dict[str, str] | None = None) -> Answer:
        """The one answer both apps give (asserted equal)."""
        headers = self.world.a() if headers is None else headers
        fast = answer(await self.world.http.get(path, headers=headers))
        slow = answer(await self.slow.get(path, headers=headers))
        assert fast == slow, path
        return fast

    async def fast_answers(self, status: int = 200) -> int:
        return await fast_answers(self.world.http, status)


async def fast_answers(http: httpx.AsyncClient, status: int) -> int:
    """How many requests of this status the detail route's fast path answered."""
    text = (await http.get("/metrics")).text
    labels = f'{{route="{DETAIL_TEMPLATE}",status="{status}"}}'
    found = re.search(
        rf"^invoiceport_fast_path_answers_total{re.escape(labels)} ([0-9.]+)$", text, re.M
    )
    return int(float(found.group(1))) if found else 0


@pytest.fixture
async def pair(database_url: str) -> AsyncIterator[Pair]:
    settings = Settings(database_url=database_url)
    async with make_world(settings) as world:
        slow_app = create_app(settings.model_copy(update={"fast_path": False}))
        transport = httpx.ASGITransport(app=slow_app)
        try:
            async with httpx.AsyncClient(
                transport=transport, base_url="http://invoiceport.test"
            ) as slow:
                yield Pair(world, slow)
        finally:
            await close(slow_app)


async def test_every_json_detail_is_the_routes_answer(pair: Pair) -> None:
    sent = 0
    for number in A_INVOICES:
        for query in ("", "?excludeSerialTracking=true", "?excludeSerialTracking=false"):
            for accept in (None, "application/json", "text/json", "*/*", "text/xml;q=0.1, */*"):
                headers = pair.world.a() | ({"Accept": accept} if accept else {})
                status, body, _ = await pair.both(
                    f"/api/invoice/detail/{A_CUSTOMER}/{number}{query}", headers
                )
                assert status == 200 and body.startswith(b'{"invoiceNumber":'), number
                sent += 1
    assert await pair.fast_answers() == sent


async def test_everything_else_falls_through_to_the_route(pair: Pair) -> None:
    a = pair.world.a()
    detail = f"/api/invoice/detail/{A_CUSTOMER}/INV-1001"
    cases: list[tuple[str, dict[str, str], int]] = [
        (detail, {}, 401),  # no key
        (detail, {KEY_HEADER: "0" * 32}, 401),  # not a key
        (detail, {KEY_HEADER: "  a key with spaces  "}, 401),
        (f"/api/invoice/detail/{B_CUSTOMER}/INV-1001", a, 403),  # B's customer
        ("/api/invoice/detail/NOPE/INV-1001", a, 403),
        (f"/api/invoice/detail/{A_CUSTOMER}/INV-B1", a, 404),  # B's invoice number
        (f"/api/invoice/detail/{A_CUSTOMER}/INV-S1", a, 404),  # sandbox: not served here
        (f"/api/invoice/detail/{A_CUSTOMER}/NO-SUCH", a, 404),
        (f"/api/invoice/detail/{A_CUSTOMER}/%01", a, 404),
        (f"/api/invoice/detail/{A_CUSTOMER}/" + "9" * 65, a, 404),
        (f"/api/invoice/detail/{A_CUSTOMER}/INV-1001/", a, 404),  # no slash redirect
        (f"/api/invoice/detail/{A_CUSTOMER}", a, 404),
        (detail + "?excludeSerialTracking=maybe", a, 400),
        (detail, a | {"Accept": "image/png"}, 406),
        (detail, a | {"Accept": "application/xml"}, 200),  # XML: the route renders it
        (detail, a | {"Accept": "text/xml"}, 200),
    ]
    for path, headers, status in cases:
        got = await pair.both(path, headers)
        assert got[0] == status, (path, headers, got[:2])
    assert await pair.fast_answers() == 0


async def test_a_revoked_key_fails_on_the_next_request(pair: Pair) -> None:
    path = f"/api/invoice/detail/{A_CUSTOMER}/INV-1001"
    assert (await pair.both(path))[0] == 200
    world = pair.world
    await partners.revoke_api_key(world.engine, world.a_partner, world.a_key_id)
    assert (await pair.both(path))[0] == 401
    assert await pair.fast_answers() == 1


async def test_an_ungranted_customer_is_refused_at_once(pair: Pair) -> None:
    path = f"/api/invoice/detail/{A_CUSTOMER}/INV-1001"
    assert (await pair.both(path))[0] == 200
    await partners.ungrant(pair.world.engine, pair.world.a_partner, [A_CUSTOMER])
    assert (await pair.both(path))[0] == 403


async def test_a_new_version_is_served_at_once(pair: Pair) -> None:
    path = f"/api/invoice/detail/{A_CUSTOMER}/INV-1001"
    first = (await pair.world.get(path)).json()
    assert first["poNumber"] == "PO-55"
    await ingest(pair.world.engine, [invoice_doc(po_number="PO-CHANGED")])
    status, body, _ = await pair.both(path)
    assert status == 200
    assert b'"poNumber":"PO-CHANGED"' in body
    assert await pair.fast_answers() == 2


async def test_a_replaced_row_is_not_served_from_the_cache(pair: Pair) -> None:
    """A row deleted and written again starts at version 1 again (a demo reset, a restored
    database): the cached rendering of the old row's version 1 must not be served for it."""
    path = f"/api/invoice/detail/{A_CUSTOMER}/INV-1002"
    first = (await pair.world.get(path)).json()
    assert first["poNumber"] == "PO-56"
    await wipe(pair.world.engine)
    await ingest(pair.world.engine, [invoice_doc("INV-1002", po_number="PO-AGAIN")])
    world = pair.world
    partner = await partners.create_partner(
        world.engine, PartnerCreate(name="again", customer_numbers=[A_CUSTOMER])
    )
    key = (await partners.issue_api_key(world.engine, partner)).key
    status, body, _ = await pair.both(path, {KEY_HEADER: key})
    assert status == 200 and b'"poNumber":"PO-AGAIN"' in body
    assert await pair.fast_answers() == 2


async def test_metrics_count_fast_answers_under_the_route(pair: Pair) -> None:
    for _ in range(3):
        await pair.world.get(f"/api/invoice/detail/{A_CUSTOMER}/INV-1001")
    text = (await pair.world.http.get("/metrics")).text
    line = (
        'invoiceport_requests_total{method="GET",route="' + DETAIL_TEMPLATE + '",status="200"} 3.0'
    )
    assert line in text.splitlines()
    assert await pair.fast_answers() == 3


async def test_rate_limits_apply_on_the_fast_path(database_url: str) -> None:
    """The same three answers as the route's (each app counts on its own), headers in order."""
    settings = Settings(database_url=database_url, rate_limits={"scansource": "2/minute"})
    path = f"/api/invoice/detail/{A_CUSTOMER}/INV-1001"
    runs: list[list[Answer]] = []
    for fast in (True, False):
        async with make_world(settings.model_copy(update={"fast_path": fast})) as world:
            runs.append([answer(await world.get(path)) for _ in range(3)])
            assert await fast_answers(world.http, 429) == (1 if fast else 0)

    def comparable(a: Answer) -> Answer:  # the window's reset time differs between the runs
        return a[0], a[1], tuple((k, v) for k, v in a[2] if k.lower() != "x-ratelimit-reset")

    assert [comparable(a) for a in runs[0]] == [comparable(a) for a in runs[1]]
    statuses = [a[0] for a in runs[0]]
    assert statuses == [200, 200, 429]
    refused = dict(runs[0][2][2])
    assert int(refused["retry-after"]) >= 1
    assert json.loads(runs[0][2][1]) == {
        "statusCode": 429,
        "message": f"Rate limit is exceeded. Try again in {refused['retry-after']} seconds.",
    }


async def test_requests_queued_for_a_connection_are_answered_within_the_timeout(
    database_url: str,
) -> None:
    """During a hang, requests waiting for one of the pool's connections still get their 503
    within the database timeout, not one timeout per request queued ahead of them."""
    port = int(database_url.rsplit(":", 1)[1].split("/")[0])
    relay = Relay(port).start()
    try:
        relayed = re.sub(r"@[^/]+/", f"@127.0.0.1:{relay.port}/", database_url)
        settings = Settings(database_url=relayed, db_timeout_seconds=1.0, db_pool_size=1)
        async with make_world(settings) as world:
            path = f"/api/invoice/detail/{A_CUSTOMER}/INV-1001"
            assert (await world.get(path)).status_code == 200
            relay.cut("hang")

            async def timed() -> tuple[int, float]:
                started = time.monotonic()
                response = await world.get(path)
                return response.status_code, time.monotonic() - started

            answers = await asyncio.gather(*(timed() for _ in range(5)))
            relay.restore()
            assert [status for status, _ in answers] == [503] * 5
            assert max(took for _, took in answers) < 1.0 + 0.5, answers
    finally:
        relay.close()


async def test_the_database_going_away_is_a_503_in_the_apim_shape(database_url: str) -> None:
    port = int(database_url.rsplit(":", 1)[1].split("/")[0])
    relay = Relay(port).start()
    try:
        relayed = re.sub(r"@[^/]+/", f"@127.0.0.1:{relay.port}/", database_url)
        settings = Settings(database_url=relayed, db_timeout_seconds=1.0)
        async with make_world(settings) as world:
            path = f"/api/invoice/detail/{A_CUSTOMER}/INV-1001"
            assert (await world.get(path)).status_code == 200
            modes: tuple[Mode, ...] = ("refuse", "blackhole", "hang")
            for answered, mode in enumerate(modes, start=1):
                relay.cut(mode)
                started = time.monotonic()
                response = await world.get(path)
                took = time.monotonic() - started
                assert response.status_code == 503, (mode, response.text)
                assert response.json() == {
                    "statusCode": 503,
                    "message": "service unavailable, try again shortly",
                }
                assert response.headers["retry-after"] == "5"
                assert took < 2 * 1.0 + 0.5, (mode, took)
                relay.restore()
                assert await fast_answers(world.http, 503) == answered  # not the route's 503
                deadline = time.monotonic() + 5
                while (await world.get(path)).status_code != 200:
                    assert time.monotonic() < deadline, mode
    finally:
        relay.close()


async def test_url_parameters_mean_to_the_fast_path_what_they_mean_to_the_engine(
    database_url: str,
) -> None:
    """`?ssl=disable` is the engine's (SQLAlchemy's asyncpg dialect) to read; given to asyncpg
    as it is, it would be sent as a server setting and every fast-path connection would fail."""
    settings = Settings(database_url=f"{database_url}?ssl=disable")
    async with make_world(settings) as world:
        response = await world.get(f"/api/invoice/detail/{A_CUSTOMER}/INV-1001")
        assert response.status_code == 200
        assert await fast_answers(world.http, 200) == 1
