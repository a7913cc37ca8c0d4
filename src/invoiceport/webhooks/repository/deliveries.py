"""Deliveries and attempts as a partner lists them, and a replay."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from invoiceport.webhooks.schemas import Attempt, Delivery
from invoiceport.webhooks.tables import (
    webhook_attempts,
    webhook_deliveries,
    webhook_events,
)

V = webhook_events.c
D = webhook_deliveries.c
A = webhook_attempts.c


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
