"""The one read path of every dialect: a credential, its grants and what it asks for, together.

A route presents what the client sent (`Presented`: an API key or a bearer token) and what it
asks for: an invoice (`ByKey`, `ByNumber`) or a page of a search (`PageOf`). `access` answers in
one statement with the partner behind the credential (None: not a valid credential) and what was
asked for, read only where the partner is granted the customer number or bill-to account. Given
the (version, updated_at) of a rendering the caller holds, an invoice's document is left out when
that is still the stored version (`Access.unchanged`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from invoiceport.invoices.keys import can_be_key
from invoiceport.invoices.queries import InvoiceQuery, Page, Slice
from invoiceport.invoices.schemas import StoredInvoice
from invoiceport.oauth.tokens import MAX_TOKEN
from invoiceport.partners import credentials
from invoiceport.partners.schemas import Principal
from invoiceport.partners.service import plausible_secret
from invoiceport.platform.db import read_connection
from invoiceport.reads import repository
from invoiceport.reads.repository import listings, slices
from invoiceport.reads.repository.credentials import Kind
from invoiceport.reads.rows import Stamp, Views, far_page, stored_row, viewed


@dataclass(frozen=True, slots=True)
class Presented:
    """A credential as the client sent it."""

    kind: Kind
    secret: str
    token: str = ""
    """`key_and_bearer`: the token beside the key (`secret`); only its digest is queried."""

    def plausible(self) -> bool:
        """Credentials are short printable text; anything else cannot match (and PostgreSQL
        rejects NUL bytes in text, so such values must never reach a query)."""
        if self.kind == "bearer":
            return 0 < len(self.secret) <= MAX_TOKEN
        if self.kind == "key_or_bearer":
            return 0 < len(self.secret) <= MAX_TOKEN and self.secret.isprintable()
        return plausible_secret(self.secret)


@dataclass(frozen=True, slots=True)
class ByKey:
    """The invoice at (environment, customer number, invoice number)."""

    environment: str
    customer_number: str
    invoice_number: str


@dataclass(frozen=True, slots=True)
class ByNumber:
    """The first invoice (by id) with this number whose customer number or bill-to account is
    granted; `account`'s only, when given."""

    environment: str
    invoice_number: str
    account: str | None = None


@dataclass(frozen=True, slots=True)
class PageOf:
    """A page (counted from 1) of a search, newest first (`oldest_first`: the exact reverse),
    with the exact number of matches."""

    query: InvoiceQuery
    page: int
    page_size: int
    by_order_date: bool = False
    oldest_first: bool = False


@dataclass(frozen=True, slots=True)
class After:
    """Up to `limit` matches of `query` newest first by id, those with an id below `after` (a
    cursor's last id; None: from the newest): pages that later inserts never shift. With
    `total`, the exact number of all matches too. The query's accounts are checked against
    the grants before anything is read; a query naming none reads every granted one."""

    query: InvoiceQuery
    after: int | None
    limit: int
    total: bool = False


@dataclass(frozen=True, slots=True)
class ListOf:
    """Up to `limit` matches of a query of one customer past `after` (its last row's invoice
    date and number; None: from the newest), newest first: keyset paging, as cheap on the
    thousandth page as on the first. Listing columns only (`Listed`), never the documents."""

    query: InvoiceQuery
    limit: int
    after: tuple[date | None, str] | None = None


@dataclass(frozen=True, slots=True)
class Listed:
    customer_number: str
    invoice_number: str
    document_type: str
    status: str | None
    sales_order_number: str | None
    po_number: str | None
    invoice_date: date | None
    due_date: date | None
    currency: str
    total: Decimal


@dataclass(frozen=True, slots=True)
class Listing:
    items: list[Listed]
    matches: int
    """Exact when the query is a customer alone; else counted up to `CAPPED_COUNT` + 1."""
    more: bool
    """There are matches past the last item."""

    @property
    def capped(self) -> bool:
        return self.matches > listings.CAPPED_COUNT


Lookup = ByKey | ByNumber | PageOf | After | ListOf


@dataclass(frozen=True, slots=True)
class Access:
    principal: Principal | None
    """None: the credential is not an active one."""
    invoice: StoredInvoice | None = None
    """The invoice asked for; None when there is none the partner may see, or when `unchanged`."""
    unchanged: Stamp | None = None
    """Set when the invoice is the `known` version: its document was not read again."""
    page: Page | None = None
    """The page asked for, when the partner is granted every account of its query."""
    dated: date | None = None
    """The invoice's date (an open order's: its order date), read even when `unchanged`."""
    slice: Slice | None = None
    """The invoices an `After` lookup asked for, when the partner is granted its accounts."""
    listing: Listing | None = None
    """The listing asked for (`ListOf`), when the partner is granted its accounts."""


