"""Idempotency keys as the IETF draft `draft-ietf-httpapi-idempotency-key-header` says.

`begin` before the request runs: the first request with a key claims it (in flight, with a
lease); a request with the same key and the same fingerprint gets the stored answer once there
is one (`Replay`), while the first is still running a conflict (`InFlight`, 409); a different
fingerprint is refused (`Mismatch`, 422). `finish` stores the answer (kept `ttl`, 24 h by
default), `abandon` forgets the key (a failed request may be retried). Rows live in the
database, so every server process sees the same keys. No HTTP types here.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from invoiceport.idempotency import repository
from invoiceport.platform.db import write_transaction


@dataclass(frozen=True, slots=True)
class Proceed:
    """The key is this request's: run it, then `finish` or `abandon`."""


@dataclass(frozen=True, slots=True)
class Replay:
    status: int
    media_type: str
    body: bytes


@dataclass(frozen=True, slots=True)
class InFlight:
    """The first request with this key is still running."""


@dataclass(frozen=True, slots=True)
class Mismatch:
    """The key was used for a different request."""


Begin = Proceed | Replay | InFlight | Mismatch
PRUNE_EVERY = 100  # about one `begin` in a hundred deletes the expired keys


async def begin(
    engine: AsyncEngine,
    scope: str,
    key: str,
    fingerprint: str,
    now: datetime,
    *,
    ttl: timedelta,
    lease: timedelta,
) -> Begin:
    async with write_transaction(engine) as conn:
        if secrets.randbelow(PRUNE_EVERY) == 0:
            await repository.prune(conn, now)
        claimed = await repository.claim(conn, scope, key, fingerprint, now, now + lease, now + ttl)
        if claimed:
            return Proceed()
        row = await repository.locked(conn, scope, key)
        if row is None:  # pragma: no cover - deleted between the two statements: claim it
            await repository.claim(conn, scope, key, fingerprint, now, now + lease, now + ttl)
            return Proceed()
        abandoned = row.state == "in_flight" and row.locked_until <= now
        if row.expires_at <= now or abandoned:
            await repository.take_over(conn, scope, key, fingerprint, now, now + lease, now + ttl)
            return Proceed()
        if row.fingerprint != fingerprint:
            return Mismatch()
        if row.state == "in_flight" or row.status is None:
            return InFlight()
        return Replay(row.status, row.media_type or "application/json", (row.body or "").encode())


async def finish(
    engine: AsyncEngine, scope: str, key: str, status: int, media_type: str, body: bytes
) -> None:
    async with write_transaction(engine) as conn:
        await repository.answer(conn, scope, key, status, media_type, body.decode())


async def abandon(engine: AsyncEngine, scope: str, key: str) -> None:
    async with write_transaction(engine) as conn:
        await repository.forget(conn, scope, key)
