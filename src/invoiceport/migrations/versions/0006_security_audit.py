"""security audit (issue 18): the Ingram scope for existing clients; no receiver bodies kept

Revision ID: 0006
Revises: 0005

The Ingram Micro routes took any valid token; they now require the scope `invoice.read`
(docs/oauth.md). Clients made before had no way to ask for it, and every one of them could read
Ingram invoices: each existing client, and each of their tokens, gains the scope, so nothing
that worked stops working.

Webhook attempts kept the first 512 bytes of the receiver's answer, which the partner reads back
(`responseExcerpt`): an internal service's reply, had an address check been bypassed. Attempts
now keep the status line only; the stored excerpts become the status code.

No schema change; a downgrade leaves both as they are.
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

    op.execute(
        "UPDATE webhook_attempts SET response_excerpt = CASE WHEN status_code IS NULL THEN NULL"
        " ELSE CAST(status_code AS VARCHAR(3)) END WHERE response_excerpt IS NOT NULL"
    )


def downgrade() -> None:
    """Nothing: an older release never asks for `invoice.read`, and the bodies are gone."""
