"""What a kit route reads with the credential (`Read`, declared by `reads`) and what it got
(`Found`): one statement, `reads.service.access` (docs/architecture.md, "The read path")."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeVar

import orjson
from starlette.requests import Request
from starlette.responses import Response

from invoiceport.invoices.queries import Page, Slice
from invoiceport.invoices.schemas import StoredInvoice
from invoiceport.kit.cache import RenderCache
from invoiceport.reads.service import Lookup

E = TypeVar("E", bound=Callable[..., Awaitable[Response]])


@dataclass(frozen=True, slots=True)
class Read:
    """What a route reads with the credential: the lookup, the render-cache key of the view it
    will make (None: not cached), the one account whose grant it checks (`may_see`) and, for a
    page whose items it renders by `Found.fragments`, those views' key prefix (`items`): items
    whose view is cached for their stored version are then not read again."""

    lookup: Lookup | None = None
    cache_key: Hashable | None = None
    account: str | None = None
    items: tuple[Hashable, ...] | None = None


ReadPlan = Callable[[Request], Read | None]


def reads(plan: ReadPlan) -> Callable[[E], E]:
    """Declare what a route reads with the credential (one statement, `reads.service.access`).
    `plan` must not raise: when the request is malformed it returns None, and the route's own
    checks then answer."""

    def mark(endpoint: E) -> E:
        endpoint.kit_reads = plan  # type: ignore[attr-defined]
        return endpoint

    return mark


class Found:
    """The invoice or page a `reads` route asked for, as the partner may see it."""

    def __init__(
        self,
        invoice: StoredInvoice | None,
        body: bytes | None,
        read: Read | None,
        page: Page | None = None,
        dated: date | None = None,
        stamp: tuple[int, datetime] | None = None,
        slice: Slice | None = None,
    ) -> None:
        self.invoice = invoice
        self._body = body  # its view, cached: the document was not read again
        self._read = read
        self.page = page
        """The page a `PageOf` lookup asked for (None when the partner is not granted)."""
        self.dated = dated
        """The invoice's date (an open order's: its order date), known without its document."""
        self.slice = slice
        """The invoices an `After` lookup asked for (None when the partner is not granted)."""
        self.stamp = stamp
        """The invoice's (version, updated_at), known without its document (conditional
        requests answer from it without rendering)."""

    @property
    def exists(self) -> bool:
        return self.invoice is not None or self._body is not None

    def render(
        self,
        cache: RenderCache,
        view: Callable[[StoredInvoice], bytes],
        by_row: tuple[Hashable, ...] | None = None,
    ) -> bytes:
        """The view of the invoice (which must exist), made once per stored version: under the
        read's cache key, or, for a lookup whose invoice is known only once read (`ByNumber`),
        under `by_row` and the row's id (the document is read, but not rebuilt and rendered)."""
        if self._body is not None:
            return self._body
        assert self.invoice is not None, "render() of an invoice that does not exist"
        key = self._read.cache_key if self._read is not None else None
        if key is None and by_row is not None:
            key = (*by_row, self.invoice.id)
        if key is None:
            return view(self.invoice)
        return cache.render(key, self.invoice, view)

    def fragments(
        self,
        cache: RenderCache,
        prefix: tuple[Hashable, ...],
        view: Callable[[StoredInvoice], bytes],
    ) -> list[orjson.Fragment]:
        """The JSON view of each item of the page or slice read, made once per stored version
        under `prefix` and the item's id; `prefix` must be the read's `items` when it declared
        one."""
        return [orjson.Fragment(body) for body in self.views(cache, prefix, view)]

    def views(
        self,
        cache: RenderCache,
        prefix: tuple[Hashable, ...],
        view: Callable[[StoredInvoice], bytes],
    ) -> list[bytes]:
        """`fragments`, as bytes; none when no page was read (a search nothing can match)."""
        read = self.page if self.page is not None else self.slice
        if read is None:
            return []
        held = read.rendered
        if held and (self._read is None or self._read.items != prefix):
            raise RuntimeError(f"the page was read for the views {self._read}, not {prefix}")
        return cache.views(prefix, read.items, view, held)
