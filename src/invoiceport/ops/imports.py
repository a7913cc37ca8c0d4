"""`invoiceport import PATH`: NDJSON, a JSON array or one (pretty-printed) JSON document of
canonical invoices, with progress counted in documents.

The file is checked first (UTF-8, JSON syntax, not empty, not truncated) so that a broken file is
refused as a whole with one clear line and nothing half-imported; then each invalid document is
rejected on its own and the others are stored.

NDJSON is cut into blocks of lines. Worker processes (one per CPU) check every block, then decode,
validate and render the documents of the next blocks (`invoices.prepare.prepare_lines`) while this
process stores batches of them (`service.BulkIngest`, that is `service.store`), so that the
validation's CPU and the database's overlap. The outcome is what feeding the lines to
`BulkIngest.add_raw` gives. A JSON array, or a file that is one JSON document over several lines,
is decoded whole and goes through `BulkIngest` too.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import multiprocessing
import os
import sys
from collections import deque
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text
from sqlalchemy.ext.asyncio import AsyncEngine

from invoiceport.invoices.prepare import Prepared, Rejection, prepare_lines
from invoiceport.invoices.schemas import CanonicalInvoice
from invoiceport.invoices.service import BulkIngest, BulkReport
from invoiceport.invoices.validation import InvoiceRejected, validate_document
from invoiceport.ops.importfile import (
    FileKind,
    ImportFileError,
    block_bounds,
    block_lines,
    check_block,
    check_line,
    checked_kind,
)
from invoiceport.webhooks.payloads import data_renderer, register_data_renderer

PROGRESS_MIN_BYTES = 256 * 1024  # smaller files finish before a bar would be worth drawing
BLOCK_BYTES = 1024 * 1024  # lines a worker takes at a time
SERIAL_BLOCK_BYTES = 64 * 1024  # without workers: the progress bar moves this often
PARALLEL_MIN_BYTES = 2 * BLOCK_BYTES  # smaller files are prepared in this process
MAX_WORKERS = 8
# Workers fork from this process (nothing to re-import); elsewhere fork is unsafe or missing.
_START_METHOD = "fork" if sys.platform == "linux" else "spawn"

T = TypeVar("T")


class _DocumentRate(ProgressColumn):
    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.0f} documents/s" if speed else "", style="progress.data.speed")


def _progress(console: Console, enabled: bool) -> Progress:
    """Counted in documents: the total is known once the file is checked (NDJSON) or read."""
    return Progress(
        TextColumn("importing"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("documents"),
        _DocumentRate(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
        disable=not enabled,
    )


async def import_file(
    engine: AsyncEngine,
    path: Path,
    *,
    verify_totals: bool = True,
    batch_size: int = 500,
    max_line_bytes: int | None = None,
    console: Console | None = None,
    progress: bool | None = None,
    workers: int | None = None,
    block_bytes: int | None = None,
    check: Callable[[CanonicalInvoice], list[str]] | None = None,
) -> BulkReport:
    """Import every document of `path`; line (or array item) numbers count from 1. `check`: the
    e-invoice ingest check (`einvoice.ingest`), run on each valid document before it is stored.

    NDJSON is checked, then decoded, validated and rendered in `workers` processes (default: one
    per CPU, none for a file under `PARALLEL_MIN_BYTES`), `block_bytes` of lines at a time, while
    the main process stores the batches (`service.BulkIngest`)."""
    kind = checked_kind(path)
    console = console or Console(stderr=True)
    size = (await asyncio.to_thread(path.stat)).st_size
    show = progress if progress is not None else console.is_terminal and size >= PROGRESS_MIN_BYTES
    if workers is None:
        workers = 0 if size < PARALLEL_MIN_BYTES else min(_cpus(), MAX_WORKERS)
    if block_bytes is None:
        block_bytes = BLOCK_BYTES if workers else SERIAL_BLOCK_BYTES
    with _progress(console, show) if show else nullcontext() as bar:
        task = bar.add_task("import", total=None) if bar is not None else None

        def advance(n: int, total: int | None = None) -> None:
            if bar is not None and task is not None:
                if total is not None:
                    bar.update(task, total=total)
                bar.advance(task, n)

        if kind == "ndjson":
            return await _import_ndjson(
                engine,
                path,
                _Options(verify_totals, batch_size, max_line_bytes),
                workers=workers,
                block_bytes=block_bytes,
                advance=advance,
                document_check=check,
            )
        bulk = BulkIngest(
            engine,
            verify_totals=verify_totals,
            batch_size=batch_size,
            max_line_bytes=max_line_bytes,
            check=check,
        )
        await _import_whole(bulk, path, kind, advance)
        return await bulk.finish()


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@dataclass(frozen=True, slots=True)
class _Options:
    verify_totals: bool
    batch_size: int
    max_line_bytes: int | None


def _prepare_block(
    path: Path, offset: int, length: int, first: int, options: _Options
) -> list[Prepared | Rejection]:
    """A slice's lines, decoded, validated and rendered (`prepare_lines`). In a worker."""
    return prepare_lines(
        block_lines(path, offset, length, first),
        verify_totals=options.verify_totals,
        max_line_bytes=options.max_line_bytes,
    )


