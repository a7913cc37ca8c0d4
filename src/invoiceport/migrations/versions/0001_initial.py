"""initial schema: invoices, partners, credentials

Revision ID: 0001
Revises:
Create Date: 2026-11-21 04:29:20.468350
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from invoiceport.platform import db as ipdb

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "invoices",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("environment", sa.String(length=16), nullable=False),
        sa.Column("customer_number", sa.String(length=64), nullable=False),
        sa.Column("invoice_number", sa.String(length=64), nullable=False),
        sa.Column("bill_to_account", sa.String(length=64), nullable=False),
        sa.Column("document_type", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=True),
        sa.Column("sales_order_number", sa.String(length=255), nullable=True),
        sa.Column("po_number", sa.String(length=255), nullable=True),
        sa.Column("invoice_date", sa.Date(), nullable=True),
        sa.Column("order_date", ipdb.UTCDateTime(timezone=True), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("total", ipdb.ExactDecimal(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", ipdb.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", ipdb.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoices")),
        sa.UniqueConstraint(
            "environment",
            "customer_number",
            "invoice_number",
            name=op.f("uq_invoices_environment_customer_number_invoice_number"),
        ),
    )
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_invoices_environment_bill_to_account_order_date"),
            ["environment", "bill_to_account", "order_date"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_invoices_environment_customer_number_invoice_date_invoice_number"),
            ["environment", "customer_number", "invoice_date", "invoice_number"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_invoices_environment_customer_number_po_number"),
            ["environment", "customer_number", "po_number"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_invoices_environment_customer_number_sales_order_number"),
            ["environment", "customer_number", "sales_order_number"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_invoices_environment_invoice_number"),
            ["environment", "invoice_number"],
            unique=False,
        )

    op.create_table(
        "partners",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("created_at", ipdb.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partners")),
    )
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("key_prefix", sa.String(length=12), nullable=False),
        sa.Column("created_at", ipdb.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", ipdb.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_api_keys_partner_id_partners"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_api_keys_key_hash")),
    )
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_keys_partner_id"), ["partner_id"], unique=False)

    op.create_table(
        "oauth_clients",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("scopes", sa.Text(), nullable=False),
        sa.Column("created_at", ipdb.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", ipdb.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_oauth_clients_partner_id_partners"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oauth_clients")),
        sa.UniqueConstraint("client_id", name=op.f("uq_oauth_clients_client_id")),
    )
    with op.batch_alter_table("oauth_clients", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_oauth_clients_partner_id"), ["partner_id"], unique=False
        )

    op.create_table(
        "partner_customers",
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("customer_number", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_partner_customers_partner_id_partners"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("partner_id", "customer_number", name=op.f("pk_partner_customers")),
    )
    with op.batch_alter_table("partner_customers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_partner_customers_customer_number"), ["customer_number"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("partner_customers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partner_customers_customer_number"))

    op.drop_table("partner_customers")
    with op.batch_alter_table("oauth_clients", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_oauth_clients_partner_id"))

    op.drop_table("oauth_clients")
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_keys_partner_id"))

    op.drop_table("api_keys")
    op.drop_table("partners")
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invoices_environment_invoice_number"))
        batch_op.drop_index(
            batch_op.f("ix_invoices_environment_customer_number_sales_order_number")
        )
        batch_op.drop_index(batch_op.f("ix_invoices_environment_customer_number_po_number"))
        batch_op.drop_index(
            batch_op.f("ix_invoices_environment_customer_number_invoice_date_invoice_number")
        )
        batch_op.drop_index(batch_op.f("ix_invoices_environment_bill_to_account_order_date"))

    op.drop_table("invoices")
