"""All SQL about idempotency keys. Functions take a connection; the caller owns the transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from invoiceport.idempotency.tables import idempotency_keys

K = idempotency_keys.c


@dataclass(frozen=True, slots=True)
class KeyRow:
    fingerprint: str
    state: str
    status: int | None
    media_type: str | None
    body: str | None
    locked_until: datetime
    expires_at: datetime


async def claim(
    conn: AsyncConnection,
    scope: str,
    key: str,
    fingerprint: str,
    now: datetime,
    lease_until: datetime,
    expires_at: datetime,
) -> bool:
    """Insert the key as in flight; False when it exists already (nothing changed)."""
    values = {
        "scope": scope,
        "key": key,
        "fingerprint": fingerprint,
        "state": "in_flight",
        "created_at": now,
        "locked_until": lease_until,
        "expires_at": expires_at,
    }
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    statement = insert(idempotency_keys).values(values).on_conflict_do_nothing()
    result = await conn.execute(statement)
    return bool(result.rowcount)


async def locked(conn: AsyncConnection, scope: str, key: str) -> KeyRow | None:
    query = select(
        K.fingerprint, K.state, K.status, K.media_type, K.body, K.locked_until, K.expires_at
    ).where(K.scope == scope, K.key == key)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update()
    row = (await conn.execute(query)).first()
    return None if row is None else KeyRow(*row)


async def take_over(
    conn: AsyncConnection,
    scope: str,
    key: str,
    fingerprint: str,
    now: datetime,
    lease_until: datetime,
    expires_at: datetime,
) -> None:
    """An expired key, or an abandoned request's: in flight again, for this request."""
    await conn.execute(
        update(idempotency_keys)
        .where(K.scope == scope, K.key == key)
        .values(
            fingerprint=fingerprint,
            state="in_flight",
            status=None,
            media_type=None,
            body=None,
            created_at=now,
            locked_until=lease_until,
            expires_at=expires_at,
        )
    )


async def answer(
    conn: AsyncConnection, scope: str, key: str, status: int, media_type: str, body: str
) -> None:
    await conn.execute(
        update(idempotency_keys)
        .where(K.scope == scope, K.key == key)
        .values(state="done", status=status, media_type=media_type, body=body)
    )


async def forget(conn: AsyncConnection, scope: str, key: str) -> None:
    await conn.execute(delete(idempotency_keys).where(K.scope == scope, K.key == key))


async def prune(conn: AsyncConnection, now: datetime) -> int:
    result = await conn.execute(delete(idempotency_keys).where(K.expires_at <= now))
    return int(result.rowcount or 0)
