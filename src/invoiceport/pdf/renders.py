"""Rendered PDFs, cached by version, and rendered a few at a time per partner.

A stored invoice version never changes, so neither does its PDF: the bytes are kept in a
least-recently-used cache bounded in bytes (`INVOICEPORT_PDF_CACHE_BYTES`), keyed by what
identifies the rendering (see `stored_invoice_pdf`). Rendering is CPU work in a thread, and
Python runs one thread at a time: sixteen long renders at once slow every other request of the
process, a one-page PDF of another partner included. So each partner may have
`INVOICEPORT_PDF_RENDERS_PER_PARTNER` renders in progress per process; further requests wait
their turn (a cached PDF never waits), and one that waited `INVOICEPORT_PDF_RENDER_WAIT_SECONDS`
is answered 429 with `Retry-After`.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable, Hashable

from starlette.concurrency import run_in_threadpool

from invoiceport.platform.metrics import Metrics
from invoiceport.settings import Settings

RETRY_AFTER_SECONDS = 5


class RenderQueueFull(Exception):
    """The partner's renders did not leave room within the wait."""

    def __init__(self, wait_seconds: float) -> None:
        super().__init__(
            f"too many PDFs of this partner are being rendered (waited {wait_seconds:g} s); "
            f"retry in {RETRY_AFTER_SECONDS} s"
        )


class PdfCache:
    """Bytes by key, least recently used first out, at most `max_bytes` in all."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self._items: OrderedDict[Hashable, bytes] = OrderedDict()

    def get(self, key: Hashable) -> bytes | None:
        found = self._items.get(key)
        if found is not None:
            self._items.move_to_end(key)
        return found

    def put(self, key: Hashable, pdf: bytes) -> None:
        if len(pdf) > self.max_bytes or key in self._items:
            return
        self._items[key] = pdf
        self.size += len(pdf)
        while self.size > self.max_bytes:
            _, dropped = self._items.popitem(last=False)
            self.size -= len(dropped)


class PdfRenders:
    """The cache and the per-partner render slots of one server process."""

    def __init__(
        self,
        cache_bytes: int,
        per_partner: int,
        wait_seconds: float,
        metrics: Metrics | None = None,
    ) -> None:
        self.cache = PdfCache(cache_bytes)
        self.per_partner = per_partner
        self.wait_seconds = wait_seconds
        self._slots: dict[int, asyncio.Semaphore] = {}
        self.metrics = metrics or Metrics()

    @classmethod
    def from_settings(cls, settings: Settings, metrics: Metrics) -> PdfRenders:
        return cls(
            settings.pdf_cache_bytes,
            settings.pdf_renders_per_partner,
            settings.pdf_render_wait_seconds,
            metrics,
        )

    async def pdf(self, partner_id: int, key: Hashable, render: Callable[[], bytes]) -> bytes:
        """The cached PDF, or `render()` run in a thread once one of the partner's slots is free."""
        found = self.cache.get(key)
        if found is not None:
            self.metrics.pdf_answers.labels("cache").inc()
            return found
        slot = self._slots.setdefault(partner_id, asyncio.Semaphore(self.per_partner))
        waiting = self.metrics.pdf_renders.labels("waiting")
        waiting.inc()
        try:
            async with asyncio.timeout(self.wait_seconds):
                await slot.acquire()
        except TimeoutError:
            raise RenderQueueFull(self.wait_seconds) from None
        finally:
            waiting.dec()
        try:
            found = self.cache.get(key)  # rendered by a request it waited behind
            if found is not None:
                self.metrics.pdf_answers.labels("cache").inc()
                return found
            with self.metrics.pdf_renders.labels("rendering").track_inprogress():
                found = await run_in_threadpool(render)
            self.cache.put(key, found)
            self.metrics.pdf_answers.labels("render").inc()
            return found
        finally:
            slot.release()
