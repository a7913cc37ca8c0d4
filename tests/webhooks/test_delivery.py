"""The worker against a real receiver on loopback: signatures, scoping, retries, disabling."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import orjson
import pytest
from pydantic import SecretStr
from sqlalchemy import select
from standardwebhooks import Webhook

from invoiceport.partners import service as partners
from invoiceport.webhooks.tables import webhook_endpoints
from tests.abcsupply.support import Abc
from tests.factories import invoice_doc
from tests.oauth.support import bearer, new_client, token_for
from tests.webhooks.receiver import Answer, receiver
from tests.webhooks.support import HOOKS, hooks_app, run_until, run_while, subscribe, worker


@pytest.fixture
async def abc(database_url: str) -> AsyncIterator[Abc]:
    async with hooks_app(database_url, ["C100"]) as found:
        yield found


def statuses(*codes: int, then: int = 200, headers: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    """A responder answering `codes` in turn, then `then` for ever."""

    def respond(index: int, _headers: dict[str, str], _body: bytes) -> Answer:
        code = codes[index] if index < len(codes) else then
        return code, (headers or {}) if code != then else {}

    return respond


async def delivery_of(abc: Abc, hook: dict[str, object]) -> dict[str, object]:
    listed = await abc.http.get(f"{HOOKS}/{hook['id']}/deliveries", headers=abc.auth)
    (first,) = listed.json()["items"]
    found = await abc.http.get(f"{HOOKS}/{hook['id']}/deliveries/{first['id']}", headers=abc.auth)
    body: dict[str, object] = found.json()
    return body


async def test_deliveries_are_signed_and_carry_the_abc_item(abc: Abc) -> None:
    with receiver() as rec:
        hook = await subscribe(abc, rec.url)
        await abc.ingest(invoice_doc("INV-1", order_date="2025-11-12T00:00:00Z"))
        await worker(abc).run_until_idle()
        (got,) = rec.snapshot()
    payload = Webhook(hook["secret"]).verify(got.body, got.headers)
    assert payload["type"] == "invoice.created"
    assert payload["data"]["invoiceNumber"] == "INV-1"
    assert payload["data"]["orderDate"] == "2025-11-12T00:00:00.000Z"
    assert b'"total":4904.90' in got.body
    assert got.headers["content-type"] == "application/json"
    assert got.headers["webhook-id"].startswith("msg_")
    assert abs(int(got.headers["webhook-timestamp"]) - time.time()) < 30
    assert got.headers["user-agent"].startswith("invoiceport-webhooks/")
    delivery = await delivery_of(abc, hook)
    assert delivery["status"] == "succeeded"
    assert delivery["messageId"] == got.headers["webhook-id"]
    (attempt,) = delivery["attempts"]  # type: ignore[misc]
    assert attempt["outcome"] == "succeeded" and attempt["statusCode"] == 200


async def test_partners_receive_only_their_accounts_environment_and_event_types(
    abc: Abc,
) -> None:
    other = await new_client(abc.http, ["C200"], name="Other")
    other_auth = bearer(await token_for(abc.http, other))
    with receiver() as rec:
        await subscribe(abc, rec.url + "/mine", ["invoice.created"])
        await subscribe(abc, rec.url + "/sandbox", ["invoice.created"], environment="sandbox")
        response = await abc.http.post(
            HOOKS,
            json={"url": rec.url + "/theirs", "events": ["invoice.created", "creditmemo.created"]},
            headers=other_auth,
        )
        assert response.status_code == 201
        await abc.ingest(
            invoice_doc("MINE-1", "C100"),
            invoice_doc("BILLED-TO-ME", "C900", bill_to_account="C100"),
            invoice_doc("THEIRS-1", "C200"),
            invoice_doc("NOBODY-1", "C300"),
            invoice_doc("SANDBOX-1", "C100", environment="sandbox"),
            invoice_doc("MEMO-1", "C100", document_type="credit_memo"),  # not subscribed
            invoice_doc("MEMO-2", "C200", document_type="credit_memo"),
        )
        await abc.ingest(invoice_doc("MINE-1", "C100", po_number="changed"))  # not subscribed
        await worker(abc).run_until_idle()
        got = rec.snapshot()
    seen = sorted(
        (r.path.rsplit("/", 1)[1], orjson.loads(r.body)["data"]["invoiceNumber"]) for r in got
    )
    assert seen == [
        ("mine", "BILLED-TO-ME"),
        ("mine", "MINE-1"),
        ("sandbox", "SANDBOX-1"),
        ("theirs", "MEMO-2"),
        ("theirs", "THEIRS-1"),
    ]


async def test_failures_are_retried_on_the_schedule_with_every_attempt_recorded(
    abc: Abc,
) -> None:
    with receiver(statuses(500, 502)) as rec:
        hook = await subscribe(abc, rec.url)
        await abc.ingest(invoice_doc("RETRY-1"))
        await run_until(worker(abc), rec, lambda got: any(r.status == 200 for r in got))
        got = rec.snapshot()
    assert [r.status for r in got] == [500, 502, 200]
    assert len({r.webhook_id for r in got}) == 1  # the same webhook-id on every attempt
    # schedule (0, 0.05, 0.1, ...): each retry waits at least its delay
    assert got[1].started - got[0].finished >= 0.05 - 0.01
    assert got[2].started - got[1].finished >= 0.1 - 0.01
    delivery = await delivery_of(abc, hook)
    assert delivery["status"] == "succeeded" and delivery["attemptCount"] == 3
    attempts = delivery["attempts"]
    assert [(a["number"], a["outcome"], a["statusCode"]) for a in attempts] == [  # type: ignore[union-attr]
        (1, "failed", 500),
        (2, "failed", 502),
        (3, "succeeded", 200),
    ]
    assert attempts[0]["error"] == "HTTP 500"  # type: ignore[index]
    listed = await abc.http.get(
        f"{HOOKS}/{hook['id']}/deliveries/{delivery['id']}/attempts", headers=abc.auth
    )
    assert listed.json()["items"] == attempts


async def test_retry_after_is_honoured(abc: Abc) -> None:
    with receiver(statuses(503, headers={"Retry-After": "1"})) as rec:
        await subscribe(abc, rec.url)
        await abc.ingest(invoice_doc("LATER-1"))
        await run_until(worker(abc), rec, lambda got: any(r.status == 200 for r in got))
        first, second = rec.snapshot()
    assert first.status == 503
    assert second.started - first.finished >= 0.95  # not the schedule's 0.05 s


async def test_the_schedule_ends_in_failure(abc: Abc) -> None:
    with receiver(statuses(then=500)) as rec:
        hook = await subscribe(abc, rec.url)
        await abc.ingest(invoice_doc("NEVER-1"))
        await run_until(worker(abc), rec, lambda got: len(got) >= 4)
    delivery = await delivery_of(abc, hook)
    assert delivery["status"] == "failed"
    assert delivery["lastError"] == "HTTP 500; gave up after 4 attempts"
    assert len(rec.snapshot()) == 4


async def test_410_gone_disables_the_endpoint(abc: Abc) -> None:
    with receiver(statuses(410)) as rec:
        hook = await subscribe(abc, rec.url)
        await abc.ingest(invoice_doc("GONE-1"))
        await worker(abc).run_until_idle()
        await abc.ingest(invoice_doc("GONE-2"))  # no delivery while disabled
        await worker(abc).run_until_idle()
        assert [r.status for r in rec.snapshot()] == [410]
        shown = (await abc.http.get(f"{HOOKS}/{hook['id']}", headers=abc.auth)).json()
        assert shown["status"] == "disabled"
        assert "410 Gone" in shown["disabledReason"]
        enabled = await abc.http.post(f"{HOOKS}/{hook['id']}/enable", headers=abc.auth)
        assert enabled.json()["status"] == "enabled" and enabled.json()["disabledReason"] is None
        await abc.ingest(invoice_doc("GONE-3"))
        await worker(abc).run_until_idle()
        assert orjson.loads(rec.snapshot()[-1].body)["data"]["invoiceNumber"] == "GONE-3"


async def test_an_endpoint_failing_for_too_long_is_disabled_and_says_why(
    database_url: str,
) -> None:
    fast = {"webhook_disable_after_seconds": 0.3, "webhook_retry_schedule": (0,) + (0.1,) * 20}
    async with hooks_app(database_url, ["C100"], **fast) as abc:
        with receiver(statuses(then=503)) as rec:
            hook = await subscribe(abc, rec.url)
            await abc.ingest(invoice_doc("DOWN-1"))
            path = f"{HOOKS}/{hook['id']}"

            async def disabled() -> bool:
                shown = await abc.http.get(path, headers=abc.auth)
                return bool(shown.json()["status"] == "disabled")

            await run_while(worker(abc), disabled)
            sent = len(rec.snapshot())
            await worker(abc).run_until_idle()  # nothing is due for a disabled endpoint
            shown = (await abc.http.get(path, headers=abc.auth)).json()
    assert shown["status"] == "disabled"
    assert "failed for 0.3 seconds" in shown["disabledReason"]
    assert "HTTP 503" in shown["disabledReason"]
    assert shown["failingSince"] is not None
    assert len(rec.snapshot()) == sent >= 3  # failures for 0.3 s at 0.1 s apart, then nothing


async def test_a_delivery_can_be_replayed(abc: Abc) -> None:
    with receiver() as rec:
        hook = await subscribe(abc, rec.url)
        await abc.ingest(invoice_doc("AGAIN-1"))
        await worker(abc).run_until_idle()
        delivery = await delivery_of(abc, hook)
        replay = await abc.http.post(
            f"{HOOKS}/{hook['id']}/deliveries/{delivery['id']}/replay", headers=abc.auth
        )
        assert replay.status_code == 202
        assert replay.json()["status"] == "pending"
        await worker(abc).run_until_idle()
        first, second = rec.snapshot()
    assert first.webhook_id == second.webhook_id and first.body == second.body
    assert (await delivery_of(abc, hook))["attemptCount"] == 2


async def test_private_addresses_are_refused_at_delivery_time(abc: Abc) -> None:
    """The subscription was accepted (allowed then); the worker checks again when it sends."""
    with receiver() as rec:
        hook = await subscribe(abc, rec.url)
        await abc.ingest(invoice_doc("SSRF-1"))
        await worker(abc, webhook_allow_private=False).run_until_idle()
        assert rec.snapshot() == []
    delivery = await delivery_of(abc, hook)
    (attempt, *_) = delivery["attempts"]  # type: ignore[misc]
    assert "refused: 127.0.0.1 resolves to 127.0.0.1, a loopback address" in attempt["error"]


async def test_an_ipv6_form_of_loopback_is_refused_at_delivery_time(abc: Abc) -> None:
    """A NAT64 address of 127.0.0.1, stored while private targets were allowed, is refused when
    the worker connects (the check runs on every attempt, not only at subscription time)."""
    hook = await subscribe(abc, "http://[64:ff9b::7f00:1]:9/hooks")
    await abc.ingest(invoice_doc("SSRF-2"))
    await worker(abc, webhook_allow_private=False).run_until_idle()
    (attempt, *_) = (await delivery_of(abc, hook))["attempts"]  # type: ignore[misc]
    assert "a loopback address (127.0.0.1) in IPv6 form" in attempt["error"], attempt


async def test_a_partner_sees_the_status_line_never_the_receivers_body(abc: Abc) -> None:
    with receiver(statuses(503)) as rec:
        hook = await subscribe(abc, rec.url)
        await abc.ingest(invoice_doc("BODY-1"))
        await worker(abc).run_until_idle()
        await run_until(worker(abc), rec, lambda got: len(got) >= 2)
    listed = await abc.http.get(
        f"{HOOKS}/{hook['id']}/deliveries/{(await delivery_of(abc, hook))['id']}/attempts",
        headers=abc.auth,
    )
    excerpts = [a["responseExcerpt"] for a in listed.json()["items"]]
    assert excerpts[:2] == ["503 Service Unavailable", "200 OK"], excerpts  # the receiver's
    assert not any("try later" in (e or "") or "ok" in (e or "") for e in excerpts)  # bodies


async def test_migration_0006_removes_the_bodies_kept_by_earlier_releases(abc: Abc) -> None:
    from alembic import command
    from sqlalchemy import update
    from sqlalchemy.engine import Connection

    from invoiceport.ops.migrate import alembic_config, upgrade
    from invoiceport.webhooks.tables import webhook_attempts

    with receiver() as rec:
        hook = await subscribe(abc, rec.url)
        await abc.ingest(invoice_doc("OLD-1"))
        await worker(abc).run_until_idle()
    engine = abc.app.state.context.engine

    def downgrade(connection: Connection) -> None:
        command.downgrade(alembic_config(connection), "0005")

    async with engine.begin() as connection:
        await connection.run_sync(downgrade)
        await connection.execute(update(webhook_attempts).values(response_excerpt="SECRET BODY"))
    await upgrade(engine)
    (attempt,) = (await delivery_of(abc, hook))["attempts"]  # type: ignore[misc]
    assert attempt["responseExcerpt"] == "200"


async def test_a_revoked_grant_cancels_pending_deliveries(abc: Abc) -> None:
    with receiver() as rec:
        hook = await subscribe(abc, rec.url)
        await abc.ingest(invoice_doc("REVOKED-1"))
        await abc.ingest(invoice_doc("KEPT-1", "C100", bill_to_account="C100"))
        from invoiceport.webhooks import service

        engine = abc.app.state.context.engine
        assert await service.dispatch(engine) == 2  # deliveries exist, nothing sent yet
        await partners.revoke_customers(engine, abc.partner_id, ["C100"])
        await worker(abc).run_until_idle()
        assert rec.snapshot() == []
    listed = await abc.http.get(f"{HOOKS}/{hook['id']}/deliveries", headers=abc.auth)
    for item in listed.json()["items"]:
        assert item["status"] == "cancelled"
        assert "no longer granted" in item["lastError"]


async def test_after_rotation_old_and_new_secrets_both_verify(abc: Abc) -> None:
    with receiver() as rec:
        hook = await subscribe(abc, rec.url)
        rotated = await abc.http.post(f"{HOOKS}/{hook['id']}/rotate-secret", headers=abc.auth)
        await abc.ingest(invoice_doc("ROTATE-1"))
        await worker(abc).run_until_idle()
        (got,) = rec.snapshot()
    assert len(got.headers["webhook-signature"].split(" ")) == 2
    Webhook(hook["secret"]).verify(got.body, got.headers)
    Webhook(rotated.json()["secret"]).verify(got.body, got.headers)


async def test_after_the_grace_period_only_the_new_secret_signs(database_url: str) -> None:
    async with hooks_app(database_url, ["C100"], webhook_secret_grace_seconds=0) as abc:
        with receiver() as rec:
            hook = await subscribe(abc, rec.url)
            rotated = await abc.http.post(f"{HOOKS}/{hook['id']}/rotate-secret", headers=abc.auth)
            await abc.ingest(invoice_doc("ROTATE-2"))
            await worker(abc).run_until_idle()
            (got,) = rec.snapshot()
    assert len(got.headers["webhook-signature"].split(" ")) == 1
    Webhook(rotated.json()["secret"]).verify(got.body, got.headers)


async def test_timeouts_and_redirects_are_failures(abc: Abc) -> None:
    with receiver(statuses(302)) as rec:
        await subscribe(abc, rec.url)
        await abc.ingest(invoice_doc("MOVED-1"))
        await run_until(worker(abc), rec, lambda got: any(r.status == 200 for r in got))
    with receiver(delay=1.0) as slow:
        hook = await subscribe(abc, slow.url)
        await abc.ingest(invoice_doc("SLOW-1"))
        await worker(abc, webhook_timeout_seconds=0.2).run_until_idle()
    delivery = await delivery_of(abc, hook)
    assert delivery["attempts"][0]["error"] == "timed out after 0.2 s"  # type: ignore[index]


async def test_with_a_signing_key_the_database_holds_no_secret(database_url: str) -> None:
    async with hooks_app(database_url, ["C100"], webhook_signing_key="server-side key") as abc:
        with receiver() as rec:
            hook = await subscribe(abc, rec.url)
            async with abc.app.state.context.engine.connect() as conn:
                row = (await conn.execute(select(webhook_endpoints))).one()
            assert hook["secret"].removeprefix("whsec_") not in str(tuple(row))
            await abc.ingest(invoice_doc("KEYED-1"))
            await worker(abc).run_until_idle()
            (got,) = rec.snapshot()
            Webhook(hook["secret"]).verify(got.body, got.headers)
            # A worker with another key cannot sign: it says so instead of sending a bad signature.
            await abc.ingest(invoice_doc("KEYED-2"))
            await worker(abc, webhook_signing_key=SecretStr("wrong key")).run_until_idle()
            assert len(rec.snapshot()) == 1
        listed = await abc.http.get(
            f"{HOOKS}/{hook['id']}/deliveries", params={"status": "pending"}, headers=abc.auth
        )
        assert "signing key" in listed.json()["items"][0]["lastError"]
