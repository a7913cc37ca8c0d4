"""Which invoices a query matches: `InvoiceQuery`, its SQL (`filtered`), its exact count (the
stored one where a row of `invoice_counts` answers) and a page of its matches in the stable
newest-first order. Functions take a connection; the caller owns the transaction.

The writes (rows, counts, COPY) are the package's (`invoices.repository`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, func, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.elements import BindParameter

from invoiceport.invoices.repository import STORED_COLUMNS, CountKey, stored
from invoiceport.invoices.schemas import StoredInvoice
from invoiceport.invoices.tables import LineValue, document_text, invoice_counts, invoices
from invoiceport.partners.tables import partner_customers


@dataclass(frozen=True, slots=True)
class InvoiceQuery:
    """The filters every dialect offers, applied in one place. Dates are inclusive."""

    environment: str
    customer_numbers: tuple[str, ...] = ()
    bill_to_accounts: tuple[str, ...] = ()
    invoice_number: str | None = None
    sales_order_number: str | None = None
    po_number: str | None = None
    invoice_date_from: date | None = None
    invoice_date_to: date | None = None
    order_date_from: datetime | None = None
    order_date_to: datetime | None = None
    status: str | None = None
    document_type: str | None = None
    dated_from: date | None = None
    """Ingram's lookback window: invoiced on or after this day (an open order without an
    invoice date: ordered on or after it, or undated)."""
    # Read from the stored document (no column; tables.LineValue, tables.document_text):
    due_date_from: date | None = None
    due_date_to: date | None = None
    end_user_po_number: str | None = None
    delivery_number: str | None = None
    special_bid_number: str | None = None
    serial_number: str | None = None
    """A serial number on one of the lines."""
    updated_from: datetime | None = None
    updated_to: datetime | None = None
    granted_to: int | None = None
    """Every customer number and bill-to account granted to this partner (beside the above)."""
    original_invoice_number: str | None = None


def filtered(query: Select[Any], q: InvoiceQuery) -> Select[Any]:
    """`query` narrowed to the invoices `q` matches."""
    c = invoices.c
    query = query.where(c.environment == q.environment)
    scopes = []
    if q.customer_numbers:
        scopes.append(c.customer_number.in_(q.customer_numbers))
    if q.bill_to_accounts:
        scopes.append(c.bill_to_account.in_(q.bill_to_accounts))
    if q.granted_to is not None:
        grants = partner_customers.c
        mine = select(grants.customer_number).where(grants.partner_id == q.granted_to)
        scopes += [c.customer_number.in_(mine), c.bill_to_account.in_(mine)]
    if not scopes:
        raise ValueError("an invoice query must be scoped to customers or bill-to accounts")
    query = query.where(or_(*scopes))
    if q.invoice_number is not None:
        query = query.where(c.invoice_number == q.invoice_number)
    if q.sales_order_number is not None:
        query = query.where(c.sales_order_number == q.sales_order_number)
    if q.po_number is not None:
        query = query.where(c.po_number == q.po_number)
    if q.invoice_date_from is not None:
        query = query.where(c.invoice_date >= q.invoice_date_from)
    if q.invoice_date_to is not None:
        query = query.where(c.invoice_date <= q.invoice_date_to)
    if q.order_date_from is not None:
        query = query.where(c.order_date >= q.order_date_from)
    if q.order_date_to is not None:
        query = query.where(c.order_date <= q.order_date_to)
    if q.status is not None:
        query = query.where(c.status == q.status)
    if q.document_type is not None:
        query = query.where(c.document_type == q.document_type)
    if q.dated_from is not None:
        query = query.where(dated_from(q.dated_from))
    if q.updated_from is not None:
        query = query.where(c.updated_at >= q.updated_from)
    if q.updated_to is not None:
        query = query.where(c.updated_at <= q.updated_to)
    if q.original_invoice_number is not None:
        query = query.where(c.original_invoice_number == q.original_invoice_number)
    return _document_filters(query, q)


def dated_from(day: date) -> ColumnElement[bool]:
    """Invoiced on or after `day`; without an invoice date: ordered on or after it, or undated."""
    c = invoices.c
    since = midnight(day)
    undated = and_(c.invoice_date.is_(None), or_(c.order_date.is_(None), c.order_date >= since))
    return or_(c.invoice_date >= day, undated)


def dated_before(day: date) -> ColumnElement[bool]:
    """Exactly the rows `dated_from(day)` leaves out (each branch an index range)."""
    c = invoices.c
    since = midnight(day)
    return or_(c.invoice_date < day, and_(c.invoice_date.is_(None), c.order_date < since))


def midnight(day: date) -> Any:
    """The start of `day` in UTC, for the order-date side of a lookback window. For a statement
    built once with `day` a named parameter (`reads.repository.page`), the parameter of the same
    name with `_since` appended, whose value `since_value` gives."""
    if isinstance(day, BindParameter):
        return bindparam(f"{day.key}_since")
    return datetime.combine(day, time(), UTC)


def since_value(day: date) -> datetime:
    return datetime.combine(day, time(), UTC)


def _document_filters(query: Select[Any], q: InvoiceQuery) -> Select[Any]:
    """The filters read from the stored document (after the column filters)."""
    if q.due_date_from is not None:
        query = query.where(document_text("due_date") >= q.due_date_from.isoformat())
    if q.due_date_to is not None:
        query = query.where(document_text("due_date") <= q.due_date_to.isoformat())
    if q.end_user_po_number is not None:
        query = query.where(document_text("end_user_po_number") == q.end_user_po_number)
    for field, value, many in (
        ("delivery_number", q.delivery_number, False),
        ("special_bid_number", q.special_bid_number, False),
        ("serial_numbers", q.serial_number, True),
    ):
        if value is not None:
            query = query.where(LineValue(field, value, many=many))
    return query


async def count(conn: AsyncConnection, q: InvoiceQuery) -> int:
    """The exact number of matches, counted (`count(*)`)."""
    result = await conn.execute(filtered(select(func.count()).select_from(invoices), q))
    return int(result.scalar_one())


_SCOPES = frozenset({"environment", "customer_numbers", "bill_to_accounts"})


def count_scope(q: InvoiceQuery) -> CountKey | None:
    """The `invoice_counts` row whose n is exactly `count(q)`, if there is one: the query is one
    customer number alone, or one bill-to account alone, and nothing else. (A customer number and
    a bill-to account together match their union, which no stored number is.) Any other field of
    the query, present or future, not at its default of None means a filter: no stored count."""
    if any(getattr(q, f.name) is not None for f in fields(q) if f.name not in _SCOPES):
        return None
    if len(q.customer_numbers) == 1 and not q.bill_to_accounts:
        return ("customer", q.environment, q.customer_numbers[0])
    if len(q.bill_to_accounts) == 1 and not q.customer_numbers:
        return ("bill_to", q.environment, q.bill_to_accounts[0])
    return None


async def stored_count(conn: AsyncConnection, q: InvoiceQuery) -> int | None:
    """`count(q)` read from `invoice_counts` (one row, not one per match), or None when the query
    is not one that table answers (then `count` it)."""
    key = count_scope(q)
    if key is None:
        return None
    scope, environment, account = key
    c = invoice_counts.c
    query = select(c.n).where(c.scope == scope, c.environment == environment, c.account == account)
    n = (await conn.execute(query)).scalar_one_or_none()
    return 0 if n is None else int(n)


def page_order(by_order_date: bool, *, oldest_first: bool) -> tuple[ColumnElement[Any], ...]:
    """Newest first by invoice date (or order date), then invoice number, then id: stable, and
    held by the newest-first indexes; `oldest_first` is its exact reverse."""
    c = invoices.c
    first = c.order_date if by_order_date else c.invoice_date
    if oldest_first:
        return (first.asc().nulls_first(), c.invoice_number.asc(), c.id.asc())
    return (first.desc().nulls_last(), c.invoice_number.desc(), c.id.desc())


async def search(
    conn: AsyncConnection,
    q: InvoiceQuery,
    *,
    offset: int,
    limit: int,
    by_order_date: bool = False,
    oldest_first: bool = False,
) -> list[StoredInvoice]:
    """One page, newest first: by invoice date (or order date), then invoice number; stable.

    `oldest_first` reads the exact reverse order (the same index, scanned the other way), so that
    the caller can reach a deep page from the far end instead of skipping most of the matches."""
    order = page_order(by_order_date, oldest_first=oldest_first)
    query = filtered(select(*STORED_COLUMNS), q).order_by(*order)
    rows = (await conn.execute(query.offset(offset).limit(limit))).all()
    return [stored(row) for row in rows]


async def find_by_number(
    conn: AsyncConnection, environment: str, invoice_number: str, customer_numbers: Sequence[str]
) -> StoredInvoice | None:
    """An invoice by number among the given customers' invoices (for routes without a customer)."""
    if not customer_numbers:
        return None
    query = (
        select(*STORED_COLUMNS)
        .where(
            invoices.c.environment == environment,
            invoices.c.invoice_number == invoice_number,
            or_(
                invoices.c.customer_number.in_(customer_numbers),
                invoices.c.bill_to_account.in_(customer_numbers),
            ),
        )
        .order_by(invoices.c.id)
        .limit(1)
    )
    row = (await conn.execute(query)).first()
    return None if row is None else stored(row)
