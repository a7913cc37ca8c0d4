"""portal and console: web users and sessions, rejected documents, due dates and credit memo links

Revision ID: 0010
Revises: 0009

The partner portal and the supplier console (issue 17) sign people in: `web_users` (a partner's
portal users, the supplier's console users; argon2id password hashes, invitation digests, lockout)
and `web_sessions` (session token digests, revoked on logout and password change).
`rejected_documents` keeps what ingest refused, with its per-field errors, for the console.
Invoices gain two filter columns read from the stored document: `due_date` (the statement of
account's aging) and `original_invoice_number` (a credit memo's invoice); the backfill reads them
from the documents already stored.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from invoiceport.platform.db import UTCDateTime

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "web_users",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("invite_hash", sa.String(length=64), nullable=True),
        sa.Column("invite_expires_at", UTCDateTime(), nullable=True),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("disabled_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_web_users_partner_id_partners"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_users")),
        sa.UniqueConstraint("invite_hash", name=op.f("uq_web_users_invite_hash")),
    )
    op.create_index(op.f("ix_web_users_partner_id"), "web_users", ["partner_id"])
    op.create_index("ux_web_users_role_email", "web_users", ["role", "email"], unique=True)
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["web_users.id"],
            name=op.f("fk_web_sessions_user_id_web_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_web_sessions_token_hash")),
    )
    op.create_index(op.f("ix_web_sessions_user_id"), "web_sessions", ["user_id"])
    op.create_table(
        "rejected_documents",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("line", sa.Integer(), nullable=True),
        sa.Column("customer_number", sa.String(length=255), nullable=True),
        sa.Column("invoice_number", sa.String(length=255), nullable=True),
        sa.Column("errors", sa.Text(), nullable=False),
        sa.Column("excerpt", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rejected_documents")),
    )
    op.create_index(
        op.f("ix_rejected_documents_received_at"), "rejected_documents", ["received_at"]
    )
    op.add_column("invoices", sa.Column("due_date", sa.Date(), nullable=True))
    op.add_column(
        "invoices", sa.Column("original_invoice_number", sa.String(length=255), nullable=True)
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "UPDATE invoices SET due_date = (document::jsonb ->> 'due_date')::date,"
            " original_invoice_number = document::jsonb ->> 'original_invoice_number'"
            " WHERE document LIKE '%\"due_date\"%' OR document LIKE '%\"original_invoice_number\"%'"
        )
    else:
        op.execute(
            "UPDATE invoices SET due_date = json_extract(document, '$.due_date'),"
            " original_invoice_number = json_extract(document, '$.original_invoice_number')"
        )
    op.create_index(
        op.f("ix_invoices_environment_customer_number_original_invoice_number"),
        "invoices",
        ["environment", "customer_number", "original_invoice_number"],
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_invoices_environment_customer_number_original_invoice_number"), "invoices"
    )
    # Not a batch copy: recreating `invoices` on SQLite would cascade to the rows that refer to it.
    op.execute("ALTER TABLE invoices DROP COLUMN original_invoice_number")
    op.execute("ALTER TABLE invoices DROP COLUMN due_date")
    op.drop_table("rejected_documents")
    op.drop_table("web_sessions")
    op.drop_table("web_users")
