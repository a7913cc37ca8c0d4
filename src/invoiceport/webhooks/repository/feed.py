"""The change feed's reads: a partner's events after a position, oldest first.

Events are the outbox's (`outbox.py`); their ids are drawn in commit order under the outbox
lock, so `id > after` never skips an event that commits later.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from invoiceport.partners.tables import partner_customers
from invoiceport.webhooks.tables import webhook_events

V = webhook_events.c


@dataclass(frozen=True, slots=True)
class FeedRow:
    id: int
    event_type: str
    environment: str
    customer_number: str
    bill_to_account: str
    invoice_number: str
    version: int
    created_at: datetime


async def feed_rows(
    conn: AsyncConnection,
    partner_id: int,
    environment: str,
    after: int,
    types: Sequence[str],
    limit: int,
) -> list[FeedRow]:
    """Up to `limit` events after `after` of the accounts granted to the partner, by id."""
    mine = select(partner_customers.c.customer_number).where(
        partner_customers.c.partner_id == partner_id
    )
    query = (
        select(
            V.id,
            V.event_type,
            V.environment,
            V.customer_number,
            V.bill_to_account,
            V.invoice_number,
            V.version,
            V.created_at,
        )
        .where(
            V.id > after,
            V.environment == environment,
            or_(V.customer_number.in_(mine), V.bill_to_account.in_(mine)),
        )
        .order_by(V.id)
        .limit(limit)
    )
    if types:
        query = query.where(V.event_type.in_(list(types)))
    return [FeedRow(*row) for row in await conn.execute(query)]


async def feed_head(conn: AsyncConnection) -> int:
    """The id of the newest committed event (0: none)."""
    return int((await conn.execute(select(func.coalesce(func.max(V.id), 0)))).scalar_one())
