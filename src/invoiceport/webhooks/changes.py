"""Changing a subscription in place (`PATCH` of ABC's v2 notification webhooks): its URL, checked
as on creation, or its events. The rest of subscription management is `service`."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncEngine

from invoiceport.platform.db import utcnow, write_transaction
from invoiceport.settings import Settings
from invoiceport.webhooks import repository
from invoiceport.webhooks.schemas import Endpoint
from invoiceport.webhooks.service import EndpointNotFound, check_url


async def update_endpoint(
    engine: AsyncEngine,
    settings: Settings,
    partner_id: int,
    endpoint_id: int,
    *,
    url: str | None = None,
    events: Sequence[str] | None = None,
) -> Endpoint:
    """Change where a subscription is sent or what it is sent for."""
    if url is not None:
        await check_url(url, settings)
    changed = None if events is None else list(dict.fromkeys(events))
    async with write_transaction(engine) as conn:
        await repository.update_endpoint(
            conn, partner_id, endpoint_id, utcnow(), url=url, events=changed
        )
        endpoint = await repository.get_endpoint(conn, partner_id, endpoint_id)
    if endpoint is None:
        raise EndpointNotFound(endpoint_id)
    return endpoint
