"""OAuth 2.0 access tokens (client credentials grant): issue, authenticate, purge.

A token is 256 random bits, handed out once and stored only as its SHA-256 digest. Every
authentication reads the database (no cache), joining the token's client, so revoking a client
stops its tokens on the next request of every server process.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from invoiceport.partners import credentials, repository
from invoiceport.platform.db import write_transaction

MAX_CLIENT_ID = 64
MAX_SECRET = 256
MAX_TOKEN = 256
_UNKNOWN = credentials.digest("\x00unknown-client")
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")


class InvalidClient(Exception):
    """Unknown, revoked or wrongly authenticated client (RFC 6749 `invalid_client`)."""


class InvalidScope(Exception):
    """A requested scope the client does not have (RFC 6749 `invalid_scope`)."""

    def __init__(self, scopes: Sequence[str]) -> None:
        super().__init__(f"scope not granted to this client: {' '.join(scopes)}")
        self.scopes = tuple(scopes)


@dataclass(frozen=True, slots=True)
class IssuedToken:
    access_token: str
    expires_in: int
    scopes: tuple[str, ...]


def new_access_token() -> str:
    return secrets.token_urlsafe(32)


async def issue_token(
    engine: AsyncEngine,
    client_id: str,
    client_secret: str,
    requested_scopes: Sequence[str] | None,
    *,
    lifetime_seconds: int,
    now: datetime,
) -> IssuedToken:
    """A new token for a client whose secret matches; `None` scopes means all of the client's."""
    if not client_id or len(client_id) > MAX_CLIENT_ID or len(client_secret) > MAX_SECRET:
        raise InvalidClient
    if _CONTROL_CHARS.search(client_id):  # no client id has one; PostgreSQL text cannot hold NUL
        raise InvalidClient
    token = new_access_token()
    async with write_transaction(engine) as conn:
        found = await repository.active_oauth_client_row(conn, client_id)
        # Compare even for unknown clients, so timing does not tell which clients exist.
        if not credentials.matches(client_secret, found[2] if found else _UNKNOWN) or not found:
            raise InvalidClient
        row_id, partner_id, _hash, client_scopes = found
        scopes = _granted_scopes(client_scopes, requested_scopes)
        await repository.insert_oauth_token(
            conn,
            token_hash=credentials.digest(token),
            client_row_id=row_id,
            partner_id=partner_id,
            scopes=scopes,
            created_at=now,
            expires_at=now + timedelta(seconds=lifetime_seconds),
        )
        # Expired tokens can never authenticate again: clear them out while we are writing anyway
        # (an indexed range on expires_at), so the table holds about one day of tokens.
        await repository.delete_expired_oauth_tokens(conn, now)
    return IssuedToken(token, lifetime_seconds, scopes)


def _granted_scopes(
    client_scopes: Sequence[str], requested: Sequence[str] | None
) -> tuple[str, ...]:
    if requested is None:
        return tuple(client_scopes)
    missing = [s for s in requested if s not in client_scopes]
    if missing:
        raise InvalidScope(missing)
    return tuple(dict.fromkeys(requested))


async def purge_expired_tokens(engine: AsyncEngine, now: datetime) -> int:
    """Delete tokens that expired before `now` (they can never authenticate again)."""
    async with write_transaction(engine) as conn:
        return await repository.delete_expired_oauth_tokens(conn, now)
