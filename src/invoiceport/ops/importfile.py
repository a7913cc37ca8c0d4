"""What an import file holds and whether it is whole (`invoiceport import`, `ops.imports`):
NDJSON, a JSON array or one JSON document over several lines, checked for UTF-8 and JSON syntax
before anything is stored, with errors that name the line (or byte) and what to do; and the
slices of an NDJSON file that worker processes check and prepare."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Literal

import jiter
import orjson

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
    kind = checked_kind(path)
    if kind == "ndjson":
        for number, line in _lines(path):
            check_line(path, number, line)
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


def checked_kind(path: Path) -> FileKind:
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


def check_line(path: Path, number: int, line: bytes) -> None:
    try:  # the common case in one step: what jiter decodes is UTF-8 and JSON (strict JSON:
        # what it refuses, the checks below decide; NaN and 64-bit overflow are JSON to them)
        jiter.from_json(line, allow_inf_nan=False)
        return
    except ValueError:
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


def block_bounds(path: Path, size: int) -> list[tuple[int, int]]:
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


def block_lines(path: Path, offset: int, length: int, first: int) -> list[tuple[int, bytes]]:
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


def check_block(path: Path, offset: int, length: int) -> tuple[int, int, tuple[int, bytes] | None]:
    """(lines in the slice, documents (lines not blank), the first bad line as (index from 0,
    line) or None). In a worker."""
    lines = block_lines(path, offset, length, 0)
    for index, line in lines:
        try:
            check_line(path, index, line)
        except ImportFileError:
            return len(lines), 0, (index, line)
    return len(lines), sum(1 for _, line in lines if line.strip()), None
