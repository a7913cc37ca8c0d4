"""The read path's SQL: a credential, its partner's grants and what it asked for, in one statement.

Every dialect route reads through here (`reads.service`). A credential is an API key or a live
OAuth token (unexpired, of an unrevoked client); an invoice or a page is read only where the
partner is granted its customer number (or bill-to account), so nothing ungranted is ever read.
The same statements run on SQLite and PostgreSQL.

Detail statements are built once, with named parameters (`detail`), so that a request only binds
values: building and compiling a statement costs more than running it (docs/performance.md).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from functools import cache
from typing import Any, Literal

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Select,
    String,
    Subquery,
    and_,
    bindparam,
    case,
    exists,
    func,
    null,
    or_,
    select,
    true,
)
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from invoiceport.invoices.repository import STORED_COLUMNS
from invoiceport.invoices.repository.filters import (
    InvoiceQuery,
    count,
    count_scope,
    dated_before,
    filtered,
    page_order,
    since_value,
    stored_count,
)
from invoiceport.invoices.tables import invoice_counts, invoices
from invoiceport.partners.tables import partner_customers
from invoiceport.platform.db import UTCDateTime, fetch, read_connection
from invoiceport.platform.lru import LRU
from invoiceport.reads.repository.credentials import Kind, credential

Match = Literal["key", "number", "number_of_account"]


def _credential_columns(cred: Subquery, grant: bool) -> tuple[ColumnElement[Any], ...]:
    """The credential, and with `grant` whether its partner is granted `:grant_account` (the
    one account a route checks: an indexed lookup, however many accounts a partner holds)."""
    c = cred.c
    account = bindparam("grant_account", type_=String)
    granted: ColumnElement[Any] = _granted(c.partner_id, account) if grant else null()
    return (c.partner_id, c.secret_hash, c.scopes, c.client_id, granted.label("granted"))


def _granted(partner_id: ColumnElement[int], account: ColumnElement[str]) -> ColumnElement[bool]:
    return exists().where(
        partner_customers.c.partner_id == partner_id,
        partner_customers.c.customer_number == account,
    )


def _document(known: bool) -> ColumnElement[Any]:
    """The stored document, or NULL when it is the version (`:known_version`,
    `:known_updated_at`) the caller has rendered already."""
    if not known:
        return invoices.c.document
    changed = or_(
        invoices.c.version != bindparam("known_version"),
        invoices.c.updated_at != bindparam("known_updated_at", type_=UTCDateTime),
    )
    return case((changed, invoices.c.document), else_=null())


def _match(cred: Subquery, match: Match) -> ColumnElement[bool]:
    c = invoices.c
    partner = cred.c.partner_id
    where = [c.environment == bindparam("environment"), c.invoice_number == bindparam("number")]
    if match == "key":  # (environment, customer, number), the customer granted
        account = bindparam("account", type_=String)
        where += [c.customer_number == account, _granted(partner, account)]
    elif match == "number_of_account":  # the customer's or bill-to account's, granted
        account = bindparam("account", type_=String)
        where += [
            or_(c.customer_number == account, c.bill_to_account == account),
            _granted(partner, account),
        ]
    else:  # any granted customer's or bill-to account's: each candidate's grant looked up by
        # key, not the partner's grants hashed for a test (1,000 grants: 0.9 ms against 0.04)
        where.append(
            or_(_granted(partner, c.customer_number), _granted(partner, c.bill_to_account))
        )
    return and_(*where)


@cache
def detail(kind: Kind, match: Match | None, known: bool, grant: bool) -> Select[Any]:
    """The credential (and its grant of `:grant_account`) and, with `match`, the first invoice
    (by id) it may see there."""
    cred = credential(kind)
    if match is None:
        return select(*_credential_columns(cred, grant))
    statement = select(
        *_credential_columns(cred, grant),
        invoices.c.id,
        _document(known).label("document"),
        invoices.c.version,
        invoices.c.created_at,
        invoices.c.updated_at,
        invoices.c.invoice_date,
        invoices.c.order_date,
    ).select_from(cred.outerjoin(invoices, _match(cred, match)))
    # A key is unique (environment, customer, number): one row at most, nothing to sort (the
    # sort was a tenth of the statement's time in PostgreSQL, docs/performance.md). A number
    # may be on several invoices: the first by id.
    if match != "key":
        statement = statement.order_by(invoices.c.id)
    return statement.limit(1)


def _all_granted(kind: Kind, accounts: Sequence[str]) -> ColumnElement[bool]:
    """Every account of a page's scope is granted to the credential's partner (an uncorrelated
    condition: the database checks it once, before reading any invoice)."""
    conditions = []
    for account in accounts:
        cred = credential(kind)
        conditions.append(
            exists()
            .select_from(
                partner_customers.join(cred, cred.c.partner_id == partner_customers.c.partner_id)
            )
            .where(partner_customers.c.customer_number == account)
        )
    return and_(*conditions)


def _total(query: InvoiceQuery, guard: ColumnElement[bool]) -> ColumnElement[Any]:
    """The exact number of matches: the stored count when the query is one customer or one
    bill-to account alone, else counted."""
    scope = count_scope(query)
    if scope is None and query.dated_from is not None:
        # A lookback window (Ingram): the stored count less the few rows before it.
        undated = replace(query, dated_from=None)
        if count_scope(undated) is not None:
            older = filtered(select(func.count()).select_from(invoices), undated)
            older = older.where(dated_before(query.dated_from), guard)
            return _total(undated, guard) - older.scalar_subquery()
    if scope is not None:
        c = invoice_counts.c
        stored = (
            select(c.n)
            .where(c.scope == scope[0], c.environment == scope[1], c.account == scope[2], guard)
            .scalar_subquery()
        )
        return func.coalesce(stored, 0)
    counted = filtered(select(func.count()).select_from(invoices), query).where(guard)
    return counted.scalar_subquery()


_SCOPES = ("customer_numbers", "bill_to_accounts")


def bound(query: InvoiceQuery) -> tuple[Hashable, dict[str, Any]]:
    """The shape of `query` (which fields it sets, how many accounts it names) and the values
    of its fields as named parameters: a page statement is built once per shape (`page`) and a
    request only binds values, as a detail's does."""
    values: dict[str, Any] = {"q_environment": query.environment}
    shape: list[Hashable] = []
    for f in fields(query):
        value = getattr(query, f.name)
        if f.name in _SCOPES:
            shape.append(len(value))
            values.update({f"q_{f.name}_{i}": item for i, item in enumerate(value)})
        elif f.name != "environment":
            shape.append(value is not None)
            if value is not None:
                values[f"q_{f.name}"] = value
    if query.dated_from is not None:  # the lookback's order-date side (`midnight`)
        values["q_dated_from_since"] = since_value(query.dated_from)
    return tuple(shape), values


