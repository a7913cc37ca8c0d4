"""Imports every table module so that `platform.db.metadata` is complete (Alembic, tests)."""

from sqlalchemy.ext.asyncio import AsyncEngine

from invoiceport.idempotency import tables as idempotency_tables
from invoiceport.invoices import tables as invoice_tables
from invoiceport.partners import tables as partner_tables
from invoiceport.platform.db import metadata, write_transaction
from invoiceport.webhooks import tables as webhook_tables

__all__ = [
    "idempotency_tables",
    "invoice_tables",
    "metadata",
    "partner_tables",
    "webhook_tables",
    "wipe",
]


async def wipe(engine: AsyncEngine) -> None:
    """Delete every row of every table (`invoiceport demo --reset`); the schema stays."""
    async with write_transaction(engine) as conn:
        for table in reversed(metadata.sorted_tables):
            await conn.execute(table.delete())
