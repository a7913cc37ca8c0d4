"""Webhook endpoints, the event outbox, deliveries (one per event and endpoint) and attempts.

`webhook_events` is a transactional outbox: ingest writes a row in the same transaction as the
invoice change, and the worker fans it out to `webhook_deliveries` later. Every HTTP request the
worker makes is a `webhook_attempts` row, written before the request is sent.
"""

from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from invoiceport.platform.db import BigId as Id
from invoiceport.platform.db import UTCDateTime, metadata

webhook_endpoints = Table(
    "webhook_endpoints",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "partner_id",
        Integer,
        ForeignKey("partners.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("url", String(2048), nullable=False),
    Column("environment", String(16), nullable=False),
    Column("event_types", Text, nullable=False),  # space-separated
    # The signing secret: the seed itself, or derived from it with the server's signing key
    # (`secret_key_id` names that key; null means the seed is the secret). See signing.py.
    Column("secret_seed", String(64), nullable=False),
    Column("secret_key_id", String(16)),
    Column("previous_secret_seed", String(64)),
    Column("previous_secret_key_id", String(16)),
    Column("previous_secret_expires_at", UTCDateTime),
    Column("status", String(16), nullable=False),  # enabled | disabled
    Column("disabled_reason", Text),
    Column("disabled_at", UTCDateTime),
    Column("failing_since", UTCDateTime),  # first failure since the last success
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

webhook_events = Table(
    "webhook_events",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("message_id", String(40), nullable=False, unique=True),  # the webhook-id header
    Column("event_type", String(32), nullable=False),
    Column("environment", String(16), nullable=False),
    Column("customer_number", String(64), nullable=False),
    Column("bill_to_account", String(64), nullable=False),
    Column("invoice_number", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("payload", Text, nullable=False),  # the exact bytes that are signed and sent
    Column("created_at", UTCDateTime, nullable=False),
    Column("dispatched_at", UTCDateTime),
    Index(None, "dispatched_at", "id"),
)

webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column(
        "endpoint_id",
        Integer,
        ForeignKey("webhook_endpoints.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column(
        "event_id",
        Id,
        ForeignKey("webhook_events.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("status", String(16), nullable=False),  # pending | succeeded | failed | cancelled
    Column("attempt_count", Integer, nullable=False),
    Column("retry_index", Integer, nullable=False),  # position in the retry schedule
    Column("next_attempt_at", UTCDateTime, nullable=False),
    Column("locked_until", UTCDateTime),  # a worker's lease while it sends
    Column("current_attempt_id", Id),
    Column("last_status_code", Integer),
    Column("last_error", Text),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("delivered_at", UTCDateTime),
    UniqueConstraint("endpoint_id", "event_id"),
    Index(None, "status", "next_attempt_at"),
)

webhook_attempts = Table(
    "webhook_attempts",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column(
        "delivery_id",
        Id,
        ForeignKey("webhook_deliveries.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("number", Integer, nullable=False),
    Column("worker", String(128), nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime),
    Column("outcome", String(16)),  # succeeded | failed | abandoned; null while sending
    Column("status_code", Integer),
    Column("duration_ms", Integer),
    Column("error", Text),
    Column("response_excerpt", Text),
    # One attempt number per delivery: two workers can never both make attempt N.
    UniqueConstraint("delivery_id", "number"),
)

# The change feed: a partner's events after an id, by customer or bill-to (migration 0008).
Index(
    "ix_webhook_events_customer_id",
    webhook_events.c.environment,
    webhook_events.c.customer_number,
    webhook_events.c.id,
)
Index(
    "ix_webhook_events_bill_to_id",
    webhook_events.c.environment,
    webhook_events.c.bill_to_account,
    webhook_events.c.id,
)
