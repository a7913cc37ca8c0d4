"""Slices (`reads.service.After`): up to n matches newest first by id, below a cursor's id, by a
statement built once per shape of query and run on the driver, as first pages are.

A slice's ids are chosen first, from the matches alone, and only then are their rows read
(`by_id`). Asked in one statement, PostgreSQL prefers to walk the primary key backwards and
filter it, expecting a customer's invoices spread over the whole table; when they are not (a
customer whose invoices are all old), that walk reads the table: 15 s for a first page of a
200,000-invoice customer among 1,000,000 (`make bench`). The ids alone come from the index of
(environment, customer, id) without the table: 0.5 ms.
"""

from collections.abc import Hashable
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, Select, bindparam, null, select, true
from sqlalchemy.ext.asyncio import AsyncConnection

from invoiceport.invoices.repository import STORED_COLUMNS, stored
from invoiceport.invoices.repository.filters import InvoiceQuery, filtered, page_order
from invoiceport.invoices.schemas import StoredInvoice
from invoiceport.invoices.tables import invoices
from invoiceport.platform.lru import LRU
from invoiceport.reads.repository import (
    _ONE_OFF,
    _all_granted,
    _credential_columns,
    _placeholders,
    bound,
)
from invoiceport.reads.repository.credentials import Kind, credential

_SLICES: LRU[Hashable, Select[Any]] = LRU(256)
"""Slice statements by shape: a few per route in practice, bounded whatever clients send."""


def after(
    query: InvoiceQuery, after: int | None, limit: int, documents: bool = True
) -> tuple[Select[Any], dict[str, Any]] | None:
    """The statement of up to `limit` matches of `query` below `after` (None: from the newest)
    and the values to bind to it; None when the query has a filter whose SQL holds its value
    (`rows_after` builds that one for the request). Without `documents`, each row's
    `document` is NULL (as `reads.repository.page`)."""
    if any(getattr(query, name) is not None for name in _ONE_OFF):
        return None
    shape, values = bound(query)
    key = (shape, after is not None, limit, documents)
    statement = _SLICES.get(key)
    if statement is None:
        below: ColumnElement[Any] | None = None if after is None else bindparam("after_id")
        statement = by_id(_placeholders(query), below, limit, documents)
        _SLICES.put(key, statement)
    if after is not None:
        values["after_id"] = after
    return statement, values


def by_id(
    query: InvoiceQuery,
    below: int | ColumnElement[Any] | None,
    limit: int,
    documents: bool = True,
) -> Select[Any]:
    """Up to `limit` matches of `query` newest first by id (those below `below` when given):
    their ids chosen first, then their rows (the module's docstring says why)."""
    c = invoices.c
    ids = filtered(select(c.id), query)
    if below is not None:
        ids = ids.where(c.id < below)
    chosen = ids.order_by(c.id.desc()).limit(limit)
    columns = STORED_COLUMNS if documents else _WITHOUT_DOCUMENT
    return select(*columns).where(c.id.in_(chosen)).order_by(c.id.desc())


_WITHOUT_DOCUMENT = tuple(
    null().label("document") if column is invoices.c.document else column
    for column in STORED_COLUMNS
)


async def rows_after(
    conn: AsyncConnection, query: InvoiceQuery, after: int | None, limit: int
) -> list[StoredInvoice]:
    """Up to `limit` matches newest first by id, those below `after` when given: a statement
    built for the request (a query with a filter whose SQL holds its value)."""
    return [stored(row) for row in await conn.execute(by_id(query, after, limit))]


_WITH_CREDENTIAL: LRU[Hashable, Select[Any]] = LRU(256)


def with_credential(
    kind: Kind, query: InvoiceQuery, after: int | None, limit: int, *, grant: bool, documents: bool
) -> tuple[Select[Any], dict[str, Any]] | None:
    """`after`'s slice and the credential (`reads.repository.page`'s columns) in one statement,
    nothing of the slice read unless every account the query names is granted; None when the
    query names no account (the partner's own: known once the credential is) or has a filter
    whose SQL holds its value."""
    accounts = (*query.customer_numbers, *query.bill_to_accounts)
    if not accounts or any(getattr(query, name) is not None for name in _ONE_OFF):
        return None
    shape, values = bound(query)
    key = (kind, shape, after is not None, limit, grant, documents)
    statement = _WITH_CREDENTIAL.get(key)
    if statement is None:
        placeholders = _placeholders(query)
        cred = credential(kind)
        guard = _all_granted(kind, (*placeholders.customer_numbers, *placeholders.bill_to_accounts))
        below: ColumnElement[Any] | None = None if after is None else bindparam("after_id")
        found = by_id(placeholders, below, limit, documents).where(guard).subquery("found")
        statement = (
            select(
                *_credential_columns(cred, grant),
                *(found.c[column.name] for column in STORED_COLUMNS),
            )
            .select_from(cred.outerjoin(found, true()))
            .order_by(found.c.id.desc())
        )
        _WITH_CREDENTIAL.put(key, statement)
    if after is not None:
        values["after_id"] = after
    return statement, values


_LATER: LRU[Hashable, Select[Any]] = LRU(256)


def later_page(
    query: InvoiceQuery,
    limit: int,
    *,
    by_order_date: bool,
    oldest_first: bool,
    documents: bool,
) -> tuple[Select[Any], dict[str, Any] | None]:
    """A page past the first (`reads.rows.far_page`): up to `limit` matches of `query` in page
    order (`oldest_first`: its reverse) past the first `skip` (a parameter the caller binds),
    read once the credential's grants and the total are known. The statement (built once per
    shape of query) and the values to bind to it; values None: a statement built for this
    query alone (a filter whose SQL holds its value), as `reads.repository.page`'s. Without
    `documents`, each row's `document` is NULL."""
    if any(getattr(query, name) is not None for name in _ONE_OFF):
        return _later(query, limit, by_order_date, oldest_first, documents), None
    shape, values = bound(query)
    key = (shape, limit, by_order_date, oldest_first, documents)
    statement = _LATER.get(key)
    if statement is None:
        statement = _later(_placeholders(query), limit, by_order_date, oldest_first, documents)
        _LATER.put(key, statement)
    return statement, values


def _later(
    query: InvoiceQuery, limit: int, by_order_date: bool, oldest_first: bool, documents: bool
) -> Select[Any]:
    columns = STORED_COLUMNS if documents else _WITHOUT_DOCUMENT
    return (
        filtered(select(*columns), query)
        .order_by(*page_order(by_order_date, oldest_first=oldest_first))
        .offset(bindparam("skip", type_=BigInteger))
        .limit(limit)
    )
