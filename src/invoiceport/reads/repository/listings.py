"""Listings (the portal's invoice lists): keyset pages of listing columns, never the documents,
with the credential and its grant in the same statement."""

from typing import Any

from sqlalchemy import Select, and_, func, or_, select, true
from sqlalchemy.sql.elements import ColumnElement

from invoiceport.invoices.repository import InvoiceQuery, count_scope, filtered
from invoiceport.invoices.tables import invoices
from invoiceport.reads.repository import (
    Kind,
    _all_granted,
    _credential_columns,
    _total,
    credential,
)

LISTED_COLUMNS = (
    "customer_number",
    "invoice_number",
    "document_type",
    "status",
    "sales_order_number",
    "po_number",
    "invoice_date",
    "due_date",
    "currency",
    "total",
)
"""What a listing reads of each invoice: columns, never the document."""
CAPPED_COUNT = 10_000
"""A filtered listing counts its matches up to this many (a count costs what it reads)."""


def past(cursor: tuple[Any, str] | None) -> ColumnElement[bool] | None:
    """Past the (invoice date, invoice number) `cursor`, newest first (dates NULL come last);
    the redundant `invoice_date <= d` lets the newest-first index serve it as a range."""
    if cursor is None:
        return None
    c = invoices.c
    day, number = cursor
    if day is None:
        return and_(c.invoice_date.is_(None), c.invoice_number < number)
    return and_(
        c.invoice_date <= day,
        or_(c.invoice_date < day, c.invoice_number < number),
    )


def listing(
    kind: Kind | None,
    query: InvoiceQuery,
    limit: int,
    cursor: tuple[Any, str] | None,
    *,
    null_dates_only: bool = False,
) -> Select[Any]:
    """With a credential `kind`: the credential, its grant of `:grant_account`, the number of
    matches (exact when stored, else counted up to `CAPPED_COUNT` + 1) and the first `limit`
    matches past `cursor` (newest first), read only where every account of `query` is granted.
    Without (`kind` None; the caller checked the grant): the rows alone."""
    c = invoices.c
    rows = filtered(select(*(c[name] for name in LISTED_COLUMNS)), query)
    condition = past(cursor)
    if condition is not None:
        rows = rows.where(condition)
    if null_dates_only:
        rows = rows.where(c.invoice_date.is_(None))
    order = (c.invoice_date.desc().nulls_last(), c.invoice_number.desc())
    if kind is None:
        return rows.order_by(*order).limit(limit)
    cred = credential(kind)
    guard = _all_granted(kind, (*query.customer_numbers, *query.bill_to_accounts))
    found = rows.where(guard).order_by(*order).limit(limit).subquery("found")
    if count_scope(query) is not None:
        total = _total(query, guard)
    else:
        capped = filtered(select(c.id), query).where(guard).limit(CAPPED_COUNT + 1).subquery()
        total = select(func.count()).select_from(capped).scalar_subquery()
    f = found.c
    return (
        select(
            *_credential_columns(cred, True),
            total.label("matches"),
            *(f[name] for name in LISTED_COLUMNS),
        )
        .select_from(cred.outerjoin(found, true()))
        .order_by(f.invoice_date.desc().nulls_last(), f.invoice_number.desc())
    )