class _Runner:
    """Runs the blocks' work in a process pool, or here and now when there are no workers."""

    def __init__(self, workers: int) -> None:
        self.loop = asyncio.get_running_loop()
        self.pool = (
            ProcessPoolExecutor(
                workers,
                mp_context=multiprocessing.get_context(_START_METHOD),
                # A spawned worker starts without this process's registrations.
                initializer=register_data_renderer,
                initargs=(data_renderer(),),
            )
            if workers > 0
            else None
        )

    def run(self, fn: Callable[..., T], *args: Any) -> asyncio.Future[T]:
        if self.pool is not None:
            return self.loop.run_in_executor(self.pool, fn, *args)
        future: asyncio.Future[T] = self.loop.create_future()
        try:
            future.set_result(fn(*args))
        except Exception as exc:
            future.set_exception(exc)
        return future

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)


async def _import_ndjson(
    engine: AsyncEngine,
    path: Path,
    options: _Options,
    *,
    workers: int,
    block_bytes: int,
    advance: Callable[[int, int | None], None],
    document_check: Callable[[CanonicalInvoice], list[str]] | None = None,
) -> BulkReport:
    bounds = block_bounds(path, block_bytes)
    runner = _Runner(workers)
    try:
        # 1. The whole file is checked before anything is stored; the first bad line in the file
        # is reported as `check_file` reports it.
        checks = [runner.run(check_block, path, offset, length) for offset, length in bounds]
        firsts: list[int] = []
        line = 1
        documents = 0
        for check in checks:
            count, in_block, bad = await check
            documents += in_block
            if bad is not None:
                index, raw = bad
                check_line(path, line + index, raw)  # raises, numbered in the whole file
                raise AssertionError("a bad line passed its check")  # pragma: no cover
            firsts.append(line)
            line += count
        advance(0, documents)
        # 2. Workers prepare the next blocks while this process writes batches of `batch_size`.
        pending: deque[tuple[int, asyncio.Future[list[Prepared | Rejection]]]] = deque()
        blocks = iter(zip(bounds, firsts, strict=True))

        def submit() -> None:
            for (offset, length), first in itertools.islice(blocks, 1):
                work = runner.run(_prepare_block, path, offset, length, first, options)
                pending.append((length, work))

        for _ in range(2 * workers + 2):
            submit()
        bulk = BulkIngest(
            engine, batch_size=options.batch_size, analyze_first=True, check=document_check
        )
        while pending:
            _, work = pending.popleft()
            results = await work
            submit()
            for result in results:
                await bulk.add_result(result)
            advance(len(results), None)
        return await bulk.finish()
    finally:
        runner.close()


async def _import_whole(
    bulk: BulkIngest, path: Path, kind: FileKind, advance: Callable[[int, int | None], None]
) -> None:
    """A JSON array, item by item, or one JSON document."""
    data: Any = json.loads(await asyncio.to_thread(path.read_bytes), parse_float=Decimal)
    if kind == "document":
        data = [data]
    elif not isinstance(data, list):
        raise ImportFileError(f"{path}: expected a JSON array of invoices")
    advance(0, len(data))
    for number, item in enumerate(data, start=1):
        advance(1, None)
        try:
            invoice = validate_document(item, verify_totals=bulk.verify_totals)
        except InvoiceRejected as exc:
            bulk.reject(number, exc.errors)
            continue
        await bulk.add(invoice)
