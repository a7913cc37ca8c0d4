"""Users of the portal (a partner's people) and of the console (the supplier's), and their sessions.

A portal user belongs to one partner and sees what that partner is granted; a console user
(`partner_id` NULL) is the supplier's staff. Passwords are argon2id hashes; invitations and
session tokens are stored as SHA-256 digests only (they are 256-bit random secrets).
"""

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table

from invoiceport.platform.db import UTCDateTime, metadata

web_users = Table(
    "web_users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("role", String(16), nullable=False),  # "portal" or "console"
    Column("email", String(254), nullable=False),
    Column(
        "partner_id",
        Integer,
        ForeignKey("partners.id", ondelete="CASCADE"),
        index=True,
    ),
    Column("password_hash", String(255)),  # NULL until the invitation is used
    Column("invite_hash", String(64), unique=True),
    Column("invite_expires_at", UTCDateTime),
    Column("failed_logins", Integer, nullable=False),
    Column("locked_until", UTCDateTime),
    Column("created_at", UTCDateTime, nullable=False),
    Column("disabled_at", UTCDateTime),
)
Index("ux_web_users_role_email", web_users.c.role, web_users.c.email, unique=True)

web_sessions = Table(
    "web_sessions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column(
        "user_id",
        Integer,
        ForeignKey("web_users.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime),
)
