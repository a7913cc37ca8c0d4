"""The one read path of every dialect: a credential, its grants and an invoice in one statement.

A route presents what the client sent (`Presented`: an API key or a bearer token) and, for a
detail, what it asks for (`ByKey` or `ByNumber`); `access` answers with the partner behind the
credential (None: not a valid credential) and the invoice, read only when the partner is granted
its customer number or bill-to account. Given the (version, updated_at) of a rendering the caller
holds, the document is left out when that is still the stored version (`Access.unchanged`).

Pages and other reads go through `invoices.queries` once the principal is known.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Select, Subquery
from sqlalchemy.ext.asyncio import AsyncEngine

from invoiceport.db import read_connection
from invoiceport.invoices.schemas import StoredInvoice
from invoiceport.oauth.tokens import MAX_TOKEN
from invoiceport.partners import credentials
from invoiceport.partners.repository import split_grants
from invoiceport.partners.schemas import Principal
from invoiceport.partners.service import plausible_secret
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
    """The first invoice (by id) with this number among the granted accounts, or among
    `accounts` only when given (each must be granted too)."""

    environment: str
    invoice_number: str
    accounts: Sequence[str] | None = None


Lookup = ByKey | ByNumber


@dataclass(frozen=True, slots=True)
class Access:
    principal: Principal | None
    """None: the credential is not an active one."""
    invoice: StoredInvoice | None = None
    """The invoice asked for; None when there is none the partner may see, or when `unchanged`."""
    unchanged: Stamp | None = None
    """Set when the invoice is the `known` version: its document was not read again."""


def _credential(presented: Presented, now: datetime) -> Subquery:
    digest = credentials.digest(presented.secret)
    if presented.kind == "bearer":
        return repository.live_token(digest, now)
    return repository.api_key(digest)


def _principal(presented: Presented, row: Any) -> Principal | None:
    if row is None or row.partner_id is None:
        return None
    if not credentials.matches(presented.secret, row.secret_hash):
        return None
    return Principal(
        partner_id=row.partner_id,
        customer_numbers=frozenset(split_grants(row.granted)),
        scopes=frozenset(row.scopes.split()) if row.scopes else frozenset(),
        client_id=row.client_id,
    )


def _statement(credential: Subquery, lookup: Lookup | None, known: Stamp | None) -> Select[Any]:
    if isinstance(lookup, ByKey):
        return repository.by_key(
            credential, lookup.environment, lookup.customer_number, lookup.invoice_number, known
        )
    if isinstance(lookup, ByNumber):
        return repository.by_number(
            credential, lookup.environment, lookup.invoice_number, lookup.accounts, known
        )
    return repository.credential_only(credential)


async def access(
    engine: AsyncEngine,
    presented: Presented,
    now: datetime,
    lookup: Lookup | None = None,
    known: Stamp | None = None,
) -> Access:
    """The partner behind `presented` and, when asked, the invoice it may see: one statement."""
    if not presented.plausible():
        return Access(None)
    statement = _statement(_credential(presented, now), lookup, known)
    async with read_connection(engine) as conn:
        row = await repository.first(conn, statement)
    principal = _principal(presented, row)
    if principal is None or lookup is None or row.id is None:
        return Access(principal)
    stamp = (row.version, row.updated_at)
    if row.document is None:
        return Access(principal, unchanged=stamp)
    document = row.document.encode() if isinstance(row.document, str) else row.document
    invoice = StoredInvoice(row.id, document, row.version, row.created_at, row.updated_at)
    return Access(principal, invoice)
