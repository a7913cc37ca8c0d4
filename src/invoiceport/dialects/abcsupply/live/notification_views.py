"""ABC Supply's v2 notification subscriptions and deliveries, as their JSON (pure).

A subscription is `{"type": "ORDER", "events": [...], "url"}`; its events name what happened to
an order: `ORDER_INVOICED` (an invoice or credit memo was issued: the core's `*.created`) and
`ORDER_UPDATE` (one changed: `*.updated`). A delivery's body carries the event type, the
invoice and order numbers, the PO, the invoice date and the credit-memo flag at the top, and the
history item as `data` (`notification_body`, registered with the core's `webhooks.payloads`).
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from invoiceport.dialects.abcsupply.render import dumps, timestamp
from invoiceport.webhooks.schemas import MAX_URL_LENGTH, Endpoint

V2Event = Literal["ORDER_UPDATE", "ORDER_INVOICED"]
CORE_EVENTS: dict[str, tuple[str, ...]] = {
    "ORDER_INVOICED": ("invoice.created", "creditmemo.created"),
    "ORDER_UPDATE": ("invoice.updated", "creditmemo.updated"),
}
V2_OF = {core: v2 for v2, cores in CORE_EVENTS.items() for core in cores}
Url = Annotated[str, StringConstraints(min_length=1, max_length=MAX_URL_LENGTH)]
Events = Annotated[list[V2Event], Field(min_length=1, max_length=2)]


class NotificationCreate(BaseModel):
    """`POST /api/notification/v2/webhooks`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: Literal["ORDER"]
    events: Events
    url: Url


class NotificationChange(BaseModel):
    """`PATCH /api/notification/v2/webhooks/{webhookId}`: what is given changes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: Literal["ORDER"] | None = None
    events: Events | None = None
    url: Url | None = None


def core_events(events: list[str]) -> list[str]:
    return [core for event in dict.fromkeys(events) for core in CORE_EVENTS[event]]


def v2_events(endpoint: Endpoint) -> list[str]:
    return list(dict.fromkeys(V2_OF[each] for each in endpoint.events if each in V2_OF))


def subscription(endpoint: Endpoint) -> dict[str, Any]:
    return {
        "webhookId": endpoint.id,
        "type": "ORDER",
        "events": v2_events(endpoint),
        "url": endpoint.url,
        "status": "ACTIVE" if endpoint.status == "enabled" else "DISABLED",
        "disabledReason": endpoint.disabled_reason,
        "createdAt": timestamp(endpoint.created_at),
        "updatedAt": timestamp(endpoint.updated_at),
    }


def notification_body(payload: bytes, message_id: str) -> bytes:
    """A delivery's body from the stored event (`webhooks.payloads.envelope`), numbers exact."""
    event = json.loads(payload, parse_float=Decimal)
    item = event["data"]
    return dumps(
        {
            "eventId": message_id,
            "type": "ORDER",
            "eventType": V2_OF.get(event["type"], event["type"]),
            "timestamp": event["timestamp"],
            "invoiceNumber": item.get("invoiceNumber"),
            "orderNumber": item.get("orderNumber"),
            "purchaseOrderNumber": item.get("purchaseOrderNumber"),
            "invoiceDate": item.get("invoiceDate"),
            "isCreditMemo": item.get("isCreditMemo"),
            "billToAccount": event.get("billToAccount"),
            "data": item,
        }
    )
