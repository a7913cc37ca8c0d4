"""The reads the fast paths serve: an invoice as one credential may see it, in one query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from invoiceport.db import RawPool
from invoiceport.fastpath import repository
from invoiceport.invoices.schemas import StoredInvoice
from invoiceport.partners import credentials
from invoiceport.partners.service import plausible_secret


@dataclass(frozen=True, slots=True)
class KeyedInvoice:
    """What an API key's partner may see of one invoice."""

    partner_id: int
    granted: bool
    """The partner is granted the customer number asked for."""
    version: int | None
    """The invoice's stored version; None when not granted or when there is no such invoice."""
    invoice: StoredInvoice | None
    """None also when its (version, updated_at) is the `known` one the caller gave."""


async def invoice_for_api_key(
    pool: RawPool,
    key: str,
    environment: str,
    customer_number: str,
    invoice_number: str,
    known: tuple[int, datetime] | None = None,
) -> KeyedInvoice | None:
    """None when the key is not an active key (as `partners.service.authenticate_api_key`).

    Raises `db.DatabaseUnavailable` when the database cannot answer."""
    if not plausible_secret(key):
        return None
    key_hash = credentials.digest(key)
    row = await repository.invoice_for_api_key(
        pool, key_hash, environment, customer_number, invoice_number, known
    )
    if row is None or not credentials.same_digest(key_hash, row["key_hash"]):
        return None
    invoice = None
    if row["id"] is not None:
        invoice = StoredInvoice(
            row["id"],
            row["document"].encode(),
            row["version"],
            row["created_at"],
            row["updated_at"],
        )
    return KeyedInvoice(row["partner_id"], row["granted"], row["version"], invoice)
