"""the native API: idempotency keys, and indexes for its cursor pages and change feed

Revision ID: 0008
Revises: 0006

`idempotency_keys` holds the admin API's `Idempotency-Key`s (one row per route and key: the
request's fingerprint and its answer). The indexes serve `GET /v1/invoices` (newest first by id
within a customer) and `GET /v1/events` (a partner's events after an id).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "idempotency_keys",
        sa.Column("scope", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("media_type", sa.String(length=128), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("scope", "key", name=op.f("pk_idempotency_keys")),
    )
    op.create_index(
        op.f("ix_idempotency_keys_expires_at"), "idempotency_keys", ["expires_at"], unique=False
    )
    op.create_index("ix_invoices_customer_id", "invoices", ["environment", "customer_number", "id"])
    op.create_index(
        "ix_webhook_events_customer_id",
        "webhook_events",
        ["environment", "customer_number", "id"],
    )
    op.create_index(
        "ix_webhook_events_bill_to_id",
        "webhook_events",
        ["environment", "bill_to_account", "id"],
    )


def downgrade() -> None:
    op.drop_index("ix_webhook_events_bill_to_id", table_name="webhook_events")
    op.drop_index("ix_webhook_events_customer_id", table_name="webhook_events")
    op.drop_index("ix_invoices_customer_id", table_name="invoices")
    op.drop_index(op.f("ix_idempotency_keys_expires_at"), table_name="idempotency_keys")
    op.drop_table("idempotency_keys")
