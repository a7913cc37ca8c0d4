"""ABC Supply's v2 notification webhooks as deployed clients use them (real-clients.md), against a
live server on both databases: subscribe, list, change, delete, at most 5 per application, and
deliveries through the outbox and the real worker to a receiver on loopback that authenticates
each call by the subscription's secret in `Authorization`."""

from __future__ import annotations

import asyncio
import json
from decimal import Decimal
from typing import Any

import httpx
from standardwebhooks import Webhook

from invoiceport.platform.db import create_engine
from invoiceport.settings import Settings
from invoiceport.webhooks.worker import Worker
from tests.conftest import ADMIN_TOKEN
from tests.factories import invoice_doc
from tests.live_apis.conftest import ABC_ACCOUNT, World, new_client
from tests.webhooks.receiver import Answer, receiver

HOOKS = "/api/notification/v2/webhooks"
EVENTS = ["ORDER_UPDATE", "ORDER_INVOICED"]


def _auth(world: World, client_id: str, secret: str) -> dict[str, str]:
    url = f"{world.base}/oauth2/default/v1/token"
    form = {"grant_type": "client_credentials", "scope": "invoice.webhooks.manage"}
    answer = httpx.post(url, data=form, auth=httpx.BasicAuth(client_id, secret))
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def _deliver(world: World) -> None:
    settings = Settings(  # type: ignore[call-arg]
        database_url=world.url,
        webhook_allow_private=True,
        webhook_retry_schedule=[0, 0.05, 0.05],
        _env_file=None,
    )

    async def run() -> None:
        engine = create_engine(settings)
        try:
            await Worker(engine, settings, name="live-apis").run_until_idle()
        finally:
            await engine.dispose()

    asyncio.run(run())


def test_subscriptions_are_managed_as_abc_clients_do_and_limited_to_five(world: World) -> None:
    headers = _auth(world, *new_client(world, world.a, ["invoice.webhooks.manage"]))
    url = "http://127.0.0.1:9/hook"
    made = []
    for n in range(5):
        answer = httpx.post(
            world.base + HOOKS,
            json={"type": "ORDER", "events": EVENTS, "url": f"{url}{n}"},
            headers=headers,
        )
        assert answer.status_code == 201, answer.text
        assert answer.headers["cache-control"] == "no-store"
        body = answer.json()
        assert body["secret"].startswith("whsec_") and body["events"] == EVENTS
        made.append(body["webhookId"])
    sixth = httpx.post(
        world.base + HOOKS, json={"type": "ORDER", "events": EVENTS, "url": url}, headers=headers
    )
    assert sixth.status_code == 409
    assert sixth.json()["message"] == (
        "an application may have at most 5 notification webhooks: delete one first"
    )
    listed = httpx.get(world.base + HOOKS, headers=headers).json()
    assert sorted(each["webhookId"] for each in listed) == sorted(made)
    assert all("secret" not in each for each in listed)
    one = httpx.get(f"{world.base}{HOOKS}/{made[0]}", headers=headers)
    assert one.status_code == 200 and "secret" not in one.json()
    changed = httpx.patch(
        f"{world.base}{HOOKS}/{made[0]}", json={"events": ["ORDER_INVOICED"]}, headers=headers
    )
    assert changed.status_code == 200 and changed.json()["events"] == ["ORDER_INVOICED"]
    bad = httpx.patch(f"{world.base}{HOOKS}/{made[0]}", json={"events": ["NOPE"]}, headers=headers)
    assert bad.status_code == 400 and "events" in bad.json()["message"]
    bad = httpx.post(world.base + HOOKS, json={"type": "ORDER", "url": url}, headers=headers)
    assert bad.status_code == 400
    for webhook_id in made:
        assert httpx.delete(f"{world.base}{HOOKS}/{webhook_id}", headers=headers).status_code == 204
    gone = httpx.get(f"{world.base}{HOOKS}/{made[0]}", headers=headers)
    assert gone.status_code == 404 and gone.json()["status"] == 404
    read_only = _auth_read_only(world)
    refused = httpx.get(world.base + HOOKS, headers=read_only)
    assert refused.status_code == 403
    assert refused.json()["message"] == "the access token lacks the scope invoice.webhooks.manage"
    # Another partner never sees them.
    other = _auth(world, world.b.client_id, world.b.client_secret)
    assert httpx.get(world.base + HOOKS, headers=other).json() == []


def _auth_read_only(world: World) -> dict[str, str]:
    client_id, secret = new_client(world, world.a, ["invoice.read"])
    url = f"{world.base}/oauth2/default/v1/token?grant_type=client_credentials"
    answer = httpx.post(url, auth=httpx.BasicAuth(client_id, secret))
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def test_deliveries_carry_the_secret_and_the_order_event(world: World) -> None:
    headers = _auth(world, *new_client(world, world.a, ["invoice.webhooks.manage"]))
    known: dict[str, str] = {}

    def authenticate(_index: int, got: dict[str, str], _body: bytes) -> Answer:
        presented = got.get("authorization", "").removeprefix("Bearer ")
        return (200, {}) if presented and presented == known.get("secret") else (401, {})

    with receiver(authenticate) as rec:
        answer = httpx.post(
            world.base + HOOKS,
            json={"type": "ORDER", "events": EVENTS, "url": rec.url},
            headers=headers,
        )
        assert answer.status_code == 201, answer.text
        known["secret"] = answer.json()["secret"]
        number = "2010452700-001"
        doc = invoice_doc(
            number,
            ABC_ACCOUNT,
            sales_order_number="2010452700",
            po_number="PO-ABC-9",
            subtotal="4530.00",
            tax="362.40",
            freight="12.50",
            total="4904.90",
        )
        with httpx.Client(base_url=world.base, headers=_admin()) as admin:
            assert admin.post("/admin/v1/invoices", json=doc).status_code in (200, 201)
            doc["po_number"] = "PO-ABC-10"
            assert admin.post("/admin/v1/invoices", json=doc).status_code in (200, 201)
        _deliver(world)
        got = [r for r in rec.snapshot() if json.loads(r.body)["invoiceNumber"] == number]
    # Deliveries of one endpoint may arrive in either order (the worker sends them concurrently,
    # as ABC's receivers allow): take them in the order of the changes they report.
    got.sort(key=lambda r: json.loads(r.body)["eventType"] != "ORDER_INVOICED")
    assert [r.status for r in got] == [200, 200]
    assert all(r.headers["authorization"] == known["secret"] for r in got)
    bodies: list[dict[str, Any]] = [
        Webhook(known["secret"]).verify(r.body, r.headers)
        for r in got  # Standard Webhooks too
    ]
    assert [b["eventType"] for b in bodies] == ["ORDER_INVOICED", "ORDER_UPDATE"]
    first = json.loads(got[0].body, parse_float=Decimal)
    assert first["type"] == "ORDER"
    assert first["orderNumber"] == "2010452700"
    assert first["purchaseOrderNumber"] == "PO-ABC-9"
    assert first["invoiceDate"] == "2026-10-01T00:00:00.000Z"
    assert first["isCreditMemo"] is False
    assert first["data"]["total"] == Decimal("4904.90") and b'"total":4904.90' in got[0].body
    assert bodies[1]["purchaseOrderNumber"] == "PO-ABC-10"


def _admin() -> dict[str, str]:
    return {"Authorization": f"Bearer {ADMIN_TOKEN}"}
