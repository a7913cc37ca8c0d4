"""All SQL about web users and their sessions. Functions take a connection; callers commit."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import String, bindparam, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from invoiceport.accounts.tables import web_sessions, web_users
from invoiceport.partners.tables import partner_customers, partners
from invoiceport.platform.db import UTCDateTime, fetch


@dataclass(frozen=True, slots=True)
class UserRow:
    id: int
    role: str
    email: str
    partner_id: int | None
    password_hash: str | None
    failed_logins: int
    locked_until: datetime | None
    created_at: datetime
    disabled_at: datetime | None
    invited: bool


def _user(row: Any) -> UserRow:
    return UserRow(
        row.id,
        row.role,
        row.email,
        row.partner_id,
        row.password_hash,
        row.failed_logins,
        row.locked_until,
        row.created_at,
        row.disabled_at,
        row.invite_hash is not None,
    )


async def insert_user(
    conn: AsyncConnection,
    *,
    role: str,
    email: str,
    partner_id: int | None,
    password_hash: str | None,
    invite_hash: str | None,
    invite_expires_at: datetime | None,
    now: datetime,
) -> int:
    result = await conn.execute(
        web_users.insert().values(
            role=role,
            email=email,
            partner_id=partner_id,
            password_hash=password_hash,
            invite_hash=invite_hash,
            invite_expires_at=invite_expires_at,
            failed_logins=0,
            created_at=now,
        )
    )
    return int(result.inserted_primary_key[0])  # type: ignore[index]


async def user_by_email(conn: AsyncConnection, role: str, email: str) -> UserRow | None:
    row = (
        await conn.execute(
            select(web_users).where(web_users.c.role == role, web_users.c.email == email)
        )
    ).first()
    return None if row is None else _user(row)


async def user_by_id(conn: AsyncConnection, user_id: int) -> UserRow | None:
    row = (await conn.execute(select(web_users).where(web_users.c.id == user_id))).first()
    return None if row is None else _user(row)


async def user_by_invite(conn: AsyncConnection, invite_hash: str, now: datetime) -> UserRow | None:
    query = select(web_users).where(
        web_users.c.invite_hash == invite_hash,
        web_users.c.invite_expires_at > now,
        web_users.c.disabled_at.is_(None),
    )
    row = (await conn.execute(query)).first()
    return None if row is None else _user(row)


async def users_of_partner(conn: AsyncConnection, partner_id: int) -> list[UserRow]:
    query = select(web_users).where(web_users.c.partner_id == partner_id).order_by(web_users.c.id)
    return [_user(row) for row in await conn.execute(query)]


async def update_user(conn: AsyncConnection, user_id: int, **values: Any) -> None:
    await conn.execute(web_users.update().where(web_users.c.id == user_id).values(**values))


async def insert_session(
    conn: AsyncConnection, user_id: int, token_hash: str, now: datetime, expires_at: datetime
) -> None:
    await conn.execute(
        web_sessions.insert().values(
            token_hash=token_hash, user_id=user_id, created_at=now, expires_at=expires_at
        )
    )


# Read on every page of a signed-in user: built once, its values bound by name, and run like the
# read path's statements (`platform.db.fetch`: on PostgreSQL by the pooled connection's driver).
# With the user come the customers its partner is granted, one row each, in order (a portal
# page's customer switch): one round trip instead of two.
_SESSION_USER = (
    select(web_users, partner_customers.c.customer_number.label("granted"))
    .join(web_sessions, web_sessions.c.user_id == web_users.c.id)
    .outerjoin(partner_customers, partner_customers.c.partner_id == web_users.c.partner_id)
    .where(
        web_sessions.c.token_hash == bindparam("token_hash", type_=String),
        web_sessions.c.revoked_at.is_(None),
        web_sessions.c.expires_at > bindparam("now", type_=UTCDateTime),
        web_users.c.role == bindparam("role", type_=String),
        web_users.c.disabled_at.is_(None),
    )
    .order_by(partner_customers.c.customer_number)
)


async def session_user(
    engine: AsyncEngine, role: str, token_hash: str, now: datetime, seconds: float
) -> tuple[UserRow, list[str]] | None:
    """The enabled user of the live session with this digest, of this role, and the customer
    numbers its partner is granted (none for a console user), in order."""
    params = {"token_hash": token_hash, "now": now, "role": role}
    rows = await fetch(engine, _SESSION_USER, params, seconds)
    if not rows:
        return None
    return _user_of(rows[0]), [row["granted"] for row in rows if row["granted"] is not None]


def _user_of(row: Mapping[str, Any]) -> UserRow:
    return UserRow(
        row["id"],
        row["role"],
        row["email"],
        row["partner_id"],
        row["password_hash"],
        row["failed_logins"],
        row["locked_until"],
        row["created_at"],
        row["disabled_at"],
        row["invite_hash"] is not None,
    )


async def revoke_session(conn: AsyncConnection, token_hash: str, now: datetime) -> None:
    await conn.execute(
        web_sessions.update()
        .where(web_sessions.c.token_hash == token_hash, web_sessions.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )


async def revoke_sessions_of(conn: AsyncConnection, user_id: int, now: datetime) -> None:
    await conn.execute(
        web_sessions.update()
        .where(web_sessions.c.user_id == user_id, web_sessions.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )


async def partner_name(conn: AsyncConnection, partner_id: int) -> str | None:
    query = select(partners.c.name).where(partners.c.id == partner_id)
    name: str | None = (await conn.execute(query)).scalar_one_or_none()
    return name
