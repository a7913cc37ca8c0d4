"""Web users: invitations, sign-in with lockout, sessions revoked on logout and password change.

Two roles share one mechanism: "portal" (a partner's people; they see what the partner is
granted) and "console" (the supplier's staff). Invitation links and session tokens are 256-bit
random secrets, stored as SHA-256 digests; passwords are argon2id hashes (`passwords.py`).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from invoiceport.accounts import passwords, repository
from invoiceport.accounts.repository import UserRow
from invoiceport.partners import credentials
from invoiceport.partners import repository as partner_repository
from invoiceport.partners.service import PartnerNotFound
from invoiceport.platform.db import read_connection, write_transaction

Role = Literal["portal", "console"]
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
SESSION_LIFETIME = timedelta(hours=12)
INVITATION_LIFETIME = timedelta(days=7)
_EMAIL = re.compile(r"^[^@\s\x00-\x1f\x7f]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63}$")


class AccountError(ValueError):
    """A refusal that names the problem (the page shows it; a 4xx)."""


class SignInRefused(AccountError):
    def __init__(self, locked_until: datetime | None = None) -> None:
        self.locked_until = locked_until
        if locked_until is not None:
            super().__init__("too many failed sign-ins: this account is locked for a while")
        else:
            super().__init__("wrong e-mail address or password")


@dataclass(frozen=True, slots=True)
class Invitation:
    user_id: int
    token: str  # shown once, in the invitation link


@dataclass(frozen=True, slots=True)
class SignedIn:
    user: UserRow
    token: str  # the session token, for the signed cookie


def normal_email(email: str) -> str:
    email = email.strip().lower()
    if len(email) > 254 or not _EMAIL.match(email):
        raise AccountError(f"not an e-mail address: {email[:80]!r}")
    return email


def _secret() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, credentials.digest(token)


async def invite(
    engine: AsyncEngine, role: Role, email: str, partner_id: int | None, now: datetime
) -> Invitation:
    """A user without a password and a one-time link to set it (valid for a week)."""
    email = normal_email(email)
    token, digest = _secret()
    try:
        async with write_transaction(engine) as conn:
            if role == "portal" and (
                partner_id is None or await partner_repository.get_partner(conn, partner_id) is None
            ):
                raise PartnerNotFound(partner_id or 0)
            user_id = await repository.insert_user(
                conn,
                role=role,
                email=email,
                partner_id=partner_id if role == "portal" else None,
                password_hash=None,
                invite_hash=digest,
                invite_expires_at=now + INVITATION_LIFETIME,
                now=now,
            )
    except IntegrityError:
        raise AccountError(f"a {role} user {email} exists already") from None
    return Invitation(user_id, token)


async def create_with_password(
    engine: AsyncEngine, role: Role, email: str, password: str, now: datetime
) -> int:
    """A console user made on the command line, with the password given there."""
    email = normal_email(email)
    try:
        hashed = passwords.hash_password(password)
    except passwords.WeakPassword as exc:
        raise AccountError(str(exc)) from None
    try:
        async with write_transaction(engine) as conn:
            return await repository.insert_user(
                conn,
                role=role,
                email=email,
                partner_id=None,
                password_hash=hashed,
                invite_hash=None,
                invite_expires_at=None,
                now=now,
            )
    except IntegrityError:
        raise AccountError(f"a {role} user {email} exists already") from None


async def reinvite(engine: AsyncEngine, user_id: int, now: datetime) -> Invitation:
    """A new one-time link (the password is reset when it is used; sessions end now)."""
    token, digest = _secret()
    async with write_transaction(engine) as conn:
        if await repository.user_by_id(conn, user_id) is None:
            raise AccountError(f"user {user_id} not found")
        await repository.update_user(
            conn, user_id, invite_hash=digest, invite_expires_at=now + INVITATION_LIFETIME
        )
        await repository.revoke_sessions_of(conn, user_id, now)
    return Invitation(user_id, token)


async def invitation_user(engine: AsyncEngine, token: str, now: datetime) -> UserRow | None:
    if not credentials_plausible(token):
        return None
    async with read_connection(engine) as conn:
        return await repository.user_by_invite(conn, credentials.digest(token), now)


async def accept_invitation(engine: AsyncEngine, token: str, password: str, now: datetime) -> int:
    """Set the password of the invitation's user; the link then stops working."""
    try:
        hashed = passwords.hash_password(password)
    except passwords.WeakPassword as exc:
        raise AccountError(str(exc)) from None
    if not credentials_plausible(token):
        raise AccountError("this invitation link is not valid (used, expired or mistyped)")
    async with write_transaction(engine) as conn:
        user = await repository.user_by_invite(conn, credentials.digest(token), now)
        if user is None:
            raise AccountError("this invitation link is not valid (used, expired or mistyped)")
        await repository.update_user(
            conn,
            user.id,
            password_hash=hashed,
            invite_hash=None,
            invite_expires_at=None,
            failed_logins=0,
            locked_until=None,
        )
        await repository.revoke_sessions_of(conn, user.id, now)
    return user.id


