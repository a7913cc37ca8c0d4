"""invoices: the customer's newest-first index also holds the portal's listing columns

Revision ID: 0011
Revises: 0010

The portal's invoice list (`reads.repository.listings`) reads ten columns of 50 invoices, never
the document, and counts a filter's matches up to 10,001. On PostgreSQL the customer's
newest-first index (0004) now carries the other listed columns (`INCLUDE`: document type, status,
sales order and PO numbers, due date, currency, total), so a listing page is an index-only scan
and a status or document type filter is tested on the index entries instead of fetching every
row of the customer (a filter matching nothing over 200,000 invoices: about 0.55 s to 0.11 s).
Key columns and order are unchanged, so every page that used the index still does. SQLite has no
`INCLUDE`: its index stays as it was, and this revision changes nothing there.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAME = "ix_invoices_customer_newest"
KEY = (
    "environment",
    "customer_number",
    sa.text("invoice_date DESC NULLS LAST"),
    sa.text("invoice_number DESC"),
)
INCLUDED = (
    "document_type",
    "status",
    "sales_order_number",
    "po_number",
    "due_date",
    "currency",
    "total",
)


def _replace(include: Sequence[str]) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index(NAME, table_name="invoices")
    op.create_index(NAME, "invoices", list(KEY), postgresql_include=list(include))


def upgrade() -> None:
    _replace(INCLUDED)


def downgrade() -> None:
    _replace(())
