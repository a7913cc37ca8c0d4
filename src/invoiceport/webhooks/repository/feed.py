"""The change feed's reads: a partner's events after a position, oldest first.

Events are the outbox's (`outbox.py`); their ids are drawn in commit order under the outbox
lock, so `id > after` never skips an event that commits later.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any, NamedTuple, cast

from sqlalchemy import Select, bindparam, func, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from invoiceport.partners.tables import partner_customers
from invoiceport.platform.db import fetch
from invoiceport.webhooks.tables import webhook_events

V = webhook_events.c


class FeedRow(NamedTuple):
    """One event as the feed lists it: the fields `feed_rows` reads, in their order."""

    id: int
    event_type: str
    environment: str
    customer_number: str
    bill_to_account: str
    invoice_number: str
    version: int
    created_at: datetime


async def feed_rows(
    engine: AsyncEngine,
    partner_id: int,
    environment: str,
    after: int,
    types: Sequence[str],
    limit: int,
    seconds: float,
) -> Sequence[Sequence[Any]]:
    """Up to `limit` events after `after` of the accounts granted to the partner, by id, within
    `seconds`: a statement built once per set of types, run on the driver (`db.fetch`). Each
    row holds `FeedRow`'s fields in its order (unpack it); PostgreSQL's are the driver's
    records as they come (a page makes a thousand)."""
    values = {"partner_id": partner_id, "environment": environment, "after": after}
    statement = _feed_statement(tuple(sorted(set(types))))
    rows = await fetch(engine, statement, values | {"limit": limit}, seconds)
    if engine.dialect.name == "postgresql":
        return cast(list[Sequence[Any]], rows)  # asyncpg's records: values in selected order
    return [tuple(row.values()) for row in rows]  # SQLite's rows arrive as dicts


@cache
def _feed_statement(types: tuple[str, ...]) -> Select[Any]:
    """Bounded: `types` is a set of the few known event types (the route refuses others)."""
    mine = select(partner_customers.c.customer_number).where(
        partner_customers.c.partner_id == bindparam("partner_id")
    )
    query = (
        select(*(V[name] for name in FeedRow._fields))
        .where(
            V.id > bindparam("after"),
            V.environment == bindparam("environment"),
            or_(V.customer_number.in_(mine), V.bill_to_account.in_(mine)),
        )
        .order_by(V.id)
        .limit(bindparam("limit"))
    )
    if types:
        query = query.where(or_(*(V.event_type == name for name in types)))
    return query


async def feed_head(conn: AsyncConnection) -> int:
    """The id of the newest committed event (0: none)."""
    return int((await conn.execute(select(func.coalesce(func.max(V.id), 0)))).scalar_one())
