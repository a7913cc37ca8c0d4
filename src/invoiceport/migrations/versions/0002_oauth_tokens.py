"""OAuth 2.0 access tokens (client credentials), stored as digests

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 04:38:00.243845
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from invoiceport.platform import db as ipdb

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "oauth_tokens",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("client_row_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("scopes", sa.Text(), nullable=False),
        sa.Column("created_at", ipdb.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", ipdb.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_row_id"],
            ["oauth_clients.id"],
            name=op.f("fk_oauth_tokens_client_row_id_oauth_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oauth_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_oauth_tokens_token_hash")),
    )
    with op.batch_alter_table("oauth_tokens", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_oauth_tokens_client_row_id"), ["client_row_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_oauth_tokens_expires_at"), ["expires_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("oauth_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_oauth_tokens_expires_at"))
        batch_op.drop_index(batch_op.f("ix_oauth_tokens_client_row_id"))

    op.drop_table("oauth_tokens")
