"""The render cache: a view's bytes per stored version of an invoice, for any dialect and format.

A stored version never changes, so what a pure view made of it can be kept until the invoice
changes: the key names the dialect, the representation and the invoice (plus whatever options
the view took), and an entry is valid for one (version, updated_at). updated_at as well as the
version: a row deleted and written again (a demo reset, a restored database) restarts at 1.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from datetime import datetime

from invoiceport.invoices.schemas import StoredInvoice
from invoiceport.platform.lru import LRU

Stamp = tuple[int, datetime]
"""(version, updated_at): what a rendering is valid for."""


class RenderCache:
    """At most `size` rendered bodies per process (`INVOICEPORT_RENDER_CACHE_SIZE`)."""

    def __init__(self, size: int) -> None:
        self._items: LRU[Hashable, tuple[int, datetime, bytes]] = LRU(size)

    def stamp(self, key: Hashable) -> Stamp | None:
        """The version a cached rendering is for: a read may then leave that version's document
        out (`reads.service`), as the bytes are here already."""
        found = self._items.get(key)
        return None if found is None else (found[0], found[1])

    def cached(self, key: Hashable, stamp: Stamp) -> bytes | None:
        found = self._items.get(key)
        if found is None or (found[0], found[1]) != stamp:
            return None
        return found[2]

    def render(
        self, key: Hashable, stored: StoredInvoice, view: Callable[[StoredInvoice], bytes]
    ) -> bytes:
        """`view(stored)`, made once per stored version."""
        stamp = (stored.version, stored.updated_at)
        body = self.cached(key, stamp)
        if body is None:
            body = view(stored)
            self._items.put(key, (stored.version, stored.updated_at, body))
        return body

    def views(
        self,
        prefix: tuple[Hashable, ...],
        items: Iterable[StoredInvoice],
        view: Callable[[StoredInvoice], bytes],
        held: Mapping[int, bytes] | None = None,
    ) -> list[bytes]:
        """The `view` of each item of a page, each made once per stored version (keyed by
        `prefix` and the row); `held`: views already found, by id (`queries.Page.rendered`)."""
        out = []
        for stored in items:
            body = held.get(stored.id) if held else None
            if body is None:
                body = self.render((*prefix, stored.id), stored, view)
            out.append(body)
        return out

    def __len__(self) -> int:
        return len(self._items)
