"""All SQL about webhooks. Functions take a connection; the caller owns the transaction.

Claiming work (events to fan out, deliveries to send) locks rows with `FOR UPDATE SKIP LOCKED` on
PostgreSQL, so several workers take disjoint rows without waiting for each other; on SQLite the
caller's `BEGIN IMMEDIATE` serialises claims instead (`lock=False` there).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, exists, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from invoiceport.invoices.repository import copy_rows
from invoiceport.partners.tables import partner_customers
from invoiceport.webhooks.schemas import Attempt, Delivery, Endpoint
from invoiceport.webhooks.signing import StoredSecret
from invoiceport.webhooks.tables import (
    webhook_attempts,
    webhook_deliveries,
    webhook_endpoints,
    webhook_events,
)

E = webhook_endpoints.c
V = webhook_events.c
D = webhook_deliveries.c
A = webhook_attempts.c


# --- endpoints -----------------------------------------------------------------------------------


def _endpoint(row: Any) -> Endpoint:
    return Endpoint(
        id=row.id,
        partner_id=row.partner_id,
        url=row.url,
        environment=row.environment,
        events=tuple(row.event_types.split()),
        status=row.status,
        disabled_reason=row.disabled_reason,
        disabled_at=row.disabled_at,
        failing_since=row.failing_since,
        created_at=row.created_at,
        updated_at=row.updated_at,
        previous_secret_expires_at=row.previous_secret_expires_at,
    )


async def insert_endpoint(
    conn: AsyncConnection,
    partner_id: int,
    url: str,
    environment: str,
    events: Sequence[str],
    secret: StoredSecret,
    at: datetime,
) -> int:
    result = await conn.execute(
        webhook_endpoints.insert().values(
            partner_id=partner_id,
            url=url,
            environment=environment,
            event_types=" ".join(events),
            secret_seed=secret.seed,
            secret_key_id=secret.key_id,
            status="enabled",
            created_at=at,
            updated_at=at,
        )
    )
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


async def count_endpoints(conn: AsyncConnection, partner_id: int) -> int:
    query = select(func.count()).select_from(webhook_endpoints).where(E.partner_id == partner_id)
    return int((await conn.execute(query)).scalar_one())


async def get_endpoint(conn: AsyncConnection, partner_id: int, endpoint_id: int) -> Endpoint | None:
    query = select(webhook_endpoints).where(E.id == endpoint_id, E.partner_id == partner_id)
    row = (await conn.execute(query)).first()
    return None if row is None else _endpoint(row)


async def list_endpoints(conn: AsyncConnection, partner_id: int) -> list[Endpoint]:
    query = select(webhook_endpoints).where(E.partner_id == partner_id).order_by(E.id)
    return [_endpoint(row) for row in (await conn.execute(query)).all()]


async def stored_secret(
    conn: AsyncConnection, partner_id: int, endpoint_id: int
) -> StoredSecret | None:
    query = select(E.secret_seed, E.secret_key_id).where(
        E.id == endpoint_id, E.partner_id == partner_id
    )
    row = (await conn.execute(query)).first()
    return None if row is None else StoredSecret(row.secret_seed, row.secret_key_id)


async def delete_endpoint(conn: AsyncConnection, partner_id: int, endpoint_id: int) -> bool:
    # Deliveries and attempts go with it (ON DELETE CASCADE).
    result = await conn.execute(
        delete(webhook_endpoints).where(E.id == endpoint_id, E.partner_id == partner_id)
    )
    return result.rowcount > 0


async def rotate_secret(
    conn: AsyncConnection,
    partner_id: int,
    endpoint_id: int,
    secret: StoredSecret,
    previous_expires_at: datetime,
    at: datetime,
) -> bool:
    """The current secret becomes the previous one (still signing until it expires)."""
    result = await conn.execute(
        update(webhook_endpoints)
        .where(E.id == endpoint_id, E.partner_id == partner_id)
        .values(
            previous_secret_seed=E.secret_seed,
            previous_secret_key_id=E.secret_key_id,
            previous_secret_expires_at=previous_expires_at,
            secret_seed=secret.seed,
            secret_key_id=secret.key_id,
            updated_at=at,
        )
    )
    return result.rowcount > 0


async def enable_endpoint(
    conn: AsyncConnection, partner_id: int, endpoint_id: int, at: datetime
) -> bool:
    result = await conn.execute(
        update(webhook_endpoints)
        .where(E.id == endpoint_id, E.partner_id == partner_id)
        .values(
            status="enabled",
            disabled_reason=None,
            disabled_at=None,
            failing_since=None,
            updated_at=at,
        )
    )
    return result.rowcount > 0


async def disable_endpoint(
    conn: AsyncConnection, endpoint_id: int, reason: str, at: datetime
) -> None:
    await conn.execute(
        update(webhook_endpoints)
        .where(E.id == endpoint_id, E.status == "enabled")
        .values(status="disabled", disabled_reason=reason, disabled_at=at, updated_at=at)
    )


async def endpoint_succeeded(conn: AsyncConnection, endpoint_id: int) -> None:
    await conn.execute(
        update(webhook_endpoints)
        .where(E.id == endpoint_id, E.failing_since.is_not(None))
        .values(failing_since=None)
    )


async def endpoint_failed(
    conn: AsyncConnection, endpoint_id: int, at: datetime, disable_before: datetime, reason: str
) -> bool:
    """Note a failure; disable the endpoint when it has failed since `disable_before` or earlier.

    Returns True when this call disabled it.
    """
    await conn.execute(
        update(webhook_endpoints)
        .where(E.id == endpoint_id, E.failing_since.is_(None))
        .values(failing_since=at)
    )
    result = await conn.execute(
        update(webhook_endpoints)
        .where(E.id == endpoint_id, E.status == "enabled", E.failing_since <= disable_before)
        .values(status="disabled", disabled_reason=reason, disabled_at=at, updated_at=at)
    )
    return result.rowcount > 0


# --- the outbox -----------------------------------------------------------------------------------


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


# --- claiming and recording deliveries -----------------------------------------------------------


def _due(now: datetime) -> list[Any]:
    return [
        D.status == "pending",
        D.next_attempt_at <= now,
        or_(D.locked_until.is_(None), D.locked_until <= now),
        E.status == "enabled",
    ]


async def due_exist(conn: AsyncConnection, now: datetime) -> bool:
    query = select(D.id).join(webhook_endpoints, E.id == D.endpoint_id).where(*_due(now)).limit(1)
    return (await conn.execute(query)).first() is not None


async def claim_due(conn: AsyncConnection, now: datetime, limit: int, *, lock: bool) -> list[int]:
    query = (
        select(D.id)
        .join(webhook_endpoints, E.id == D.endpoint_id)
        .where(*_due(now))
        .order_by(D.next_attempt_at, D.id)
        .limit(limit)
    )
    if lock:
        query = query.with_for_update(skip_locked=True, of=webhook_deliveries)
    return [row.id for row in (await conn.execute(query)).all()]


@dataclass(frozen=True, slots=True)
class Job:
    """What one attempt needs: where to send, what, and with which secrets."""

    delivery_id: int
    endpoint_id: int
    url: str
    message_id: str
    payload: bytes
    attempt_number: int
    retry_index: int
    granted: bool
    secret: StoredSecret
    previous_secret: StoredSecret | None
    previous_expires_at: datetime | None


async def jobs(conn: AsyncConnection, delivery_ids: Sequence[int]) -> list[Job]:
    granted = (
        exists()
        .where(
            partner_customers.c.partner_id == E.partner_id,
            or_(
                partner_customers.c.customer_number == V.customer_number,
                partner_customers.c.customer_number == V.bill_to_account,
            ),
        )
        .label("granted")
    )
    query = (
        select(
            D.id,
            D.endpoint_id,
            D.attempt_count,
            D.retry_index,
            E.url,
            E.secret_seed,
            E.secret_key_id,
            E.previous_secret_seed,
            E.previous_secret_key_id,
            E.previous_secret_expires_at,
            V.message_id,
            V.payload,
            granted,
        )
        .join(webhook_endpoints, E.id == D.endpoint_id)
        .join(webhook_events, V.id == D.event_id)
        .where(D.id.in_(delivery_ids))
        .order_by(D.id)
    )
    return [
        Job(
            delivery_id=r.id,
            endpoint_id=r.endpoint_id,
            url=r.url,
            message_id=r.message_id,
            payload=r.payload.encode(),
            attempt_number=r.attempt_count + 1,
            retry_index=r.retry_index,
            granted=bool(r.granted),
            secret=StoredSecret(r.secret_seed, r.secret_key_id),
            previous_secret=(
                StoredSecret(r.previous_secret_seed, r.previous_secret_key_id)
                if r.previous_secret_seed
                else None
            ),
            previous_expires_at=r.previous_secret_expires_at,
        )
        for r in (await conn.execute(query)).all()
    ]


async def abandon_open_attempts(
    conn: AsyncConnection, delivery_ids: Sequence[int], at: datetime
) -> None:
    """Attempts whose worker died before recording a result: say so, keep them listed."""
    if delivery_ids:
        await conn.execute(
            update(webhook_attempts)
            .where(A.delivery_id.in_(delivery_ids), A.finished_at.is_(None))
            .values(
                finished_at=at,
                outcome="abandoned",
                error="the worker stopped before it recorded the result; sent again",
            )
        )


async def start_attempts(
    conn: AsyncConnection, started: Sequence[Job], worker: str, at: datetime, lease_until: datetime
) -> dict[int, int]:
    """Insert one attempt row per job and lease its delivery; returns delivery id -> attempt id."""
    if not started:
        return {}
    result = await conn.execute(
        webhook_attempts.insert().returning(A.id, A.delivery_id, sort_by_parameter_order=True),
        [
            {
                "delivery_id": j.delivery_id,
                "number": j.attempt_number,
                "worker": worker,
                "started_at": at,
            }
            for j in started
        ],
    )
    attempt_ids = {row.delivery_id: row.id for row in result.all()}
    await conn.execute(
        update(webhook_deliveries)
        .where(D.id == bindparam("delivery"))
        .values(
            attempt_count=bindparam("number"),
            current_attempt_id=bindparam("attempt"),
            locked_until=lease_until,
            updated_at=at,
        ),
        [
            {
                "delivery": j.delivery_id,
                "number": j.attempt_number,
                "attempt": attempt_ids[j.delivery_id],
            }
            for j in started
        ],
    )
    return attempt_ids


async def cancel_deliveries(
    conn: AsyncConnection, delivery_ids: Sequence[int], reason: str, at: datetime
) -> None:
    if delivery_ids:
        await conn.execute(
            update(webhook_deliveries)
            .where(D.id.in_(delivery_ids))
            .values(status="cancelled", last_error=reason, locked_until=None, updated_at=at)
        )


async def finish_attempts(conn: AsyncConnection, rows: Sequence[dict[str, Any]]) -> None:
    """Write attempts' results; each row has `attempt` (the id) and the result columns."""
    if rows:
        columns = [name for name in rows[0] if name != "attempt"]
        await conn.execute(
            update(webhook_attempts)
            .where(A.id == bindparam("attempt"))
            .values({name: bindparam(name) for name in columns}),
            list(rows),
        )