def _principal(
    params: Mapping[str, Any], row: Mapping[str, Any] | None, account: str | None
) -> Principal | None:
    """The partner of the credential row the statement found with `params` (its digest,
    compared once more in constant time), or None."""
    if row is None or row["partner_id"] is None:
        return None
    if not credentials.same_digest(params["secret_hash"], row["secret_hash"]):
        return None
    scopes = row["scopes"]
    granted = frozenset([account]) if account is not None and row["granted"] else frozenset()
    # Values of the database's own types, read by this statement: no validation to run
    # (`model_construct` costs a tenth of a validated construction on every request).
    return Principal.model_construct(
        partner_id=row["partner_id"],
        customer_numbers=granted,
        scopes=frozenset(scopes.split()) if scopes else frozenset(),
        client_id=row["client_id"],
    )


def _params(presented: Presented, now: datetime, account: str | None) -> dict[str, Any]:
    params: dict[str, Any] = {"secret_hash": credentials.digest(presented.secret)}
    if presented.kind != "api_key":
        params["now"] = now
    if presented.kind == "key_and_bearer":
        params["token_hash"] = credentials.digest(presented.token)
    if account is not None:
        params["grant_account"] = account
    return params


async def access(
    engine: AsyncEngine,
    presented: Presented,
    now: datetime,
    lookup: Lookup | None = None,
    known: Stamp | None = None,
    *,
    account: str | None = None,
    seconds: float = 5.0,
    views: Views | None = None,
) -> Access:
    """The partner behind `presented` and, when asked, what it may see of `lookup`; an
    invoice is read within `seconds` (the database timeout). The principal's `customer_numbers`
    hold `account` when its partner is granted it: the one account the route checks. For a
    first page, `views` gives the caller's view of an item it holds already (by id and stamp):
    those items' documents are not read (`Page.rendered`)."""
    if not presented.plausible():
        return Access(None)
    if account is not None and not can_be_key(account):
        account = None  # no such account can be granted (nor reach a query: NUL)
    if isinstance(lookup, PageOf):
        return await _page(engine, presented, now, lookup, account, seconds, views)
    if isinstance(lookup, After):
        return await _after(engine, presented, now, lookup, account, seconds, views)
    if isinstance(lookup, ListOf):
        return await _list(engine, presented, now, lookup, account, seconds)
    params = _params(presented, now, account)
    match: repository.Match | None = None
    if isinstance(lookup, ByKey):
        match = "key"
        params.update(
            environment=lookup.environment,
            account=lookup.customer_number,
            number=lookup.invoice_number,
        )
    elif isinstance(lookup, ByNumber):
        match = "number" if lookup.account is None else "number_of_account"
        params.update(environment=lookup.environment, number=lookup.invoice_number)
        if lookup.account is not None:
            params["account"] = lookup.account
    if known is not None:
        params.update(known_version=known[0], known_updated_at=known[1])
    statement = repository.detail(presented.kind, match, known is not None, account is not None)
    rows = await repository.rows(engine, statement, params, seconds)
    row = rows[0] if rows else None
    principal = _principal(params, row, account)
    if principal is None or row is None or match is None or row["id"] is None:
        return Access(principal)
    order_date = row["order_date"]
    dated = row["invoice_date"] or (order_date.date() if order_date is not None else None)
    if row["document"] is None:
        return Access(principal, unchanged=(row["version"], row["updated_at"]), dated=dated)
    return Access(principal, stored_row(row), dated=dated)


async def _page(
    engine: AsyncEngine,
    presented: Presented,
    now: datetime,
    lookup: PageOf,
    account: str | None,
    seconds: float,
    views: Views | None,
) -> Access:
    """A first page in one statement (credential, total, rows); a later one asks for the
    credential and the total first, then reads the rows from the nearer end (`far_page`).
    Given `views`, a page's rows are read with stamps, not documents, and one more statement
    reads the documents of the items whose views the caller does not hold (none, once they are
    all cached)."""
    first = lookup.page == 1
    statement, values = repository.page(
        presented.kind,
        lookup.query,
        lookup.page_size,
        by_order_date=lookup.by_order_date,
        items=first,
        grant=account is not None,
        oldest_first=lookup.oldest_first,
        documents=views is None or not first,  # a later page's reads no rows
    )
    params = _params(presented, now, account)
    rows = await repository.rows_of(engine, statement, values, params, seconds)
    principal = _principal(params, rows[0] if rows else None, account)
    if principal is None:
        return Access(None)
    total = int(rows[0]["total"])
    rendered: dict[int, bytes] = {}
    if not first:
        items, rendered = await far_page(
            engine,
            lookup.query,
            lookup.page,
            lookup.page_size,
            total,
            by_order_date=lookup.by_order_date,
            oldest_first=lookup.oldest_first,
            views=views,
            seconds=seconds,
        )
    elif views is None:
        items = [stored_row(row) for row in rows if row["id"] is not None]
    else:
        items, rendered = await viewed(
            engine, [row for row in rows if row["id"] is not None], views, seconds
        )
    return Access(principal, page=Page(total, lookup.page, lookup.page_size, items, rendered))


