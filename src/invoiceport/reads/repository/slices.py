"""Slices (`reads.service.After`): up to n matches newest first by id, below a cursor's id, by a
statement built once per shape of query and run on the driver, as first pages are."""

from collections.abc import Hashable
from typing import Any

from sqlalchemy import Select, bindparam, select

from invoiceport.invoices.repository import STORED_COLUMNS, InvoiceQuery, filtered
from invoiceport.invoices.tables import invoices
from invoiceport.platform.lru import LRU
from invoiceport.reads.repository import _ONE_OFF, _placeholders, bound

_SLICES: LRU[Hashable, Select[Any]] = LRU(256)
"""Slice statements by shape: a few per route in practice, bounded whatever clients send."""


def after(
    query: InvoiceQuery, after: int | None, limit: int
) -> tuple[Select[Any], dict[str, Any]] | None:
    """The statement of up to `limit` matches of `query` below `after` (None: from the newest)
    and the values to bind to it; None when the query has a filter whose SQL holds its value
    (`repository.after` builds that one for the request)."""
    if any(getattr(query, name) is not None for name in _ONE_OFF):
        return None
    shape, values = bound(query)
    key = (shape, after is not None, limit)
    statement = _SLICES.get(key)
    if statement is None:
        found = filtered(select(*STORED_COLUMNS), _placeholders(query))
        if after is not None:
            found = found.where(invoices.c.id < bindparam("after_id"))
        statement = found.order_by(invoices.c.id.desc()).limit(limit)
        _SLICES.put(key, statement)
    if after is not None:
        values["after_id"] = after
    return statement, values
