"""One row per (scope, key): the request's fingerprint and, once answered, the answer."""

from sqlalchemy import Column, Index, Integer, PrimaryKeyConstraint, String, Table, Text

from invoiceport.platform.db import UTCDateTime, metadata

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("scope", String(64), nullable=False),  # the route, e.g. "admin:/admin/v1/invoices"
    Column("key", String(255), nullable=False),
    Column("fingerprint", String(64), nullable=False),  # SHA-256 of the request
    Column("state", String(16), nullable=False),  # in_flight | done
    Column("status", Integer),
    Column("media_type", String(128)),
    Column("body", Text),
    Column("created_at", UTCDateTime, nullable=False),
    Column("locked_until", UTCDateTime, nullable=False),  # an in-flight request's lease
    Column("expires_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("scope", "key"),
    Index(None, "expires_at"),
)
