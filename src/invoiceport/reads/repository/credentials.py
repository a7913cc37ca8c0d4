"""The credential a request presents, as one row of a read statement (`reads.repository`): an
API key, a live OAuth token, both together, or a portal user's session."""

from __future__ import annotations

from typing import Any, Literal

from sqlalchemy import ColumnElement, Select, String, Subquery, bindparam, null, select, union_all

from invoiceport.accounts.tables import web_sessions, web_users
from invoiceport.partners.tables import api_keys, oauth_clients, oauth_tokens
from invoiceport.platform.db import UTCDateTime

Kind = Literal["api_key", "bearer", "key_or_bearer", "key_and_bearer", "session"]
"""`key_or_bearer`: an API key or an OAuth token, whichever has the digest (the native API);
`key_and_bearer`: an API key and, beside it, an OAuth token of the same partner (ScanSource's
current generation); `session`: a portal user's live session (accounts/)."""


def credential(kind: Kind) -> Subquery:
    """The active credential with the digest `:secret_hash` (at most one row): an unrevoked API
    key, or an unexpired token (at `:now`) of an unrevoked client."""
    secret = bindparam("secret_hash", type_=String)
    key = select(
        api_keys.c.partner_id,
        api_keys.c.key_hash.label("secret_hash"),
        null().label("scopes"),
        null().label("client_id"),
    ).where(api_keys.c.key_hash == secret, api_keys.c.revoked_at.is_(None))
    query: Any
    if kind == "api_key":
        query = key
    elif kind == "key_and_bearer":  # the key's partner, the token's scopes and client (or NULL)
        token = _live_token(bindparam("token_hash", type_=String)).subquery("token")
        query = (
            select(
                api_keys.c.partner_id,
                api_keys.c.key_hash.label("secret_hash"),
                token.c.scopes,
                token.c.client_id,
            )
            .select_from(api_keys.outerjoin(token, token.c.partner_id == api_keys.c.partner_id))
            .where(api_keys.c.key_hash == secret, api_keys.c.revoked_at.is_(None))
        )
    elif kind == "session":  # a portal user's live session (accounts/): the user's partner
        query = (
            select(
                web_users.c.partner_id,
                web_sessions.c.token_hash.label("secret_hash"),
                null().label("scopes"),
                null().label("client_id"),
            )
            .join(web_users, web_users.c.id == web_sessions.c.user_id)
            .where(
                web_sessions.c.token_hash == secret,
                web_sessions.c.revoked_at.is_(None),
                web_sessions.c.expires_at > bindparam("now", type_=UTCDateTime),
                web_users.c.role == "portal",
                web_users.c.disabled_at.is_(None),
                web_users.c.partner_id.is_not(None),
            )
        )
    else:
        query = _live_token(secret)
        if kind == "key_or_bearer":
            query = union_all(key, query)
    subquery: Subquery = query.subquery("credential")
    return subquery


def _live_token(digest: ColumnElement[str]) -> Select[Any]:
    """The unexpired token (at `:now`) with this digest, of an unrevoked client."""
    return (
        select(
            oauth_tokens.c.partner_id,
            oauth_tokens.c.token_hash.label("secret_hash"),
            oauth_tokens.c.scopes,
            oauth_clients.c.client_id,
        )
        .join(oauth_clients, oauth_clients.c.id == oauth_tokens.c.client_row_id)
        .where(
            oauth_tokens.c.token_hash == digest,
            oauth_tokens.c.expires_at > bindparam("now", type_=UTCDateTime),
            oauth_clients.c.revoked_at.is_(None),
        )
    )