def credentials_plausible(value: str) -> bool:
    return 0 < len(value) <= 256 and value.isprintable()


async def sign_in(
    engine: AsyncEngine, role: Role, email: str, password: str, now: datetime
) -> SignedIn:
    """A new session, or `SignInRefused`. After `MAX_FAILURES` failures in a row the account is
    locked for `LOCKOUT`, even to the right password."""
    try:
        email = normal_email(email)
    except AccountError:
        passwords.verify(None, password)
        raise SignInRefused() from None
    async with read_connection(engine) as conn:
        user = await repository.user_by_email(conn, role, email)
    if user is not None and user.locked_until is not None and user.locked_until > now:
        raise SignInRefused(user.locked_until)
    ok = passwords.verify(user.password_hash if user else None, password)
    if user is None or user.disabled_at is not None or not ok:
        if user is not None:
            await _failed(engine, user, now)
        raise SignInRefused()
    token, digest = _secret()
    async with write_transaction(engine) as conn:
        await repository.update_user(conn, user.id, failed_logins=0, locked_until=None)
        await repository.insert_session(conn, user.id, digest, now, now + SESSION_LIFETIME)
    return SignedIn(user, token)


async def _failed(engine: AsyncEngine, user: UserRow, now: datetime) -> None:
    async with write_transaction(engine) as conn:
        fresh = await repository.user_by_id(conn, user.id)
        failures = (fresh.failed_logins if fresh else 0) + 1
        locked = now + LOCKOUT if failures >= MAX_FAILURES else None
        await repository.update_user(
            conn, user.id, failed_logins=0 if locked else failures, locked_until=locked
        )
    if locked is not None:
        raise SignInRefused(locked)


async def session_user(
    engine: AsyncEngine, role: Role, token: str, now: datetime, seconds: float = 5.0
) -> tuple[UserRow, list[str]] | None:
    """The user of a live session and the customers its partner is granted, in order (read
    within `seconds`, the database timeout)."""
    if not credentials_plausible(token):
        return None
    return await repository.session_user(engine, role, credentials.digest(token), now, seconds)


async def sign_out(engine: AsyncEngine, token: str, now: datetime) -> None:
    if credentials_plausible(token):
        async with write_transaction(engine) as conn:
            await repository.revoke_session(conn, credentials.digest(token), now)


async def change_password(
    engine: AsyncEngine, user: UserRow, current: str, new: str, now: datetime
) -> SignedIn:
    """Every session of the user ends (this one too); the new session is returned."""
    async with read_connection(engine) as conn:
        fresh = await repository.user_by_id(conn, user.id)
    if fresh is None or not passwords.verify(fresh.password_hash, current):
        raise AccountError("the current password is wrong")
    try:
        hashed = passwords.hash_password(new)
    except passwords.WeakPassword as exc:
        raise AccountError(str(exc)) from None
    token, digest = _secret()
    async with write_transaction(engine) as conn:
        await repository.update_user(conn, user.id, password_hash=hashed)
        await repository.revoke_sessions_of(conn, user.id, now)
        await repository.insert_session(conn, user.id, digest, now, now + SESSION_LIFETIME)
    return SignedIn(fresh, token)


async def disable(engine: AsyncEngine, user_id: int, now: datetime) -> None:
    async with write_transaction(engine) as conn:
        await repository.update_user(conn, user_id, disabled_at=now)
        await repository.revoke_sessions_of(conn, user_id, now)


async def portal_users(engine: AsyncEngine, partner_id: int) -> list[UserRow]:
    async with read_connection(engine) as conn:
        return await repository.users_of_partner(conn, partner_id)


async def partner_name(engine: AsyncEngine, partner_id: int) -> str:
    async with read_connection(engine) as conn:
        return await repository.partner_name(conn, partner_id) or f"partner {partner_id}"
