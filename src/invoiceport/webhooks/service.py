"""Webhooks: events written with the change that caused them, subscriptions, fan-out, replay.

- `record_prepared` runs inside ingest's transaction (`invoices.service.store`): a stored
  change and its event commit together or not at all.
- `dispatch` (the worker) turns new events into one pending delivery per matching endpoint: same
  environment, subscribed event type, and an account the endpoint's partner is granted.
- Subscription management for the ABC dialect's `/api/invoice/v1/webhooks` routes.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, NamedTuple

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from invoiceport.invoices.schemas import CanonicalInvoice
from invoiceport.platform.db import utcnow, write_transaction
from invoiceport.settings import Settings
from invoiceport.webhooks import payloads, repository, signing
from invoiceport.webhooks.addresses import AddressRefused, parse_url, public_address
from invoiceport.webhooks.schemas import (
    Attempt,
    Delivery,
    Endpoint,
    EndpointCreate,
    IssuedEndpoint,
)

MAX_ENDPOINTS_PER_PARTNER = 20
DISPATCH_BATCH = 500


class EndpointNotFound(LookupError):
    def __init__(self, endpoint_id: int) -> None:
        super().__init__(f"webhook {endpoint_id} not found")


class DeliveryNotFound(LookupError):
    def __init__(self, delivery_id: int) -> None:
        super().__init__(f"delivery {delivery_id} not found")


class WebhookRequestRefused(ValueError):
    """A subscription request that cannot be honoured (bad URL, too many endpoints...)."""

    def __init__(self, message: str, status_code: int = 400) -> None:
        super().__init__(message)
        self.status_code = status_code


# --- events ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Change:
    """A stored change ingest reports: what happened to which document, at which version."""

    result: Literal["created", "updated"]
    invoice: CanonicalInvoice
    version: int
    at: datetime


def _event_type(credit_memo: bool, result: str) -> str:
    return f"{'creditmemo' if credit_memo else 'invoice'}.{result}"


def event_type(change: Change) -> str:
    return _event_type(change.invoice.is_credit_memo, change.result)


def new_message_id() -> str:
    """The `webhook-id`: random, so ids never repeat even after a database is reset."""
    return "msg_" + secrets.token_hex(16)


def payload_data(invoice: CanonicalInvoice) -> bytes:
    """The `data` of an invoice's events, as JSON, in the registered dialect's shape
    (`webhooks.payloads`: the ABC history item)."""
    return payloads.render_data(invoice)


def payload(change: Change, kind: str) -> bytes:
    """Standard Webhooks' `{type, timestamp, data}`; `data` is `payload_data`."""
    invoice = change.invoice
    return payloads.envelope(
        kind,
        payloads.utc_millis(change.at),
        invoice.environment,
        invoice.bill_to_account,
        change.version,
        payload_data(invoice),
    )


async def record_changes(conn: AsyncConnection, changes: Sequence[Change]) -> None:
    """Write one outbox row per change, in the caller's transaction, in one statement."""
    rows = []
    for change in changes:
        kind = event_type(change)
        invoice = change.invoice
        rows.append(
            {
                "message_id": new_message_id(),
                "event_type": kind,
                "environment": invoice.environment,
                "customer_number": invoice.customer_number,
                "bill_to_account": invoice.bill_to_account,
                "invoice_number": invoice.invoice_number,
                "version": change.version,
                "payload": payload(change, kind).decode(),
                "created_at": change.at,
            }
        )
    if rows:
        await repository.lock_outbox(conn)  # ids in commit order (the change feed)
    await repository.insert_events(conn, rows)


class PreparedChange(NamedTuple):
    """A `Change` whose document was rendered beforehand (`payload_data`, in a worker process of
    `invoiceport import`): what `record_prepared` needs, without the `CanonicalInvoice`."""

    result: Literal["created", "updated"]
    credit_memo: bool
    environment: str
    customer_number: str
    bill_to_account: str
    invoice_number: str
    data: bytes
    version: int
    at: datetime


