"""e-invoices (issue 16): an index for `invoiceport export --since` across customers

Revision ID: 0009
Revises: 0008 (issued as 0006; chained after the native API's 0008 once merged)

The EN 16931 fields of the canonical invoice (seller, buyer ids, buyer reference, VAT categories
and rates, payment means, tax point date...) are optional parts of the stored JSON document:
existing documents stay valid as they are and need no rewrite. What the export adds is a scan of
one environment's invoices by invoice date, in id order, without a customer: this index serves it
(with a customer, the customer's newest-first index does).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_invoices_environment_invoice_date", "invoices", ["environment", "invoice_date"]
    )


def downgrade() -> None:
    op.drop_index("ix_invoices_environment_invoice_date", table_name="invoices")