def _placeholders(query: InvoiceQuery) -> InvoiceQuery:
    """`query` with each value replaced by its named parameter (`bound`'s names)."""
    changes: dict[str, Any] = {"environment": bindparam("q_environment", type_=String)}
    for f in fields(query):
        value = getattr(query, f.name)
        if f.name in _SCOPES:
            changes[f.name] = tuple(
                bindparam(f"q_{f.name}_{i}", type_=String) for i in range(len(value))
            )
        elif f.name != "environment" and value is not None:
            changes[f.name] = bindparam(f"q_{f.name}")
    return replace(query, **changes)


def page(
    kind: Kind,
    query: InvoiceQuery,
    limit: int,
    *,
    by_order_date: bool,
    items: bool,
    grant: bool,
    oldest_first: bool = False,
    documents: bool = True,
) -> tuple[Select[Any], dict[str, Any] | None]:
    """The credential, the exact total of `query` and, with `items`, its first `limit` matches
    newest first (or oldest first); nothing of the query is read unless every account it names
    is granted. Without `documents`, the matches' `document` is NULL: their ids and stamps
    only, for a caller holding their views already (`documents_of` reads the others). The
    statement (built once per shape of query) and the query's values to bind to it; values
    None: a statement built for this query alone (a filter read from the stored document,
    whose SQL holds its value), to run as it is."""
    wanted = PageShape(limit, by_order_date, items, grant, oldest_first, documents)
    if any(getattr(query, name) is not None for name in _ONE_OFF):
        return _build_page(kind, query, wanted), None
    shape, values = bound(query)
    return _page(kind, shape, query, wanted), values


@dataclass(frozen=True, slots=True)
class PageShape:
    """What a page statement reads besides its query (`page`'s arguments)."""

    limit: int
    by_order_date: bool
    items: bool
    grant: bool
    oldest_first: bool
    documents: bool


