"""Idempotency-Key on the admin API's writes (IETF draft): replay, 422, 409, expiry, and the
key shared by two apps (two server processes' worth of state: only the database is shared)."""

from __future__ import annotations

import asyncio

import httpx
import orjson

from invoiceport.app import close, create_app
from invoiceport.settings import Settings
from tests.conftest import ADMIN_TOKEN
from tests.native.support import doc

ONE = "/admin/v1/invoices"
BULK = "/admin/v1/invoices/bulk"


async def test_replay_and_mismatch(client: httpx.AsyncClient) -> None:
    key = {"Idempotency-Key": '"8e03978e-40d5-43e8-bc93-6894a57f9324"'}
    first = await client.post(ONE, json=doc("INV-1"), headers=key)
    assert first.status_code == 200 and first.json() == {"result": "created", "version": 1}
    again = await client.post(ONE, json=doc("INV-1"), headers=key)
    assert again.status_code == 200 and again.content == first.content
    assert again.headers["idempotent-replayed"] == "true"
    # without the key the same document is just unchanged
    plain = await client.post(ONE, json=doc("INV-1"))
    assert plain.json() == {"result": "unchanged", "version": 1}
    other = await client.post(ONE, json=doc("INV-1", po_number="PO-9"), headers=key)
    assert other.status_code == 422 and "different request" in other.json()["error"]
    stored = await client.get("/admin/v1/invoices/production/C100/INV-1")
    assert stored.json()["po_number"] == "PO-55"  # the different body was not applied
    # a refusal is an answer too: replayed
    bad = {"Idempotency-Key": "k-bad"}
    rejected = await client.post(ONE, json={"invoice_number": "X"}, headers=bad)
    assert rejected.status_code == 422
    replayed = await client.post(ONE, json={"invoice_number": "X"}, headers=bad)
    assert (
        replayed.content == rejected.content and replayed.headers["idempotent-replayed"] == "true"
    )
    for wrong in ("", "a" * 256, '"unterminated', "caf\u00e9".encode("latin-1")):
        answer = await client.post(ONE, json=doc("INV-2"), headers={"Idempotency-Key": wrong})
        assert answer.status_code == 400 and "Idempotency-Key" in answer.json()["error"]


async def test_bulk_across_two_apps(settings: Settings) -> None:
    """Two apps (as two server processes) share the keys through the database; a request
    while the first runs is 409."""
    body = b"\n".join(orjson.dumps(doc(f"B-{i}")) for i in range(300))
    apps = [create_app(settings), create_app(settings)]
    clients = [
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://invoiceport.test",
            headers={"Authorization": f"Bearer {ADMIN_TOKEN}", "Idempotency-Key": "bulk-1"},
        )
        for app in apps
    ]
    try:
        first, second = await asyncio.gather(
            clients[0].post(BULK, content=body), clients[1].post(BULK, content=body)
        )
        statuses = sorted([first.status_code, second.status_code])
        done = first if first.status_code == 200 else second
        assert done.json()["created"] == 300
        if statuses == [200, 409]:  # they overlapped: the second was told to wait
            busy = second if done is first else first
            assert busy.headers["retry-after"] == "1"
        else:  # one finished before the other began: replayed
            assert statuses == [200, 200] and first.content == second.content
        replay = await clients[1].post(BULK, content=body)
        assert replay.status_code == 200 and replay.content == done.content
        assert replay.headers["idempotent-replayed"] == "true"
        changed = await clients[0].post(BULK, content=body + b"\n")
        assert changed.status_code == 422
    finally:
        for http, app in zip(clients, apps, strict=True):
            await http.aclose()
            await close(app)


async def test_expired_key_runs_again(database_url: str) -> None:
    settings = Settings(  # type: ignore[call-arg]
        database_url=database_url,
        admin_token=ADMIN_TOKEN,
        idempotency_key_hours=1e-6,
        _env_file=None,
    )
    app = create_app(settings)
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}", "Idempotency-Key": "short"}
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t", headers=headers
    ) as http:
        assert (await http.post(ONE, json=doc("E-1"))).json()["result"] == "created"
        await asyncio.sleep(0.01)
        again = await http.post(ONE, json=doc("E-1", po_number="PO-2"))
        assert again.status_code == 200 and again.json()["result"] == "updated"
        assert "idempotent-replayed" not in again.headers
    await close(app)
