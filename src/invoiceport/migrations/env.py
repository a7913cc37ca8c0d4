"""Alembic environment: runs the migrations on the connection `ops.migrate` hands over."""

from alembic import context
from sqlalchemy.engine import Connection

from invoiceport.platform.models import metadata

connection: Connection | None = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `invoiceport db upgrade`, not the alembic command")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
