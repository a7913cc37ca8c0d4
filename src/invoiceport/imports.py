"""`invoiceport import PATH`: NDJSON or a JSON array of canonical invoices, with progress.

The file is checked first (UTF-8, JSON syntax, not empty, not truncated) so that a broken file is
refused as a whole with one clear line and nothing half-imported; then its documents go through the
same bulk ingest as the admin API, where each invalid document is rejected on its own.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from contextlib import nullcontext
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from sqlalchemy.ext.asyncio import AsyncEngine

from invoiceport.invoices.service import BulkIngest, BulkReport
from invoiceport.invoices.validation import InvoiceRejected, validate_document

PROGRESS_MIN_BYTES = 256 * 1024  # smaller files finish before a bar would be worth drawing


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
        return f"{exc.msg}{joiner}column {exc.colno}"
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


def check_file(path: Path) -> str:
    """'ndjson' or 'array'; raises `ImportFileError` naming the first problem."""
    if not path.exists():
        raise ImportFileError(f"{path}: no such file")
    if not path.is_file():
        raise ImportFileError(f"{path}: not a file")
    first = _first_byte(path)
    if not first:
        raise ImportFileError(f"{path}: the file is empty; expected NDJSON or a JSON array")
    if first == b"[":
        raw = path.read_bytes()
        _utf8(path, raw, None)
        if not _is_json(raw):
            raise ImportFileError(
                f"{path}: not valid JSON ({_json_error(raw)}); the file may be truncated. "
                "Nothing was imported"
            )
        return "array"
    for number, line in _lines(path):
        _utf8(path, line, number)
        if line.strip() and not _is_json(line):
            hint = (
                "the file looks truncated"
                if not line.endswith(b"\n")
                else "expected one JSON document a line (NDJSON) or a JSON array"
            )
            raise ImportFileError(
                f"{path}: line {number} is not valid JSON ({_json_error(line)}); {hint}. "
                "Nothing was imported"
            )
    return "ndjson"


def _utf8(path: Path, raw: bytes, line: int | None) -> None:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        where = f"line {line}" if line is not None else f"byte {exc.start}"
        raise ImportFileError(
            f"{path}: not UTF-8 text (invalid byte 0x{raw[exc.start]:02x} at {where}). "
            "Nothing was imported"
        ) from None


def _progress(console: Console, enabled: bool) -> Progress:
    return Progress(
        TextColumn("importing"),
        BarColumn(),
        MofNCompleteColumn(),
        TransferSpeedColumn(),
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
) -> BulkReport:
    """Import every document of `path`; line (or array item) numbers count from 1."""
    kind = check_file(path)
    console = console or Console(stderr=True)
    size = (await asyncio.to_thread(path.stat)).st_size
    show = progress if progress is not None else console.is_terminal and size >= PROGRESS_MIN_BYTES
    bulk = BulkIngest(
        engine, verify_totals=verify_totals, batch_size=batch_size, max_line_bytes=max_line_bytes
    )
    with _progress(console, show) if show else nullcontext() as bar:
        task = bar.add_task("import", total=size) if bar is not None else None
        if kind == "array":
            await _import_array(bulk, path)
            if bar is not None and task is not None:
                bar.update(task, completed=size)
        else:
            for number, line in _lines(path):
                await bulk.add_raw(number, line)
                if bar is not None and task is not None:
                    bar.advance(task, len(line))
        return await bulk.finish()


async def _import_array(bulk: BulkIngest, path: Path) -> None:
    data: Any = json.loads(await asyncio.to_thread(path.read_bytes), parse_float=Decimal)
    if not isinstance(data, list):
        raise ImportFileError(f"{path}: expected a JSON array of invoices")
    for number, item in enumerate(data, start=1):
        try:
            invoice = validate_document(item, verify_totals=bulk.verify_totals)
        except InvoiceRejected as exc:
            bulk.reject(number, exc.errors)
            continue
        await bulk.add(invoice)