async def settle_deliveries(conn: AsyncConnection, rows: Sequence[dict[str, Any]]) -> None:
    """Apply attempts' results to their deliveries and release the leases.

    Each row has `delivery`, `attempt` and the new column values; a delivery whose current
    attempt is another one (taken over after its lease ran out) is left alone.
    """
    if rows:
        columns = [name for name in rows[0] if name not in ("delivery", "attempt")]
        await conn.execute(
            update(webhook_deliveries)
            .where(D.id == bindparam("delivery"), D.current_attempt_id == bindparam("attempt"))
            .values({"locked_until": None} | {name: bindparam(name) for name in columns}),
            list(rows),
        )


# --- listing and replay ------------------------------------------------------------------------


_DELIVERY_COLUMNS = (
    D.id,
    D.endpoint_id,
    V.message_id,
    V.event_type,
    V.invoice_number,
    V.version,
    D.status,
    D.attempt_count,
    D.next_attempt_at,
    D.last_status_code,
    D.last_error,
    D.created_at,
    D.updated_at,
    D.delivered_at,
)


def _delivery(r: Any) -> Delivery:
    return Delivery(
        id=r.id,
        endpoint_id=r.endpoint_id,
        message_id=r.message_id,
        event_type=r.event_type,
        invoice_number=r.invoice_number,
        version=r.version,
        status=r.status,
        attempt_count=r.attempt_count,
        next_attempt_at=r.next_attempt_at if r.status == "pending" else None,
        last_status_code=r.last_status_code,
        last_error=r.last_error,
        created_at=r.created_at,
        updated_at=r.updated_at,
        delivered_at=r.delivered_at,
    )


