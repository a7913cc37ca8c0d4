"""The read path's SQL: a credential, its partner's grants and what it asked for, in one statement.

Every dialect route reads through here (`reads.service`). A credential is an API key or a live
OAuth token (unexpired, of an unrevoked client); the invoice is joined only where the partner is
granted its customer number (or bill-to account), so nothing ungranted is ever read. The same
statements run on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    Subquery,
    and_,
    case,
    exists,
    literal,
    null,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from invoiceport.invoices.tables import invoices
from invoiceport.partners.repository import granted_customers
from invoiceport.partners.tables import api_keys, oauth_clients, oauth_tokens, partner_customers


def api_key(key_hash: str) -> Subquery:
    """The unrevoked API key with this digest (at most one row)."""
    return (
        select(
            api_keys.c.partner_id,
            api_keys.c.key_hash.label("secret_hash"),
            null().label("scopes"),
            null().label("client_id"),
        )
        .where(api_keys.c.key_hash == key_hash, api_keys.c.revoked_at.is_(None))
        .subquery("credential")
    )


def live_token(token_hash: str, now: datetime) -> Subquery:
    """The unexpired token with this digest of an unrevoked client (at most one row)."""
    return (
        select(
            oauth_tokens.c.partner_id,
            oauth_tokens.c.token_hash.label("secret_hash"),
            oauth_tokens.c.scopes,
            oauth_clients.c.client_id,
        )
        .join(oauth_clients, oauth_clients.c.id == oauth_tokens.c.client_row_id)
        .where(
            oauth_tokens.c.token_hash == token_hash,
            oauth_tokens.c.expires_at > now,
            oauth_clients.c.revoked_at.is_(None),
        )
        .subquery("credential")
    )


def _credential_columns(credential: Subquery) -> tuple[ColumnElement[Any], ...]:
    c = credential.c
    return (
        c.partner_id,
        c.secret_hash,
        c.scopes,
        c.client_id,
        granted_customers(c.partner_id).label("granted"),
    )


def _granted(partner_id: ColumnElement[int], account: ColumnElement[str]) -> ColumnElement[bool]:
    return exists().where(
        partner_customers.c.partner_id == partner_id,
        partner_customers.c.customer_number == account,
    )


def _document(known: tuple[int, datetime] | None) -> ColumnElement[Any]:
    """The stored document, or NULL when it is the version the caller has rendered already."""
    if known is None:
        return invoices.c.document
    changed = or_(invoices.c.version != known[0], invoices.c.updated_at != known[1])
    return case((changed, invoices.c.document), else_=null())


def _with_invoice(
    credential: Subquery, condition: ColumnElement[bool], known: tuple[int, datetime] | None
) -> Select[Any]:
    return (
        select(
            *_credential_columns(credential),
            invoices.c.id,
            _document(known).label("document"),
            invoices.c.version,
            invoices.c.created_at,
            invoices.c.updated_at,
        )
        .select_from(credential.outerjoin(invoices, condition))
        .order_by(invoices.c.id)
        .limit(1)
    )


def by_key(
    credential: Subquery,
    environment: str,
    customer_number: str,
    invoice_number: str,
    known: tuple[int, datetime] | None,
) -> Select[Any]:
    """The credential and the invoice at this key, joined when the customer is granted."""
    c = invoices.c
    condition = and_(
        c.environment == environment,
        c.customer_number == customer_number,
        c.invoice_number == invoice_number,
        _granted(credential.c.partner_id, literal(customer_number)),
    )
    return _with_invoice(credential, condition, known)


def by_number(
    credential: Subquery,
    environment: str,
    invoice_number: str,
    accounts: Sequence[str] | None,
    known: tuple[int, datetime] | None,
) -> Select[Any]:
    """The credential and the first invoice with this number (by id) whose customer number or
    bill-to account is granted; among `accounts` only, when given."""
    c = invoices.c
    partner = credential.c.partner_id
    if accounts is None:
        mine = select(partner_customers.c.customer_number).where(
            partner_customers.c.partner_id == partner
        )
        scoped = or_(c.customer_number.in_(mine), c.bill_to_account.in_(mine))
    else:
        wanted = list(accounts)
        scoped = or_(
            and_(c.customer_number.in_(wanted), _granted(partner, c.customer_number)),
            and_(c.bill_to_account.in_(wanted), _granted(partner, c.bill_to_account)),
        )
    condition = and_(c.environment == environment, c.invoice_number == invoice_number, scoped)
    return _with_invoice(credential, condition, known)


def credential_only(credential: Subquery) -> Select[Any]:
    return select(*_credential_columns(credential))


async def first(conn: AsyncConnection, statement: Select[Any]) -> Any:
    return (await conn.execute(statement)).first()
