"""The invoices table: filters are real indexed columns; the document is stored beside them."""

import json
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    ColumnElement,
    Date,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    literal,
)
from sqlalchemy.ext.compiler import compiles

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
    Column("due_date", Date),  # the statement of account's aging (migration 0010)
    Column("original_invoice_number", String(255)),  # a credit memo's invoice (0010)
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
    Index(None, "environment", "customer_number", "original_invoice_number"),
)

# Pages are read newest first (`date DESC NULLS LAST, invoice_number DESC`): these indexes hold that
# order, so a page is an index range instead of a sort of every match (migration 0004).
# On PostgreSQL the customer's index also holds the other columns a listing shows (migration
# 0011): a portal list page and its filters read the index alone.
Index(
    "ix_invoices_customer_newest",
    invoices.c.environment,
    invoices.c.customer_number,
    invoices.c.invoice_date.desc().nulls_last(),
    invoices.c.invoice_number.desc(),
    postgresql_include=[
        "document_type",
        "status",
        "sales_order_number",
        "po_number",
        "due_date",
        "currency",
        "total",
    ],
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

# What ingest refused, with per-field errors, for the console (migration 0010).
rejected_documents = Table(
    "rejected_documents",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("received_at", UTCDateTime, nullable=False, index=True),
    Column("source", String(32), nullable=False),  # "admin", "admin-bulk", "import"
    Column("line", Integer),
    Column("customer_number", String(255)),
    Column("invoice_number", String(255)),
    Column("errors", Text, nullable=False),  # JSON list of "field: message"
    Column("excerpt", Text, nullable=False),  # the document's first 2,000 characters
)

# The native API's cursor pages: newest first by id within a customer (migration 0008).
Index("ix_invoices_customer_id", invoices.c.environment, invoices.c.customer_number, invoices.c.id)

# `invoiceport export --since` over every customer of an environment (migration 0009).
Index("ix_invoices_environment_invoice_date", invoices.c.environment, invoices.c.invoice_date)

# --- matching inside the stored document ------------------------------------------------------
# Some filters (Ingram's invoice search v6: due dates, end-customer order, and the delivery,
# special-bid and serial numbers of the lines) have no column: they are read from the stored JSON
# document, within the rows the indexed columns already narrowed (one customer's invoices).


class LineValue(ColumnElement[bool]):
    """True when a line of the stored document has `value` as its `field`, or among its `field`
    list (`many`): `lines[*].field == value` / `value in lines[*].field[*]`."""

    inherit_cache = False
    type = Boolean()

    def __init__(self, field: str, value: str, *, many: bool) -> None:
        if not field.isidentifier():
            raise ValueError(f"not a document field: {field!r}")
        self.field = field
        self.value = value
        self.many = many


@compiles(LineValue, "postgresql")
def _line_value_postgresql(element: LineValue, compiler: Any, **kw: Any) -> str:
    wanted = [element.value] if element.many else element.value
    pattern = json.dumps({"lines": [{element.field: wanted}]})
    bound = compiler.process(literal(pattern, String()), **kw)
    document = compiler.process(invoices.c.document, **kw)
    return f"(CAST({document} AS JSONB) @> CAST({bound} AS JSONB))"


@compiles(LineValue)
def _line_value_sqlite(element: LineValue, compiler: Any, **kw: Any) -> str:
    bound = compiler.process(literal(element.value, String()), **kw)
    document = compiler.process(invoices.c.document, **kw)
    path = f"'$.{element.field}'"  # the field is a checked identifier, the value is bound
    if element.many:
        return (
            f"EXISTS (SELECT 1 FROM json_each({document}, '$.lines') AS doc_line, "  # noqa: S608
            f"json_each(doc_line.value, {path}) AS doc_item WHERE doc_item.value = {bound})"
        )
    return (
        f"EXISTS (SELECT 1 FROM json_each({document}, '$.lines') AS doc_line "  # noqa: S608
        f"WHERE json_extract(doc_line.value, {path}) = {bound})"
    )


class DocumentText(ColumnElement[str]):
    """A top-level text (or ISO date) field of the stored document, as text (NULL if absent)."""

    inherit_cache = False
    type = String()

    def __init__(self, field: str) -> None:
        if not field.isidentifier():
            raise ValueError(f"not a document field: {field!r}")
        self.field = field


@compiles(DocumentText, "postgresql")
def _document_text_postgresql(element: DocumentText, compiler: Any, **kw: Any) -> str:
    document = compiler.process(invoices.c.document, **kw)
    return f"(CAST({document} AS JSONB) ->> '{element.field}')"


@compiles(DocumentText)
def _document_text_sqlite(element: DocumentText, compiler: Any, **kw: Any) -> str:
    document = compiler.process(invoices.c.document, **kw)
    return f"json_extract({document}, '$.{element.field}')"


def document_text(field: str) -> DocumentText:
    return DocumentText(field)
