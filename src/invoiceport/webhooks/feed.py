"""The change feed: the outbox's events, read by a partner instead of (or beside) webhooks.

The same rows the webhooks deliver (`webhook_events`, written with each change by
`invoices.service.store`), so a partner can use either or both and reconcile by event: an
event's `webhook-id` header is its `message_id`. Ids follow the commit order (the outbox lock,
`repository.lock_outbox`), so paging by id misses nothing that commits later.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from invoiceport.platform.db import read_connection
from invoiceport.webhooks import repository
from invoiceport.webhooks.repository import FeedRow

EVENT_TYPES = ("invoice.created", "invoice.updated", "creditmemo.created", "creditmemo.updated")

__all__ = ["EVENT_TYPES", "FeedRow", "events", "head"]


async def events(
    engine: AsyncEngine,
    partner_id: int,
    environment: str,
    after: int,
    types: Sequence[str] = (),
    limit: int = 100,
    seconds: float = 5.0,
) -> Sequence[Sequence[Any]]:
    """Up to `limit` events after the event id `after`, oldest first, of the accounts the
    partner is granted (customer number or bill-to account), of `types` (all when empty),
    read within `seconds`; each holds `FeedRow`'s fields in its order."""
    return await repository.feed_rows(engine, partner_id, environment, after, types, limit, seconds)


async def head(engine: AsyncEngine) -> int:
    """The newest committed event id: a feed read after it sees only later changes."""
    async with read_connection(engine) as conn:
        return await repository.feed_head(conn)
