"""Webhook subscriptions, deliveries and attempts as the API shows them (never a secret)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

EventType = Literal[
    "invoice.created", "invoice.updated", "creditmemo.created", "creditmemo.updated"
]
EVENT_TYPES: tuple[EventType, ...] = (
    "invoice.created",
    "invoice.updated",
    "creditmemo.created",
    "creditmemo.updated",
)
MAX_URL_LENGTH = 2048
NOTIFICATION = "notification"
"""The delivery style of ABC Supply's v2 notification subscriptions: the secret in
`Authorization`, the body from the registered notification renderer (`payloads`)."""
MAX_NOTIFICATIONS_PER_CLIENT = 5
DeliveryStatus = Literal["pending", "succeeded", "failed", "cancelled"]
DELIVERY_STATUSES: tuple[DeliveryStatus, ...] = ("pending", "succeeded", "failed", "cancelled")


class EndpointCreate(BaseModel):
    """`POST /api/invoice/v1/webhooks`. `environment` is an extension (default production)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: Annotated[str, StringConstraints(min_length=1, max_length=MAX_URL_LENGTH)]
    events: list[EventType] = Field(min_length=1, max_length=len(EVENT_TYPES))
    environment: Literal["production", "sandbox"] = "production"


@dataclass(frozen=True, slots=True)
class Endpoint:
    id: int
    partner_id: int
    url: str
    environment: str
    events: tuple[str, ...]
    status: str
    disabled_reason: str | None
    disabled_at: datetime | None
    failing_since: datetime | None
    created_at: datetime
    updated_at: datetime
    previous_secret_expires_at: datetime | None
    style: str | None = None
    """None: Standard Webhooks; `notification`: ABC's v2 notifications (`notifications.py`)."""
    client_id: str | None = None


@dataclass(frozen=True, slots=True)
class Delivery:
    id: int
    endpoint_id: int
    message_id: str
    event_type: str
    invoice_number: str
    version: int
    status: str
    attempt_count: int
    next_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    created_at: datetime
    updated_at: datetime
    delivered_at: datetime | None


@dataclass(frozen=True, slots=True)
class Attempt:
    id: int
    delivery_id: int
    number: int
    worker: str
    started_at: datetime
    finished_at: datetime | None
    outcome: str | None
    status_code: int | None
    duration_ms: int | None
    error: str | None
    response_excerpt: str | None


@dataclass(frozen=True, slots=True)
class IssuedEndpoint:
    endpoint: Endpoint
    secret: str  # shown once
