"""The invoices table: filters are real indexed columns; the document is stored beside them."""

from sqlalchemy import (
    Column,
    Date,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from invoiceport.platform.db import BigId as Id
from invoiceport.platform.db import ExactDecimal, UTCDateTime, metadata

invoices = Table(
    "invoices",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("environment", String(16), nullable=False),
    Column("customer_number", String(64), nullable=False),
    Column("invoice_number", String(64), nullable=False),
    Column("bill_to_account", String(64), nullable=False),
    Column("document_type", String(16), nullable=False),
    Column("status", String(16)),
    Column("sales_order_number", String(255)),
    Column("po_number", String(255)),
    Column("invoice_date", Date),
    Column("order_date", UTCDateTime),
    Column("currency", String(3), nullable=False),
    Column("total", ExactDecimal, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("document", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("environment", "customer_number", "invoice_number"),
    # Queries are scoped by (environment, customer) first; each index serves one access path.
    Index(None, "environment", "customer_number", "po_number"),
    Index(None, "environment", "customer_number", "sales_order_number"),
    Index(None, "environment", "invoice_number"),
)

# Pages are read newest first (`date DESC NULLS LAST, invoice_number DESC`): these indexes hold that
# order, so a page is an index range instead of a sort of every match (migration 0004).
Index(
    "ix_invoices_customer_newest",
    invoices.c.environment,
    invoices.c.customer_number,
    invoices.c.invoice_date.desc().nulls_last(),
    invoices.c.invoice_number.desc(),
)
Index(
    "ix_invoices_bill_to_newest",
    invoices.c.environment,
    invoices.c.bill_to_account,
    invoices.c.order_date.desc().nulls_last(),
    invoices.c.invoice_number.desc(),
)

# The exact number of invoices of each (environment, customer_number) (scope "customer") and of each
# (environment, bill_to_account) (scope "bill_to"), so that a page's total is one row instead of a
# count of all the matches. Kept in the transaction of every write (repository.add_counts).
COUNT_SCOPES = ("customer", "bill_to")
invoice_counts = Table(
    "invoice_counts",
    metadata,
    Column("scope", String(16), nullable=False),
    Column("environment", String(16), nullable=False),
    Column("account", String(64), nullable=False),
    Column("n", Integer, nullable=False),
    PrimaryKeyConstraint("scope", "environment", "account"),
)

# The native API's cursor pages: newest first by id within a customer (migration 0008).
Index("ix_invoices_customer_id", invoices.c.environment, invoices.c.customer_number, invoices.c.id)

# `invoiceport export --since` over every customer of an environment (migration 0009).
Index("ix_invoices_environment_invoice_date", invoices.c.environment, invoices.c.invoice_date)
