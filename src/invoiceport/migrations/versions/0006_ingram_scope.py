"""invoice.read: the Ingram routes' scope, given to every existing client and token

Revision ID: 0006
Revises: 0005

The Ingram Micro routes took any valid token; they now require the scope `invoice.read`
(docs/oauth.md). Clients made before had no way to ask for it, and every one of them could read
Ingram invoices: each existing client, and each of their tokens, gains the scope, so nothing
that worked stops working. No schema change; a downgrade leaves the scope where it is.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("oauth_clients", "oauth_tokens")


def upgrade() -> None:
    for table in TABLES:
        op.execute(
            f"UPDATE {table} SET scopes = TRIM(scopes || ' invoice.read')"  # noqa: S608
            " WHERE ' ' || scopes || ' ' NOT LIKE '% invoice.read %'"
        )


def downgrade() -> None:
    """Nothing: an older release never asks for `invoice.read`, so the scope can stay."""