async def record_prepared(conn: AsyncConnection, changes: Sequence[PreparedChange]) -> None:
    """`record_changes` for prepared changes: the same rows and payloads, written by COPY on
    PostgreSQL, in the caller's transaction."""
    records = []
    when: dict[datetime, str] = {}  # a batch's changes share one moment: format it once
    ids = secrets.token_bytes(16 * len(changes))  # one read of the system's randomness
    for i, c in enumerate(changes):
        kind = _event_type(c.credit_memo, c.result)
        stamp = when.get(c.at) or when.setdefault(c.at, payloads.utc_millis(c.at))
        body = payloads.envelope(kind, stamp, c.environment, c.bill_to_account, c.version, c.data)
        records.append(
            (
                "msg_" + ids[16 * i : 16 * i + 16].hex(),  # as new_message_id()
                kind,
                c.environment,
                c.customer_number,
                c.bill_to_account,
                c.invoice_number,
                c.version,
                body.decode(),
                c.at,
            )
        )
    if records:
        await repository.lock_outbox(conn)  # ids in commit order (the change feed)
    await repository.copy_events(conn, records)


async def dispatch(engine: AsyncEngine, *, batch: int = DISPATCH_BATCH) -> int:
    """Fan out up to `batch` new events into deliveries; returns how many events were taken.

    Only endpoints enabled at this moment get deliveries: an endpoint that is disabled misses
    the events of that time (docs/webhooks.md).
    """
    async with engine.connect() as conn:
        if not await repository.undispatched_exist(conn):
            return 0
    async with write_transaction(engine) as conn:
        lock = conn.dialect.name != "sqlite"
        events = await repository.claim_undispatched(conn, batch, lock=lock)
        if not events:
            return 0
        subscribers = await repository.subscribers(conn)
        pairs = [
            (subscriber.endpoint_id, event.id)
            for event in events
            for subscriber in subscribers
            if subscriber.environment == event.environment
            and event.event_type in subscriber.events
            and (
                event.customer_number in subscriber.accounts
                or event.bill_to_account in subscriber.accounts
            )
        ]
        now = utcnow()
        await repository.insert_deliveries(conn, pairs, now)
        await repository.mark_dispatched(conn, [event.id for event in events], now)
        return len(events)


async def prune(engine: AsyncEngine, older_than: timedelta, *, batch: int = 1000) -> int:
    """Forget events (with their deliveries and attempts) dispatched longer ago than this."""
    before = utcnow() - older_than
    removed = 0
    while True:
        async with write_transaction(engine) as conn:
            count = await repository.prune_events(conn, before, batch)
        removed += count
        if count < batch:
            return removed


# --- subscriptions --------------------------------------------------------------------------------


async def check_url(url: str, settings: Settings) -> None:
    try:
        target = parse_url(url)
        if not settings.webhook_allow_private:
            await public_address(target)
    except AddressRefused as exc:
        raise WebhookRequestRefused(str(exc)) from None


def _signing_key(settings: Settings) -> str | None:
    key = settings.webhook_signing_key
    return key.get_secret_value() if key is not None and key.get_secret_value() else None


async def create_endpoint(
    engine: AsyncEngine, settings: Settings, partner_id: int, request: EndpointCreate
) -> IssuedEndpoint:
    await check_url(request.url, settings)
    key = _signing_key(settings)
    stored = signing.new_secret(key)
    events = list(dict.fromkeys(request.events))
    async with write_transaction(engine) as conn:
        if await repository.count_endpoints(conn, partner_id) >= MAX_ENDPOINTS_PER_PARTNER:
            raise WebhookRequestRefused(
                f"a partner may have at most {MAX_ENDPOINTS_PER_PARTNER} webhooks", 409
            )
        endpoint_id = await repository.insert_endpoint(
            conn, partner_id, request.url, request.environment, events, stored, utcnow()
        )
        endpoint = await repository.get_endpoint(conn, partner_id, endpoint_id)
    assert endpoint is not None
    return IssuedEndpoint(endpoint, signing.secret_text(stored, key))


async def list_endpoints(engine: AsyncEngine, partner_id: int) -> list[Endpoint]:
    async with engine.connect() as conn:
        return await repository.list_endpoints(conn, partner_id)


