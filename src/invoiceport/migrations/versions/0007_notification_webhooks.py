"""notification webhooks (issue 14): a delivery style and the creating OAuth client per endpoint

Revision ID: 0007
Revises: 0006

ABC Supply's `/api/notification/v2/webhooks` subscriptions are webhook endpoints like the others
(one outbox, one worker) with two more facts: `style` (`notification`: the secret travels in
`Authorization` and the body is the notification shape; NULL: Standard Webhooks only, as
before) and `client_id`, the OAuth client that created it (at most 5 per client).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("webhook_endpoints") as batch:
        batch.add_column(sa.Column("style", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("client_id", sa.String(length=64), nullable=True))


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN on both databases (SQLite 3.35+): a batch copy would drop and
    # recreate the table, and SQLite's ON DELETE CASCADE would take the deliveries with it.
    op.execute("ALTER TABLE webhook_endpoints DROP COLUMN client_id")
    op.execute("ALTER TABLE webhook_endpoints DROP COLUMN style")