async def _after(
    engine: AsyncEngine,
    presented: Presented,
    now: datetime,
    lookup: After,
    account: str | None,
    seconds: float,
    views: Views | None,
) -> Access:
    """The credential (and its grant of `account`) and the invoices, in one statement when the
    query names its accounts; else the credential first, then the invoices: only when every
    account the query names is granted. `views`: as for a first page (`_page`)."""
    query = lookup.query
    named = (*query.customer_numbers, *query.bill_to_accounts)
    params = _params(presented, now, account)
    grant = account is not None
    documents = views is None
    built = slices.with_credential(
        presented.kind, query, lookup.after, lookup.limit + 1, grant=grant, documents=documents
    )
    if built is not None and not lookup.total:
        rows = await repository.rows(engine, built[0], {**params, **built[1]}, seconds)
        principal = _principal(params, rows[0] if rows else None, account)
        if principal is None or not all(principal.may_see(name) for name in named):
            return Access(principal)
        rows = [row for row in rows if row["id"] is not None]
        return Access(principal, slice=await _slice(engine, rows, lookup.limit, views, seconds))
    statement = repository.detail(presented.kind, None, False, grant)
    params = _params(presented, now, account)
    rows = await repository.rows(engine, statement, params, seconds)
    principal = _principal(params, rows[0] if rows else None, account)
    if principal is None:
        return Access(None)
    if not all(principal.may_see(name) for name in named):
        return Access(principal)
    if not named:  # the partner's own: every account it is granted
        query = replace(query, granted_to=principal.partner_id)
    after = slices.after(query, lookup.after, lookup.limit + 1, documents=documents)
    if after is not None and not lookup.total:  # one statement, on the driver
        rows = await repository.rows(engine, *after, seconds)
        return Access(principal, slice=await _slice(engine, rows, lookup.limit, views, seconds))
    async with read_connection(engine) as conn:
        items = await slices.rows_after(conn, query, lookup.after, lookup.limit + 1)
        total = await repository.total(conn, query) if lookup.total else None
    more = len(items) > lookup.limit
    return Access(principal, slice=Slice(items[: lookup.limit], more, total))


async def _slice(
    engine: AsyncEngine,
    rows: list[Mapping[str, Any]],
    limit: int,
    views: Views | None,
    seconds: float,
) -> Slice:
    """A slice of rows read `limit` + 1 at a time (the last tells there are more, and is no
    item: its view is not asked for, nor its document read)."""
    more = len(rows) > limit
    rows = rows[:limit]
    rendered: dict[int, bytes] = {}
    if views is None:
        items = [stored_row(row) for row in rows]
    else:
        items, rendered = await viewed(engine, rows, views, seconds)
    return Slice(items, more, None, rendered)


async def _list(
    engine: AsyncEngine,
    presented: Presented,
    now: datetime,
    lookup: ListOf,
    account: str | None,
    seconds: float,
) -> Access:
    """One statement (credential, grant, count, rows); a second only when the page reaches the
    invoices without a date, which come last."""
    want = lookup.limit + 1  # one more tells whether there is a next page
    params = _params(presented, now, account)
    query = lookup.query
    rows = await listings.fetch(engine, presented.kind, query, want, lookup.after, params, seconds)
    principal = _principal(params, rows[0] if rows else None, account)
    if principal is None:
        return Access(None)
    matches = int(rows[0]["matches"])
    items = [_listed(row) for row in rows if row["invoice_number"] is not None]
    dated_section = lookup.after is None or lookup.after[0] is not None
    if len(items) < want and dated_section and matches > 0:
        # From the first row without a date; the statement reads up to `want` of them.
        more = await listings.fetch(engine, None, query, want, None, {}, seconds)
        items += [_listed(row) for row in more[: want - len(items)]]
    listing = Listing(items[: lookup.limit], matches, len(items) > lookup.limit)
    return Access(principal, listing=listing)


def _listed(row: Mapping[str, Any]) -> Listed:
    """A listed row: `listings.LISTED_COLUMNS` are `Listed`'s fields (tested)."""
    columns = {name: row[name] for name in listings.LISTED_COLUMNS}
    return Listed(**columns | {"total": Decimal(row["total"])})
