"""Webhook endpoints (subscriptions): their rows, secrets, and enabled or disabled state."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from invoiceport.webhooks.schemas import Endpoint
from invoiceport.webhooks.signing import StoredSecret
from invoiceport.webhooks.tables import (
    webhook_endpoints,
)

E = webhook_endpoints.c


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
        style=row.style,
        client_id=row.client_id,
    )


async def insert_endpoint(
    conn: AsyncConnection,
    partner_id: int,
    url: str,
    environment: str,
    events: Sequence[str],
    secret: StoredSecret,
    at: datetime,
    *,
    style: str | None = None,
    client_id: str | None = None,
) -> int:
    result = await conn.execute(
        webhook_endpoints.insert().values(
            style=style,
            client_id=client_id,
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


async def count_client_endpoints(conn: AsyncConnection, client_id: str, style: str) -> int:
    query = (
        select(func.count())
        .select_from(webhook_endpoints)
        .where(E.client_id == client_id, E.style == style)
    )
    return int((await conn.execute(query)).scalar_one())


async def update_endpoint(
    conn: AsyncConnection,
    partner_id: int,
    endpoint_id: int,
    at: datetime,
    *,
    url: str | None = None,
    events: Sequence[str] | None = None,
) -> bool:
    values: dict[str, Any] = {"updated_at": at}
    if url is not None:
        values["url"] = url
    if events is not None:
        values["event_types"] = " ".join(events)
    result = await conn.execute(
        update(webhook_endpoints)
        .where(E.id == endpoint_id, E.partner_id == partner_id)
        .values(**values)
    )
    return result.rowcount > 0


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
