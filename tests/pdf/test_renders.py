"""The PDF cache (bounded in bytes) and the per-partner render slots (pdf/renders.py)."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from collections.abc import Callable

import pytest

from invoiceport.pdf.renders import PdfCache, PdfRenders, RenderQueueFull


def test_the_cache_is_bounded_in_bytes_least_recently_used_out() -> None:
    cache = PdfCache(max_bytes=10)
    cache.put("a", b"1234")
    cache.put("b", b"1234")
    assert cache.get("a") == b"1234"  # now the most recently used
    cache.put("c", b"1234")  # 12 bytes > 10: "b" goes
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (b"1234", None, b"1234")
    assert cache.size == 8
    cache.put("huge", b"x" * 11)  # larger than the whole cache: not kept, nothing evicted
    assert cache.get("huge") is None and cache.size == 8


class SlowRenders:
    """A render that takes `seconds` in its thread and records who rendered at once."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.lock = threading.Lock()
        self.running: Counter[str] = Counter()
        self.most: Counter[str] = Counter()
        self.calls: Counter[str] = Counter()
        self.finished: list[tuple[str, float]] = []

    def of(self, partner: str) -> Callable[[], bytes]:
        def render() -> bytes:
            with self.lock:
                self.running[partner] += 1
                self.calls[partner] += 1
                self.most[partner] = max(self.most[partner], self.running[partner])
            time.sleep(self.seconds)
            with self.lock:
                self.running[partner] -= 1
                self.finished.append((partner, time.monotonic()))
            return partner.encode()

        return render


async def test_one_partner_renders_two_at_a_time_and_another_is_not_kept_waiting() -> None:
    renders = PdfRenders(cache_bytes=0, per_partner=2, wait_seconds=30)
    slow = SlowRenders(0.2)
    heavy = [asyncio.create_task(renders.pdf(1, ("heavy", n), slow.of("heavy"))) for n in range(8)]
    await asyncio.sleep(0.05)
    light = await renders.pdf(2, "light", slow.of("light"))
    light_done = time.monotonic()
    pending = sum(not task.done() for task in heavy)
    await asyncio.gather(*heavy)
    assert light == b"light"
    assert slow.most["heavy"] == 2  # never more than its two slots
    assert pending >= 6  # the other partner was served while the first's were still queued
    assert all(when > light_done for who, when in slow.finished[-6:] if who == "heavy")


async def test_a_cached_pdf_is_not_rendered_again_nor_queued() -> None:
    renders = PdfRenders(cache_bytes=1_000, per_partner=1, wait_seconds=30)
    slow = SlowRenders(0.05)
    same = [renders.pdf(1, "k", slow.of("p")) for _ in range(5)]
    assert await asyncio.gather(*same) == [b"p"] * 5
    assert slow.calls["p"] == 1  # the waiting four found it in the cache
    assert await renders.pdf(1, "k", slow.of("p")) == b"p"
    assert slow.calls["p"] == 1


async def test_waiting_too_long_for_a_turn_is_refused() -> None:
    renders = PdfRenders(cache_bytes=0, per_partner=1, wait_seconds=0.05)
    slow = SlowRenders(0.3)
    first = asyncio.create_task(renders.pdf(1, "a", slow.of("p")))
    await asyncio.sleep(0.01)
    with pytest.raises(RenderQueueFull, match="retry in"):
        await renders.pdf(1, "b", slow.of("p"))
    assert await first == b"p"
    assert await renders.pdf(2, "c", slow.of("q")) == b"q"