def _deliveries_of(endpoint_id: int, statuses: Iterable[str]) -> list[Any]:
    wanted = list(statuses)
    clauses = [D.endpoint_id == endpoint_id]
    if wanted:
        clauses.append(D.status.in_(wanted))
    return clauses


async def count_deliveries(
    conn: AsyncConnection, endpoint_id: int, statuses: Iterable[str] = ()
) -> int:
    query = (
        select(func.count())
        .select_from(webhook_deliveries)
        .where(*_deliveries_of(endpoint_id, statuses))
    )
    return int((await conn.execute(query)).scalar_one())


async def list_deliveries(
    conn: AsyncConnection,
    endpoint_id: int,
    statuses: Iterable[str] = (),
    *,
    offset: int,
    limit: int,
) -> list[Delivery]:
    """Newest first."""
    query = (
        select(*_DELIVERY_COLUMNS)
        .join(webhook_events, V.id == D.event_id)
        .where(*_deliveries_of(endpoint_id, statuses))
        .order_by(D.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return [_delivery(r) for r in (await conn.execute(query)).all()]


async def get_delivery(
    conn: AsyncConnection, endpoint_id: int, delivery_id: int
) -> Delivery | None:
    query = (
        select(*_DELIVERY_COLUMNS)
        .join(webhook_events, V.id == D.event_id)
        .where(D.id == delivery_id, D.endpoint_id == endpoint_id)
    )
    row = (await conn.execute(query)).first()
    return None if row is None else _delivery(row)


async def list_attempts(conn: AsyncConnection, delivery_id: int) -> list[Attempt]:
    query = select(webhook_attempts).where(A.delivery_id == delivery_id).order_by(A.number)
    return [
        Attempt(
            id=r.id,
            delivery_id=r.delivery_id,
            number=r.number,
            worker=r.worker,
            started_at=r.started_at,
            finished_at=r.finished_at,
            outcome=r.outcome,
            status_code=r.status_code,
            duration_ms=r.duration_ms,
            error=r.error,
            response_excerpt=r.response_excerpt,
        )
        for r in (await conn.execute(query)).all()
    ]


async def requeue_delivery(
    conn: AsyncConnection, endpoint_id: int, delivery_id: int, at: datetime
) -> bool:
    """Make a delivery due now with a fresh retry schedule (a replay); not while one is sending."""
    result = await conn.execute(
        update(webhook_deliveries)
        .where(
            D.id == delivery_id,
            D.endpoint_id == endpoint_id,
            or_(D.locked_until.is_(None), D.locked_until <= at),
        )
        .values(
            status="pending",
            retry_index=0,
            next_attempt_at=at,
            locked_until=None,
            updated_at=at,
        )
    )
    return result.rowcount > 0
