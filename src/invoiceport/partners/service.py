"""Partners and credentials: create, grant, issue secrets (returned once), revoke, authenticate."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from invoiceport.partners import credentials, repository
from invoiceport.partners.schemas import Partner, PartnerCreate
from invoiceport.platform.db import utcnow, write_transaction


class PartnerNotFound(LookupError):
    def __init__(self, partner_id: int) -> None:
        super().__init__(f"partner {partner_id} not found")


class CredentialNotFound(LookupError):
    pass


@dataclass(frozen=True, slots=True)
class IssuedApiKey:
    id: int
    key: str


@dataclass(frozen=True, slots=True)
class IssuedClient:
    client_id: str
    client_secret: str
    scopes: tuple[str, ...]


async def create_partner(engine: AsyncEngine, request: PartnerCreate) -> int:
    async with write_transaction(engine) as conn:
        partner_id = await repository.insert_partner(conn, request.name, utcnow())
        await repository.grant_customers(conn, partner_id, request.customer_numbers)
        return partner_id


async def get_partner(engine: AsyncEngine, partner_id: int) -> Partner:
    async with engine.connect() as conn:
        partner = await repository.get_partner(conn, partner_id)
    if partner is None:
        raise PartnerNotFound(partner_id)
    return partner


async def list_partners(engine: AsyncEngine) -> list[Partner]:
    async with engine.connect() as conn:
        found = [await repository.get_partner(conn, i) for i in await repository.partner_ids(conn)]
    return [p for p in found if p is not None]


async def _require_partner(conn: AsyncConnection, partner_id: int) -> None:
    if await repository.get_partner(conn, partner_id) is None:
        raise PartnerNotFound(partner_id)


async def grant(engine: AsyncEngine, partner_id: int, customer_numbers: list[str]) -> None:
    async with write_transaction(engine) as conn:
        await _require_partner(conn, partner_id)
        await repository.grant_customers(conn, partner_id, customer_numbers)


async def ungrant(engine: AsyncEngine, partner_id: int, customer_numbers: list[str]) -> None:
    async with write_transaction(engine) as conn:
        await _require_partner(conn, partner_id)
        await repository.revoke_customers(conn, partner_id, customer_numbers)


async def grant_customers(engine: AsyncEngine, partner_id: int, numbers: list[str]) -> None:
    """Grant customer numbers (already granted ones stay); `PartnerNotFound` if none."""
    await grant(engine, partner_id, numbers)


async def revoke_customers(engine: AsyncEngine, partner_id: int, numbers: list[str]) -> None:
    """Revoke customer numbers (ungranted ones are ignored); `PartnerNotFound` if none."""
    await ungrant(engine, partner_id, numbers)


async def rename_partner(engine: AsyncEngine, partner_id: int, name: str) -> None:
    async with write_transaction(engine) as conn:
        if not await repository.rename_partner(conn, partner_id, name):
            raise PartnerNotFound(partner_id)


async def delete_partner(engine: AsyncEngine, partner_id: int) -> None:
    """The partner with its grants, API keys, OAuth clients and portal users."""
    async with write_transaction(engine) as conn:
        if not await repository.delete_partner(conn, partner_id):
            raise PartnerNotFound(partner_id)


async def issue_api_key(engine: AsyncEngine, partner_id: int) -> IssuedApiKey:
    key = credentials.new_api_key()
    async with write_transaction(engine) as conn:
        await _require_partner(conn, partner_id)
        key_id = await repository.insert_api_key(
            conn, partner_id, credentials.digest(key), key[:6], utcnow()
        )
    return IssuedApiKey(key_id, key)


async def revoke_api_key(engine: AsyncEngine, partner_id: int, key_id: int) -> None:
    """Revoke a key; revoking it again is fine. Unknown partner or key: `LookupError`."""
    async with write_transaction(engine) as conn:
        await _require_partner(conn, partner_id)
        if not await repository.api_key_exists(conn, partner_id, key_id):
            raise CredentialNotFound(f"API key {key_id} of partner {partner_id} not found")
        await repository.revoke_api_key(conn, partner_id, key_id, utcnow())


async def issue_oauth_client(
    engine: AsyncEngine, partner_id: int, scopes: Sequence[str]
) -> IssuedClient:
    client_id, secret = credentials.new_client_id(), credentials.new_client_secret()
    unique_scopes = tuple(dict.fromkeys(scopes))
    async with write_transaction(engine) as conn:
        await _require_partner(conn, partner_id)
        await repository.insert_oauth_client(
            conn, partner_id, client_id, credentials.digest(secret), unique_scopes, utcnow()
        )
    return IssuedClient(client_id, secret, unique_scopes)


async def revoke_oauth_client(engine: AsyncEngine, partner_id: int, client_id: str) -> None:
    async with write_transaction(engine) as conn:
        await _require_partner(conn, partner_id)
        if not await repository.oauth_client_exists(conn, partner_id, client_id):
            raise CredentialNotFound(f"OAuth client {client_id} of partner {partner_id} not found")
        await repository.revoke_oauth_client(conn, partner_id, client_id, utcnow())


def plausible_secret(value: str, limit: int = 256) -> bool:
    """Credentials are short printable text; anything else cannot match (and PostgreSQL rejects
    NUL bytes in text, so such values must never reach a query)."""
    return 0 < len(value) <= limit and value.isprintable()
