"""All SQL about partners and their credentials."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from invoiceport.partners.schemas import ApiKeyInfo, OAuthClientInfo, Partner
from invoiceport.partners.tables import (
    api_keys,
    oauth_clients,
    oauth_tokens,
    partner_customers,
    partners,
)


async def insert_partner(conn: AsyncConnection, name: str, at: datetime) -> int:
    result = await conn.execute(
        insert(partners).values(name=name, created_at=at).returning(partners.c.id)
    )
    return int(result.scalar_one())


async def grant_customers(conn: AsyncConnection, partner_id: int, numbers: Iterable[str]) -> None:
    have = set(await customer_numbers(conn, partner_id))
    new = sorted(set(numbers) - have)
    if new:
        await conn.execute(
            insert(partner_customers),
            [{"partner_id": partner_id, "customer_number": n} for n in new],
        )


async def revoke_customers(conn: AsyncConnection, partner_id: int, numbers: Iterable[str]) -> None:
    await conn.execute(
        delete(partner_customers).where(
            partner_customers.c.partner_id == partner_id,
            partner_customers.c.customer_number.in_(list(numbers)),
        )
    )


async def customer_numbers(conn: AsyncConnection, partner_id: int) -> list[str]:
    result = await conn.execute(
        select(partner_customers.c.customer_number)
        .where(partner_customers.c.partner_id == partner_id)
        .order_by(partner_customers.c.customer_number)
    )
    return list(result.scalars())


async def get_partner(conn: AsyncConnection, partner_id: int) -> Partner | None:
    row = (await conn.execute(select(partners).where(partners.c.id == partner_id))).first()
    if row is None:
        return None
    keys = await conn.execute(
        select(api_keys).where(api_keys.c.partner_id == partner_id).order_by(api_keys.c.id)
    )
    clients = await conn.execute(
        select(oauth_clients)
        .where(oauth_clients.c.partner_id == partner_id)
        .order_by(oauth_clients.c.id)
    )
    return Partner(
        id=row.id,
        name=row.name,
        created_at=row.created_at,
        customer_numbers=await customer_numbers(conn, partner_id),
        api_keys=[
            ApiKeyInfo(
                id=k.id, prefix=k.key_prefix, created_at=k.created_at, revoked_at=k.revoked_at
            )
            for k in keys
        ],
        oauth_clients=[
            OAuthClientInfo(
                client_id=c.client_id,
                scopes=c.scopes.split(),
                created_at=c.created_at,
                revoked_at=c.revoked_at,
            )
            for c in clients
        ],
    )


async def partner_ids(conn: AsyncConnection) -> list[int]:
    return list((await conn.execute(select(partners.c.id).order_by(partners.c.id))).scalars())


async def insert_api_key(
    conn: AsyncConnection, partner_id: int, key_hash: str, prefix: str, at: datetime
) -> int:
    result = await conn.execute(
        insert(api_keys)
        .values(partner_id=partner_id, key_hash=key_hash, key_prefix=prefix, created_at=at)
        .returning(api_keys.c.id)
    )
    return int(result.scalar_one())


async def revoke_api_key(conn: AsyncConnection, partner_id: int, key_id: int, at: datetime) -> bool:
    result = await conn.execute(
        update(api_keys)
        .where(
            api_keys.c.id == key_id,
            api_keys.c.partner_id == partner_id,
            api_keys.c.revoked_at.is_(None),
        )
        .values(revoked_at=at)
    )
    return result.rowcount > 0


async def api_key_exists(conn: AsyncConnection, partner_id: int, key_id: int) -> bool:
    query = select(api_keys.c.id).where(
        api_keys.c.id == key_id, api_keys.c.partner_id == partner_id
    )
    return (await conn.execute(query)).first() is not None


async def insert_oauth_client(
    conn: AsyncConnection,
    partner_id: int,
    client_id: str,
    secret_hash: str,
    scopes: Iterable[str],
    at: datetime,
) -> None:
    await conn.execute(
        insert(oauth_clients).values(
            partner_id=partner_id,
            client_id=client_id,
            secret_hash=secret_hash,
            scopes=" ".join(scopes),
            created_at=at,
        )
    )


async def revoke_oauth_client(
    conn: AsyncConnection, partner_id: int, client_id: str, at: datetime
) -> bool:
    result = await conn.execute(
        update(oauth_clients)
        .where(
            oauth_clients.c.client_id == client_id,
            oauth_clients.c.partner_id == partner_id,
            oauth_clients.c.revoked_at.is_(None),
        )
        .values(revoked_at=at)
    )
    return result.rowcount > 0


async def oauth_client_exists(conn: AsyncConnection, partner_id: int, client_id: str) -> bool:
    query = select(oauth_clients.c.id).where(
        oauth_clients.c.client_id == client_id, oauth_clients.c.partner_id == partner_id
    )
    return (await conn.execute(query)).first() is not None


async def active_oauth_client_row(
    conn: AsyncConnection, client_id: str
) -> tuple[int, int, str, list[str]] | None:
    """(client row id, partner id, secret hash, scopes) of an unrevoked client."""
    row = (
        await conn.execute(
            select(
                oauth_clients.c.id,
                oauth_clients.c.partner_id,
                oauth_clients.c.secret_hash,
                oauth_clients.c.scopes,
            ).where(oauth_clients.c.client_id == client_id, oauth_clients.c.revoked_at.is_(None))
        )
    ).first()
    if row is None:
        return None
    return (row.id, row.partner_id, row.secret_hash, row.scopes.split())


async def insert_oauth_token(
    conn: AsyncConnection,
    *,
    token_hash: str,
    client_row_id: int,
    partner_id: int,
    scopes: Iterable[str],
    created_at: datetime,
    expires_at: datetime,
) -> None:
    await conn.execute(
        insert(oauth_tokens).values(
            token_hash=token_hash,
            client_row_id=client_row_id,
            partner_id=partner_id,
            scopes=" ".join(scopes),
            created_at=created_at,
            expires_at=expires_at,
        )
    )


async def delete_expired_oauth_tokens(conn: AsyncConnection, before: datetime) -> int:
    result = await conn.execute(delete(oauth_tokens).where(oauth_tokens.c.expires_at <= before))
    return int(result.rowcount or 0)


async def rename_partner(conn: AsyncConnection, partner_id: int, name: str) -> bool:
    result = await conn.execute(
        partners.update().where(partners.c.id == partner_id).values(name=name)
    )
    return bool(result.rowcount)


async def delete_partner(conn: AsyncConnection, partner_id: int) -> bool:
    """The partner and, by cascade, its grants, credentials and users."""
    result = await conn.execute(partners.delete().where(partners.c.id == partner_id))
    return bool(result.rowcount)