async def get_endpoint(engine: AsyncEngine, partner_id: int, endpoint_id: int) -> Endpoint:
    async with engine.connect() as conn:
        endpoint = await repository.get_endpoint(conn, partner_id, endpoint_id)
    if endpoint is None:
        raise EndpointNotFound(endpoint_id)
    return endpoint


async def delete_endpoint(engine: AsyncEngine, partner_id: int, endpoint_id: int) -> None:
    async with write_transaction(engine) as conn:
        if not await repository.delete_endpoint(conn, partner_id, endpoint_id):
            raise EndpointNotFound(endpoint_id)


async def rotate_secret(
    engine: AsyncEngine, settings: Settings, partner_id: int, endpoint_id: int
) -> IssuedEndpoint:
    """A new secret, shown once; the old one keeps signing for the grace period too."""
    key = _signing_key(settings)
    stored = signing.new_secret(key)
    now = utcnow()
    grace = timedelta(seconds=settings.webhook_secret_grace_seconds)
    async with write_transaction(engine) as conn:
        if not await repository.rotate_secret(
            conn, partner_id, endpoint_id, stored, now + grace, now
        ):
            raise EndpointNotFound(endpoint_id)
        endpoint = await repository.get_endpoint(conn, partner_id, endpoint_id)
    assert endpoint is not None
    return IssuedEndpoint(endpoint, signing.secret_text(stored, key))


async def enable_endpoint(engine: AsyncEngine, partner_id: int, endpoint_id: int) -> Endpoint:
    """Re-enable a disabled endpoint; its pending deliveries go out again."""
    async with write_transaction(engine) as conn:
        if not await repository.enable_endpoint(conn, partner_id, endpoint_id, utcnow()):
            raise EndpointNotFound(endpoint_id)
        endpoint = await repository.get_endpoint(conn, partner_id, endpoint_id)
    assert endpoint is not None
    return endpoint


# --- deliveries -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DeliveryPage:
    total: int
    items: list[Delivery]


async def list_deliveries(
    engine: AsyncEngine,
    partner_id: int,
    endpoint_id: int,
    statuses: Sequence[str],
    *,
    page: int,
    page_size: int,
) -> DeliveryPage:
    async with engine.connect() as conn:
        if await repository.get_endpoint(conn, partner_id, endpoint_id) is None:
            raise EndpointNotFound(endpoint_id)
        total = await repository.count_deliveries(conn, endpoint_id, statuses)
        items = await repository.list_deliveries(
            conn, endpoint_id, statuses, offset=(page - 1) * page_size, limit=page_size
        )
    return DeliveryPage(total, items)


async def get_delivery(
    engine: AsyncEngine, partner_id: int, endpoint_id: int, delivery_id: int
) -> tuple[Delivery, list[Attempt]]:
    async with engine.connect() as conn:
        if await repository.get_endpoint(conn, partner_id, endpoint_id) is None:
            raise EndpointNotFound(endpoint_id)
        delivery = await repository.get_delivery(conn, endpoint_id, delivery_id)
        if delivery is None:
            raise DeliveryNotFound(delivery_id)
        return delivery, await repository.list_attempts(conn, delivery_id)


async def replay_delivery(
    engine: AsyncEngine, partner_id: int, endpoint_id: int, delivery_id: int
) -> Delivery:
    """Send a delivery again (same webhook-id and body), now, with a fresh retry schedule."""
    async with write_transaction(engine) as conn:
        endpoint = await repository.get_endpoint(conn, partner_id, endpoint_id)
        if endpoint is None:
            raise EndpointNotFound(endpoint_id)
        if await repository.get_delivery(conn, endpoint_id, delivery_id) is None:
            raise DeliveryNotFound(delivery_id)
        if endpoint.status != "enabled":
            raise WebhookRequestRefused(
                f"webhook {endpoint_id} is disabled ({endpoint.disabled_reason}); enable it first",
                409,
            )
        if not await repository.requeue_delivery(conn, endpoint_id, delivery_id, utcnow()):
            raise WebhookRequestRefused(
                f"delivery {delivery_id} is being sent right now; try again shortly", 409
            )
        delivery = await repository.get_delivery(conn, endpoint_id, delivery_id)
    assert delivery is not None
    return delivery
