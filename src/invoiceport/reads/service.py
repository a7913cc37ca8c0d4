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
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncEngine

from invoiceport.invoices import repository as invoice_repository
from invoiceport.invoices.keys import can_be_key
from invoiceport.invoices.queries import InvoiceQuery, Page
from invoiceport.invoices.schemas import StoredInvoice
from invoiceport.oauth.tokens import MAX_TOKEN
from invoiceport.partners import credentials
from invoiceport.partners.schemas import Principal
from invoiceport.partners.service import plausible_secret
from invoiceport.platform.db import read_connection
from invoiceport.reads import repository

Stamp = tuple[int, datetime]


@dataclass(frozen=True, slots=True)
class Presented:
    """A credential as the client sent it."""

    kind: Literal["api_key", "bearer"]
    secret: str

    def plausible(self) -> bool:
        """Credentials are short printable text; anything else cannot match (and PostgreSQL
        rejects NUL bytes in text, so such values must never reach a query)."""
        if self.kind == "bearer":
            return 0 < len(self.secret) <= MAX_TOKEN
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
    """A page (counted from 1) of a search, newest first, with the exact number of matches."""

    query: InvoiceQuery
    page: int
    page_size: int
    by_order_date: bool = False


Lookup = ByKey | ByNumber | PageOf


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


def _principal(
    presented: Presented, row: Mapping[str, Any] | None, account: str | None
) -> Principal | None:
    if row is None or row["partner_id"] is None:
        return None
    if not credentials.matches(presented.secret, row["secret_hash"]):
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


def _stored(row: Mapping[str, Any]) -> StoredInvoice:
    document = row["document"]
    if isinstance(document, str):
        document = document.encode()
    return StoredInvoice(row["id"], document, row["version"], row["created_at"], row["updated_at"])


def _params(presented: Presented, now: datetime, account: str | None) -> dict[str, Any]:
    params: dict[str, Any] = {"secret_hash": credentials.digest(presented.secret)}
    if presented.kind == "bearer":
        params["now"] = now
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
) -> Access:
    """The partner behind `presented` and, when asked, what it may see of `lookup`; an
    invoice is read within `seconds` (the database timeout). The principal's `customer_numbers`
    hold `account` when its partner is granted it: the one account the route checks."""
    if not presented.plausible():
        return Access(None)
    if account is not None and not can_be_key(account):
        account = None  # no such account can be granted (nor reach a query: NUL)
    if isinstance(lookup, PageOf):
        return await _page(engine, presented, now, lookup, account, seconds)
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
    principal = _principal(presented, row, account)
    if principal is None or row is None or match is None or row["id"] is None:
        return Access(principal)
    order_date = row["order_date"]
    dated = row["invoice_date"] or (order_date.date() if order_date is not None else None)
    if row["document"] is None:
        return Access(principal, unchanged=(row["version"], row["updated_at"]), dated=dated)
    return Access(principal, _stored(row), dated=dated)


async def _page(
    engine: AsyncEngine,
    presented: Presented,
    now: datetime,
    lookup: PageOf,
    account: str | None,
    seconds: float,
) -> Access:
    """A first page in one statement (credential, total, rows); a later one asks for the
    credential and the total first, then reads the rows from the nearer end."""
    first = lookup.page == 1
    statement, values = repository.page(
        presented.kind,
        lookup.query,
        lookup.page_size,
        by_order_date=lookup.by_order_date,
        items=first,
        grant=account is not None,
    )
    params = {**_params(presented, now, account), **values}
    rows = await repository.rows(engine, statement, params, seconds)
    principal = _principal(presented, rows[0] if rows else None, account)
    if principal is None:
        return Access(None)
    total = int(rows[0]["total"])
    if first:
        items = [_stored(row) for row in rows if row["id"] is not None]
    else:
        items = await _far_page(engine, lookup, total)
    return Access(principal, page=Page(total, lookup.page, lookup.page_size, items))


async def _far_page(engine: AsyncEngine, lookup: PageOf, total: int) -> list[StoredInvoice]:
    """A page past the first: one read from the nearer end (skipping rows costs in proportion
    to their number, so the last page is as cheap as the first). Only called once the partner
    is known to be granted the query's accounts (the total is 0 otherwise)."""
    offset = (lookup.page - 1) * lookup.page_size
    if offset >= total:
        return []
    wanted = min(lookup.page_size, total - offset)
    from_end = total - offset - wanted
    async with read_connection(engine) as conn:
        if from_end < offset:
            items = await invoice_repository.search(
                conn,
                lookup.query,
                offset=from_end,
                limit=wanted,
                by_order_date=lookup.by_order_date,
                oldest_first=True,
            )
            items.reverse()
            return items
        return await invoice_repository.search(
            conn, lookup.query, offset=offset, limit=wanted, by_order_date=lookup.by_order_date
        )
