"""The change feed's promise, tested: a partner polling `/v1/events` while a bulk load of
10,000 changes runs and a second writer corrects old invoices ends with exactly the server's
state (no missed change, no phantom one), on both databases, against two server processes.

The partner syncs as docs/native-api.md says: the feed's position first (`after=now`), then the
list, then the feed from that position. Every event must be the next version of its invoice
(a missed event leaves a gap; an event of an uncommitted or ungranted change would show up as
an unknown or extra version), and the replica built from the events must equal the final list.
By default a share of the load runs (`share`); INVOICEPORT_TEST_FULL=1 loads all 10,000.
"""

from __future__ import annotations

import asyncio
import itertools
import random
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack

import httpx
import orjson
import pytest

from tests.conftest import ADMIN_TOKEN, share
from tests.live import live_server
from tests.native.support import KEY_HEADER, doc, new_partner

CHANGES = share(2_000, 10_000)
CHUNK = 1_000
OLD = 200
GRANTED = ("C1", "C2", "C3")
Key = tuple[str, str]


def _ndjson(docs: list[dict[str, object]]) -> bytes:
    return b"\n".join(orjson.dumps(d) for d in docs)


async def _listed(http: httpx.AsyncClient, auth: dict[str, str]) -> dict[Key, int]:
    state: dict[Key, int] = {}
    cursor: str | None = None
    while True:
        params = {"limit": "100", **({"cursor": cursor} if cursor else {})}
        page = (await http.get("/v1/invoices", params=params, headers=auth)).json()
        for item in page["items"]:
            state[(item["customer_number"], item["invoice_number"])] = item["version"]
        cursor = page["next_cursor"]
        if cursor is None:
            return state


@pytest.mark.timeout(share(300, 1200))  # the whole run is long
async def test_feed_poller_misses_nothing_and_sees_no_phantom(database_url: str) -> None:
    admin_headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    with ExitStack() as first, ExitStack() as second, ThreadPoolExecutor(2) as pool:
        # two server processes on the one database, started side by side
        started = [
            pool.submit(
                stack.enter_context, live_server(database_url, timeout=120, admin_token=ADMIN_TOKEN)
            )
            for stack in (first, second)
        ]
        one, two = (future.result() for future in started)
        servers = [
            httpx.AsyncClient(base_url=url, headers=admin_headers, timeout=60) for url in (one, two)
        ]
        try:
            await _run(servers)
        finally:
            for http in servers:
                await http.aclose()


async def _run(servers: list[httpx.AsyncClient]) -> None:
    first, second = servers
    partner = await new_partner(first, GRANTED)
    auth = {"Authorization": "", KEY_HEADER: partner.key}
    old = [doc(f"OLD-{i}", GRANTED[i % 3]) for i in range(OLD)]
    assert (await first.post("/admin/v1/invoices/bulk", content=_ndjson(old))).status_code == 200

    # the partner's first sync: the feed's position, then the list
    cursor = (await second.get("/v1/events", params={"after": "now"}, headers=auth)).json()
    position: str = cursor["next_cursor"]
    replica = await _listed(first, auth)
    assert len(replica) == OLD

    loaded = asyncio.Event()  # the bulk load is done: the second writer stops
    written = asyncio.Event()  # both writers are done: the poller's next empty page is the end
    corrections = 0
    granted_new = 0

    async def bulk_load() -> None:
        nonlocal granted_new
        for start in range(0, CHANGES, CHUNK):
            docs = []
            for i in range(start, min(start + CHUNK, CHANGES)):
                customer = ("C1", "C2", "C3", "C9")[i % 4]  # C9 is not granted
                granted_new += customer != "C9"
                docs.append(doc(f"NEW-{i}", customer))
            answer = await first.post("/admin/v1/invoices/bulk", content=_ndjson(docs))
            assert answer.status_code == 200 and answer.json()["created"] == len(docs)
        loaded.set()

    async def correct_old() -> None:
        nonlocal corrections
        rng = random.Random(15)
        for n in itertools.count():
            if loaded.is_set():
                return
            i = rng.randrange(OLD)
            fixed = doc(f"OLD-{i}", GRANTED[i % 3], po_number=f"PO-FIX-{n}")
            answer = await second.post("/admin/v1/invoices", json=fixed)
            assert answer.status_code == 200, answer.text
            corrections += answer.json()["result"] == "updated"
            if n % 5 == 0:  # an identical re-send: no change, so no event
                same = await second.post("/admin/v1/invoices", json=fixed)
                assert same.json()["result"] == "unchanged"

    events = 0

    async def poll() -> None:
        nonlocal position, events
        for turn in itertools.count():
            done = written.is_set()
            server = servers[turn % 2]  # both processes answer the feed
            page = (
                await server.get(
                    "/v1/events", params={"after": position, "limit": "1000"}, headers=auth
                )
            ).json()
            for event in page["items"]:
                key = (event["customer_number"], event["invoice_number"])
                assert key[0] in GRANTED, f"phantom: an ungranted account's event {event}"
                expected = replica.get(key, 0) + 1
                assert event["version"] == expected, f"gap or phantom at {key}: {event}"
                kind = "created" if expected == 1 else "updated"
                assert event["type"] == f"invoice.{kind}"
                replica[key] = event["version"]
                events += 1
            position = page["next_cursor"]
            if done and not page["items"]:
                return  # every writer had finished before this empty page was read
            if not page["items"]:
                await asyncio.sleep(0.05)

    async def write() -> None:
        # The second writer may still have a correction in flight when the load ends.
        await asyncio.gather(bulk_load(), correct_old())
        written.set()

    await asyncio.gather(write(), poll())
    assert corrections > 0, "the second writer never ran during the load"
    assert events == granted_new + corrections
    assert replica == await _listed(second, auth)
