"""Rows of the read path as stored invoices, and a page's items whose views the reader holds."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from invoiceport.invoices.schemas import StoredInvoice
from invoiceport.reads import repository

Stamp = tuple[int, datetime]
"""(version, updated_at): what a rendering of an invoice is valid for."""
Views = Callable[[int, Stamp], bytes | None]
"""The reader's view of an invoice (by id) at a stamp, when it holds one (`service.access`)."""


def stored_row(row: Mapping[str, Any]) -> StoredInvoice:
    """A row of the stored columns (`invoices.repository.STORED_COLUMNS`) read by `fetch`."""
    document = row["document"]
    if isinstance(document, str):
        document = document.encode()
    return StoredInvoice(row["id"], document, row["version"], row["created_at"], row["updated_at"])


async def viewed(
    engine: AsyncEngine, rows: list[Mapping[str, Any]], views: Views, seconds: float
) -> tuple[list[StoredInvoice], dict[int, bytes]]:
    """The items of a page read without documents: those whose view the caller holds for
    their stamp (with an empty `document`, and that view), the others read again whole. A row
    gone in between is left out; one changed in between is taken as it is now."""
    rendered: dict[int, bytes] = {}
    for row in rows:
        body = views(row["id"], (row["version"], row["updated_at"]))
        if body is not None:
            rendered[row["id"]] = body
    missing = [row["id"] for row in rows if row["id"] not in rendered]
    read: dict[int, StoredInvoice] = {}
    if missing:
        statement, params = repository.documents_of(missing)
        for found in await repository.rows(engine, statement, params, seconds):
            read[found["id"]] = stored_row(found)
    items = []
    for row in rows:
        if row["id"] in rendered:
            items.append(
                StoredInvoice(row["id"], b"", row["version"], row["created_at"], row["updated_at"])
            )
        elif row["id"] in read:
            items.append(read[row["id"]])
    return items, rendered
