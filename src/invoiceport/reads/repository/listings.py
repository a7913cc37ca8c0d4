"""Listings (the portal's invoice lists): keyset pages of listing columns, never the documents,
with the credential and its grant in the same statement.

Built once per shape of query, like the page statements (`reads.repository.page`): which filters
are set, whether there is a cursor and whether it has a date, the number of rows. A request only
binds values, and the statement runs like every read of the read path (`repository.rows`)."""

from collections.abc import Hashable, Mapping
from typing import Any

from sqlalchemy import (
    Date,
    Select,
    String,
    and_,
    bindparam,
    func,
    literal_column,
    select,
    true,
    tuple_,
)
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql.elements import ColumnElement

from invoiceport.invoices.repository.filters import InvoiceQuery, count_scope, filtered
from invoiceport.invoices.tables import invoices
from invoiceport.platform.lru import LRU
from invoiceport.reads.repository import (
    _ONE_OFF,
    _all_granted,
    _credential_columns,
    _placeholders,
    _total,
    bound,
    rows_of,
)
from invoiceport.reads.repository.credentials import Kind, credential

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

Cursor = tuple[Any, Any]
"""The last row's (invoice date, invoice number)."""


def past(cursor: Cursor | None) -> ColumnElement[bool] | None:
    """Past the (invoice date, invoice number) `cursor`, newest first (dates NULL come last).
    One row comparison, which the newest-first index serves as a range (its start is found by
    the index itself, not by reading and dropping the rest of the cursor's day); the redundant
    `invoice_date <= d` lets SQLite use it too. Rows without a date are never past a dated
    cursor here: they come last and are read on their own (`null_dates_only`)."""
    if cursor is None:
        return None
    c = invoices.c
    day, number = cursor
    if day is None:
        return and_(c.invoice_date.is_(None), c.invoice_number < number)
    return and_(
        c.invoice_date <= day,
        tuple_(c.invoice_date, c.invoice_number) < tuple_(day, number),
    )


_LISTINGS: LRU[Hashable, Select[Any]] = LRU(256)
"""Listing statements by shape: a few per page in practice, bounded whatever clients send."""


def listing(
    kind: Kind | None,
    query: InvoiceQuery,
    limit: int,
    cursor: Cursor | None,
    *,
    null_dates_only: bool = False,
) -> tuple[Select[Any], dict[str, Any] | None]:
    """The statement of `_build` and the values to bind to it: built once per shape of query
    and cursor. Values None: a statement built for this query alone (a filter read from the
    stored document, whose SQL holds its value), to run as it is."""
    if any(getattr(query, name) is not None for name in _ONE_OFF):
        return _build(kind, query, limit, cursor, null_dates_only), None
    shape, values = bound(query)
    marks: Cursor | None = None
    if cursor is not None:
        day, number = cursor
        values["after_number"] = number
        if day is not None:
            values["after_date"] = day
        marks = (
            None if day is None else bindparam("after_date", type_=Date),
            bindparam("after_number", type_=String),
        )
    dated = None if cursor is None else cursor[0] is not None
    key = (kind, shape, limit, dated, null_dates_only)
    found = _LISTINGS.get(key)
    if found is None:
        found = _build(kind, _placeholders(query), limit, marks, null_dates_only)
        _LISTINGS.put(key, found)
    return found, values


async def fetch(
    engine: AsyncEngine,
    kind: Kind | None,
    query: InvoiceQuery,
    limit: int,
    cursor: Cursor | None,
    params: Mapping[str, Any],
    seconds: float,
) -> list[Mapping[str, Any]]:
    """The rows of `listing` (`kind` None: the rows without a date, alone), within `seconds`."""
    statement, values = listing(kind, query, limit, cursor, null_dates_only=kind is None)
    return await rows_of(engine, statement, values, params, seconds)


def _build(
    kind: Kind | None,
    query: InvoiceQuery,
    limit: int,
    cursor: Cursor | None,
    null_dates_only: bool,
) -> Select[Any]:
    """With a credential `kind`: the credential, its grant of `:grant_account`, the number of
    matches (exact when stored, else counted up to `CAPPED_COUNT` + 1) and the first `limit`
    matches past `cursor` (newest first), read only where every account of `query` is granted.
    Without (`kind` None; the caller checked the grant): the rows alone."""
    c = invoices.c
    selected = filtered(select(*(c[name] for name in LISTED_COLUMNS)), query)
    condition = past(cursor)
    if condition is not None:
        selected = selected.where(condition)
    if null_dates_only:
        selected = selected.where(c.invoice_date.is_(None))
    # A customer's invoice numbers are unique: (date, number) is a total order, the index's.
    order = (c.invoice_date.desc().nulls_last(), c.invoice_number.desc())
    if kind is None:
        return selected.order_by(*order).limit(limit)
    cred = credential(kind)
    guard = _all_granted(kind, (*query.customer_numbers, *query.bill_to_accounts))
    found = selected.where(guard).order_by(*order).limit(limit).subquery("found")
    if count_scope(query) is not None:
        total = _total(query, guard)
    else:
        # A constant, not a column: the count reads the index alone where it holds the filters.
        one: Any = literal_column("1").label("one")
        capped = filtered(select(one), query).where(guard).limit(CAPPED_COUNT + 1).subquery()
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