_ONE_OFF = (
    "due_date_from",
    "due_date_to",
    "end_user_po_number",
    "delivery_number",
    "special_bid_number",
    "serial_number",
)
"""Filters whose SQL is built from their value (the filters read from the stored document): a
page using one is built for that request, not cached by shape. (Ingram's lookback window binds
its day and that day's start, `invoices.repository.filters.midnight`.)"""

_PAGES: LRU[Hashable, Select[Any]] = LRU(512)
"""Page statements by shape: a few per route in practice, bounded whatever clients send."""


def _page(kind: Kind, shape: Hashable, query: InvoiceQuery, of: PageShape) -> Select[Any]:
    # Cached by shape alone: the query is passed along only to build the first of its shape.
    key = (kind, shape, of)
    found = _PAGES.get(key)
    if found is None:
        found = _build_page(kind, _placeholders(query), of)
        _PAGES.put(key, found)
    return found


def _build_page(kind: Kind, query: InvoiceQuery, of: PageShape) -> Select[Any]:
    """The credential, the exact total of `query` and, with `items`, its first `limit` matches
    newest first (or oldest first); nothing of the query is read unless every account it names
    is granted."""
    by_order_date, oldest_first = of.by_order_date, of.oldest_first
    cred = credential(kind)
    guard = _all_granted(kind, (*query.customer_numbers, *query.bill_to_accounts))
    columns = (*_credential_columns(cred, of.grant), _total(query, guard).label("total"))
    if not of.items:
        return select(*columns)
    order = page_order(by_order_date, oldest_first=oldest_first)
    document = invoices.c.document if of.documents else null().label("document")
    found = (
        filtered(
            select(
                invoices.c.id,
                document,
                invoices.c.version,
                invoices.c.created_at,
                invoices.c.updated_at,
                invoices.c.invoice_date,
                invoices.c.order_date,
                invoices.c.invoice_number.label("number"),
            ),
            query,
        )
        .where(guard)
        .order_by(*order)
        .limit(of.limit)
        .subquery("found")
    )
    first = found.c.order_date if by_order_date else found.c.invoice_date
    if oldest_first:
        outer_order = (first.asc().nulls_first(), found.c.number.asc(), found.c.id.asc())
    else:
        outer_order = (first.desc().nulls_last(), found.c.number.desc(), found.c.id.desc())
    return (
        select(
            *columns,
            found.c.id,
            found.c.document,
            found.c.version,
            found.c.created_at,
            found.c.updated_at,
        )
        .select_from(cred.outerjoin(found, true()))
        .order_by(*outer_order)
    )


_DOCUMENTS: LRU[int, Select[Any]] = LRU(128)


def documents_of(ids: Sequence[int]) -> tuple[Select[Any], dict[str, Any]]:
    """The stored rows of these ids (in no order): a statement built once per number of ids,
    and its values."""
    statement: Select[Any] | None = _DOCUMENTS.get(len(ids))
    if statement is None:
        chosen = [bindparam(f"id_{i}", type_=BigInteger) for i in range(len(ids))]
        built: Select[Any] = select(*STORED_COLUMNS).where(invoices.c.id.in_(chosen))
        statement = built
        _DOCUMENTS.put(len(ids), built)
    return statement, {f"id_{i}": id_ for i, id_ in enumerate(ids)}


async def total(conn: AsyncConnection, query: InvoiceQuery) -> int:
    """The exact number of matches: the stored count where one answers, else counted."""
    n = await stored_count(conn, query)
    return await count(conn, query) if n is None else n


async def rows(
    engine: AsyncEngine, statement: Select[Any], params: Mapping[str, Any], seconds: float
) -> list[Mapping[str, Any]]:
    """The rows of a statement of `detail` (built once), within `seconds`."""
    return await fetch(engine, statement, params, seconds)


async def rows_of(
    engine: AsyncEngine,
    statement: Select[Any],
    values: Mapping[str, Any] | None,
    params: Mapping[str, Any],
    seconds: float,
) -> list[Mapping[str, Any]]:
    """The rows of a statement and its values as `page`, `listing` and `slices.later_page`
    return them, with the request's `params`: built once, it runs prepared on the driver
    within `seconds` (`rows`); values None, it was built for this request alone and runs as it
    is (not kept among the prepared statements)."""
    if values is None:
        async with read_connection(engine) as conn:
            return [row._mapping for row in await conn.execute(statement, dict(params))]
    return await rows(engine, statement, {**params, **values}, seconds)
