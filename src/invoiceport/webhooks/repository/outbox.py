"""The outbox: events written with the change that caused them, and their fan-out into
pending deliveries (`service.dispatch`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from invoiceport.invoices.repository import copy_rows
from invoiceport.partners.tables import partner_customers
from invoiceport.webhooks.tables import (
    webhook_deliveries,
    webhook_endpoints,
    webhook_events,
)

E = webhook_endpoints.c
V = webhook_events.c
D = webhook_deliveries.c


# The key of the advisory lock every writer of events holds from its first event to its commit.
OUTBOX_LOCK = 0x1A7E_0FEE_D000_0001


async def lock_outbox(conn: AsyncConnection) -> None:
    """Take the outbox's write lock until the transaction ends (call just before writing events,
    as late in the transaction as possible). Event ids are drawn while it is held, so they are
    in commit order and the committed events are always a prefix of the ids: a reader that has
    seen id N will never see a new event below N (the change feed's cursor). SQLite has one
    writer at a time already (`BEGIN IMMEDIATE`)."""
    if conn.dialect.name == "postgresql":
        await conn.execute(select(func.pg_advisory_xact_lock(OUTBOX_LOCK)))


async def insert_events(conn: AsyncConnection, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        await conn.execute(webhook_events.insert(), list(rows))


EVENT_COLUMNS = (
    "message_id",
    "event_type",
    "environment",
    "customer_number",
    "bill_to_account",
    "invoice_number",
    "version",
    "payload",
    "created_at",
)


async def copy_events(conn: AsyncConnection, records: Sequence[Sequence[Any]]) -> None:
    """Outbox rows, values in `EVENT_COLUMNS` order: COPY on PostgreSQL (`copy_rows`)."""
    await copy_rows(conn, webhook_events, EVENT_COLUMNS, records)


@dataclass(frozen=True, slots=True)
class EventRef:
    id: int
    event_type: str
    environment: str
    customer_number: str
    bill_to_account: str


async def undispatched_exist(conn: AsyncConnection) -> bool:
    query = select(V.id).where(V.dispatched_at.is_(None)).limit(1)
    return (await conn.execute(query)).first() is not None


async def claim_undispatched(conn: AsyncConnection, limit: int, *, lock: bool) -> list[EventRef]:
    query = (
        select(V.id, V.event_type, V.environment, V.customer_number, V.bill_to_account)
        .where(V.dispatched_at.is_(None))
        .order_by(V.id)
        .limit(limit)
    )
    if lock:
        query = query.with_for_update(skip_locked=True)
    rows = (await conn.execute(query)).all()
    return [
        EventRef(r.id, r.event_type, r.environment, r.customer_number, r.bill_to_account)
        for r in rows
    ]


@dataclass(frozen=True, slots=True)
class Subscriber:
    endpoint_id: int
    environment: str
    events: frozenset[str]
    accounts: frozenset[str]  # the partner's granted customer numbers (they cover bill-tos too)


async def subscribers(conn: AsyncConnection) -> list[Subscriber]:
    """Every enabled endpoint with its partner's grants (read once per fan-out batch)."""
    endpoints = (
        await conn.execute(
            select(E.id, E.partner_id, E.environment, E.event_types).where(E.status == "enabled")
        )
    ).all()
    if not endpoints:
        return []
    partner_ids = sorted({row.partner_id for row in endpoints})
    grants: dict[int, set[str]] = {}
    query = select(partner_customers.c.partner_id, partner_customers.c.customer_number).where(
        partner_customers.c.partner_id.in_(partner_ids)
    )
    for row in (await conn.execute(query)).all():
        grants.setdefault(row.partner_id, set()).add(row.customer_number)
    return [
        Subscriber(
            row.id,
            row.environment,
            frozenset(row.event_types.split()),
            frozenset(grants.get(row.partner_id, ())),
        )
        for row in endpoints
    ]


async def insert_deliveries(
    conn: AsyncConnection, pairs: Sequence[tuple[int, int]], at: datetime
) -> None:
    """One pending delivery per (endpoint_id, event_id), due now."""
    if pairs:
        await conn.execute(
            webhook_deliveries.insert(),
            [
                {
                    "endpoint_id": endpoint_id,
                    "event_id": event_id,
                    "status": "pending",
                    "attempt_count": 0,
                    "retry_index": 0,
                    "next_attempt_at": at,
                    "created_at": at,
                    "updated_at": at,
                }
                for endpoint_id, event_id in pairs
            ],
        )


async def mark_dispatched(conn: AsyncConnection, event_ids: Sequence[int], at: datetime) -> None:
    if event_ids:
        await conn.execute(
            update(webhook_events).where(V.id.in_(event_ids)).values(dispatched_at=at)
        )


async def prune_events(conn: AsyncConnection, before: datetime, limit: int) -> int:
    """Delete up to `limit` events dispatched before `before` with no pending delivery left."""
    pending = exists().where(D.event_id == V.id, D.status == "pending")
    ids = (
        select(V.id)
        .where(V.dispatched_at.is_not(None), V.dispatched_at < before, ~pending)
        .limit(limit)
    )
    found = [row.id for row in (await conn.execute(ids)).all()]
    if found:
        await conn.execute(delete(webhook_events).where(V.id.in_(found)))
    return len(found)
