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
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, TypeVar

import orjson
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
from invoiceport.webhooks.payloads import data_renderer, register_data_renderer

PROGRESS_MIN_BYTES = 256 * 1024  # smaller files finish before a bar would be worth drawing
BLOCK_BYTES = 1024 * 1024  # lines a worker takes at a time
SERIAL_BLOCK_BYTES = 64 * 1024  # without workers: the progress bar moves this often
PARALLEL_MIN_BYTES = 2 * BLOCK_BYTES  # smaller files are prepared in this process
MAX_WORKERS = 8
# Workers fork from this process (nothing to re-import); elsewhere fork is unsafe or missing.
_START_METHOD = "fork" if sys.platform == "linux" else "spawn"

T = TypeVar("T")
FileKind = Literal["ndjson", "array", "document"]
# How the CLI names a rejected document's place in each kind of file.
UNITS: dict[FileKind, str] = {"ndjson": "line", "array": "item", "document": "document"}


class ImportFileError(Exception):
    """The file as a whole cannot be imported; nothing was stored."""


def _is_json(raw: bytes) -> bool:
    try:
        orjson.loads(raw)
        return True
    except orjson.JSONDecodeError:
        pass
    try:  # orjson refuses some valid JSON (integers beyond 64 bits): ask the standard parser
        json.loads(raw, parse_float=Decimal)
        return True
    except (ValueError, RecursionError):
        return False


def _json_error(raw: bytes) -> str:
    try:
        json.loads(raw)
    except json.JSONDecodeError as exc:
        joiner = " " if exc.msg.endswith(" at") else " at "  # "Unterminated string starting at"
        where = f"line {exc.lineno} column {exc.colno}" if exc.lineno > 1 else f"column {exc.colno}"
        return f"{exc.msg}{joiner}{where}"
    except (ValueError, RecursionError) as exc:
        return str(exc) or type(exc).__name__
    return "invalid JSON"


def _lines(path: Path) -> Iterator[tuple[int, bytes]]:
    with path.open("rb") as handle:
        yield from enumerate(handle, start=1)


def _first_byte(path: Path) -> bytes:
    with path.open("rb") as handle:
        while chunk := handle.read(4096):
            stripped = chunk.lstrip()
            if stripped:
                return stripped[:1]
    return b""


def check_file(path: Path) -> FileKind:
    """'ndjson', 'array' or 'document'; raises `ImportFileError` naming the first problem."""
    kind = _file_kind(path)
    if kind == "ndjson":
        for number, line in _lines(path):
            _check_line(path, number, line)
    return kind


def _first_line(path: Path) -> bytes:
    with path.open("rb") as handle:
        for line in handle:
            if line.strip():
                return line
    return b""


def file_kind(path: Path) -> FileKind:
    """What the file holds, from its start: a JSON array (`[`), one JSON document over several
    lines (`{` and a first line that is not a whole document, while the file is), else NDJSON.
    A one-line document is NDJSON of one line: the same import."""
    if not path.exists():
        raise ImportFileError(f"{path}: no such file")
    if not path.is_file():
        raise ImportFileError(f"{path}: not a file")
    first = _first_byte(path)
    if not first:
        raise ImportFileError(
            f"{path}: the file is empty; expected NDJSON, a JSON array or a JSON document"
        )
    if first == b"[":
        return "array"
    if first == b"{" and not _is_json(line := _first_line(path)):
        raw = path.read_bytes()
        if _is_json(raw):
            return "document"
        if line.strip() == b"{":  # how a pretty-printed document starts; not NDJSON
            _utf8(path, raw, None)
            raise ImportFileError(
                f"{path}: not valid JSON ({_json_error(raw)}); the file may be truncated. "
                "Nothing was imported"
            )
    return "ndjson"


def _file_kind(path: Path) -> FileKind:
    """The checks of `check_file` that do not read every line (an array is checked whole)."""
    kind = file_kind(path)
    if kind == "array":
        raw = path.read_bytes()
        _utf8(path, raw, None)
        if not _is_json(raw):
            raise ImportFileError(
                f"{path}: not valid JSON ({_json_error(raw)}); the file may be truncated. "
                "Nothing was imported"
            )
    return kind


def _check_line(path: Path, number: int, line: bytes) -> None:
    try:  # the common case in one step: what orjson decodes is UTF-8 and JSON
        orjson.loads(line)
        return
    except orjson.JSONDecodeError:
        pass
    _utf8(path, line, number)
    if line.strip() and not _is_json(line):
        hint = (
            "the file looks truncated"
            if not line.endswith(b"\n")
            else "expected one JSON document a line (NDJSON), a JSON array or one JSON document"
        )
        raise ImportFileError(
            f"{path}: line {number} is not valid JSON ({_json_error(line)}); {hint}. "
            "Nothing was imported"
        )


def _utf8(path: Path, raw: bytes, line: int | None) -> None:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        where = f"line {line}" if line is not None else f"byte {exc.start}"
        raise ImportFileError(
            f"{path}: not UTF-8 text (invalid byte 0x{raw[exc.start]:02x} at {where}). "
            "Nothing was imported"
        ) from None


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
    kind = _file_kind(path)
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


def _block_bounds(path: Path, size: int) -> list[tuple[int, int]]:
    """(offset, length) slices of about `size` bytes that end at a line end or the file's end."""
    total = path.stat().st_size
    bounds: list[tuple[int, int]] = []
    with path.open("rb") as handle:
        start = 0
        while start < total:
            end = start + size
            if end >= total:
                end = total
            else:
                handle.seek(end)
                handle.readline()
                end = handle.tell()
            bounds.append((start, end - start))
            start = end
    return bounds


def _block_lines(path: Path, offset: int, length: int, first: int) -> list[tuple[int, bytes]]:
    """The numbered lines of a slice, split exactly as iterating over the file splits them."""
    with path.open("rb") as handle:
        handle.seek(offset)
        data = handle.read(length)
    parts = data.split(b"\n")
    last = parts.pop()
    lines = [part + b"\n" for part in parts]
    if last:
        lines.append(last)
    return list(enumerate(lines, start=first))


def _check_block(path: Path, offset: int, length: int) -> tuple[int, int, tuple[int, bytes] | None]:
    """(lines in the slice, documents (lines not blank), the first bad line as (index from 0,
    line) or None). In a worker."""
    lines = _block_lines(path, offset, length, 0)
    for index, line in lines:
        try:
            _check_line(path, index, line)
        except ImportFileError:
            return len(lines), 0, (index, line)
    return len(lines), sum(1 for _, line in lines if line.strip()), None


def _prepare_block(
    path: Path, offset: int, length: int, first: int, options: _Options
) -> list[Prepared | Rejection]:
    """A slice's lines, decoded, validated and rendered (`prepare_lines`). In a worker."""
    return prepare_lines(
        _block_lines(path, offset, length, first),
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
    bounds = _block_bounds(path, block_bytes)
    runner = _Runner(workers)
    try:
        # 1. The whole file is checked before anything is stored; the first bad line in the file
        # is reported as `check_file` reports it.
        checks = [runner.run(_check_block, path, offset, length) for offset, length in bounds]
        firsts: list[int] = []
        line = 1
        documents = 0
        for check in checks:
            count, in_block, bad = await check
            documents += in_block
            if bad is not None:
                index, raw = bad
                _check_line(path, line + index, raw)  # raises, numbered in the whole file
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
