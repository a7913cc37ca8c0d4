"""Stored invoice -> the native API's JSON (pure: no I/O, settings or clock).

A document is the canonical invoice exactly as stored (the ingest contract's fields, snake_case,
amounts as exact decimal strings) plus `version`, `created_at` and `updated_at`.
"""

from __future__ import annotations

from datetime import datetime

from invoiceport.invoices.schemas import StoredInvoice


def timestamp(when: datetime) -> str:
    return when.isoformat().replace("+00:00", "Z")


def document(stored: StoredInvoice) -> bytes:
    """The stored JSON object with the server's fields appended (no parse: the stored text is
    a JSON object with at least the required fields)."""
    body = stored.document.rstrip()
    extra = (
        f',"version":{stored.version},"created_at":"{timestamp(stored.created_at)}",'
        f'"updated_at":"{timestamp(stored.updated_at)}"}}'
    )
    return body[:-1] + extra.encode()
