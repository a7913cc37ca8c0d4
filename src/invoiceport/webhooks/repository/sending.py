"""Claiming due deliveries and recording their attempts: the worker's SQL (`worker.py`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from invoiceport.partners.tables import partner_customers
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
    style: str | None = None


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
            E.style,
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
            style=r.style,
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
