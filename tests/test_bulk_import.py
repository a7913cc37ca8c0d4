"""`invoiceport import`'s bulk path (invoices.bulk, imports): the same result as `BulkIngest`.

Documents are prepared in worker processes and written by COPY on PostgreSQL (executemany on
SQLite); everything a stored change implies must come out exactly as through `store_batch`: bytes,
hashes, versions, events, counts, the report and its line numbers.
"""

from __future__ import annotations

import asyncio
import json
import random
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from invoiceport.dialects.abcsupply.views import dumps, item, timestamp
from invoiceport.invoices import repository
from invoiceport.invoices.prepare import prepare
from invoiceport.invoices.service import BulkIngest, BulkReport, store
from invoiceport.invoices.tables import invoice_counts, invoices
from invoiceport.invoices.validation import (
    InvoiceRejected,
    _decode_exactly,
    _too_deep,
    decode_json,
    parse_document,
)
from invoiceport.ops.importfile import ImportFileError, check_file
from invoiceport.ops.imports import import_file
from invoiceport.platform.models import wipe
from invoiceport.webhooks.service import Change, payload
from invoiceport.webhooks.tables import webhook_events
from tests.factories import invoice_doc

MAX_LINE = 5_000


def _nested(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth - 1):
        value = [value]
    return value


def _lines() -> list[bytes]:
    """Valid, invalid, repeated, unchanged, blank, over-long, exact numbers, credit memos."""
    money = json.dumps(invoice_doc("M-1", total="XTOTAL")).replace('"XTOTAL"', "4904.90")
    return [
        json.dumps(invoice_doc("A")).encode(),
        json.dumps(invoice_doc("B", total="1.00")).encode(),
        b'{"x": 1}',
        json.dumps(invoice_doc("A", po_number="changed")).encode(),
        b"   ",
        json.dumps(invoice_doc("CM-1", document_type="credit_memo")).encode(),
        json.dumps(invoice_doc("A", po_number="changed")).encode(),
        json.dumps(invoice_doc("LONG", order_name="x" * MAX_LINE)).encode(),
        money.encode(),
        b"[1, 2]",
        json.dumps(invoice_doc("DEEP", extended_specs=_nested(40))).encode(),
        json.dumps(invoice_doc("E", customer="C200", bill_to_account="B9")).encode(),
        json.dumps(invoice_doc("F", tax=0.1, total=4542.6)).encode(),  # floats: exact or not
        json.dumps(invoice_doc("G", customer="C200")).encode(),
    ]


def _write(path: Path, lines: list[bytes]) -> Path:
    path.write_bytes(b"".join(line + b"\n" for line in lines))
    return path


async def _through_bulk_ingest(engine: AsyncEngine, lines: list[bytes]) -> BulkReport:
    bulk = BulkIngest(engine, batch_size=2, max_line_bytes=MAX_LINE)
    for number, line in enumerate(lines, start=1):
        await bulk.add_raw(number, line + b"\n")
    return await bulk.finish()


async def _snapshot(engine: AsyncEngine) -> dict[str, Any]:
    """Everything stored, minus ids and the moment of writing (checked for consistency)."""
    async with engine.connect() as conn:
        rows = (await conn.execute(select(invoices).order_by(invoices.c.id))).mappings().all()
        events = (
            (await conn.execute(select(webhook_events).order_by(webhook_events.c.id)))
            .mappings()
            .all()
        )
        counts = (await conn.execute(select(invoice_counts))).all()
    stored = []
    for row in rows:
        assert row["created_at"] <= row["updated_at"]
        stored.append({k: v for k, v in row.items() if k not in ("id", "created_at", "updated_at")})
        assert str(row["total"]) == str(orjson.loads(row["document"])["total"])
    at = {(r["customer_number"], r["invoice_number"], r["version"]): r["updated_at"] for r in rows}
    announced = []
    for event in events:
        body = orjson.loads(event["payload"])
        when = body.pop("timestamp")
        key = (event["customer_number"], event["invoice_number"], event["version"])
        if key in at:  # the stored version's event was written with it
            assert when == timestamp(at[key]) == timestamp(event["created_at"])
        skip = ("id", "message_id", "created_at", "dispatched_at", "payload")
        announced.append({k: v for k, v in event.items() if k not in skip} | {"body": body})
        assert event["message_id"].startswith("msg_")
    return {"invoices": stored, "events": announced, "counts": sorted(counts)}


@pytest.mark.parametrize(("workers", "block_bytes"), [(0, 1024 * 1024), (2, 700), (2, 3000)])
async def test_the_same_result_as_bulk_ingest(
    engine: AsyncEngine, tmp_path: Path, workers: int, block_bytes: int
) -> None:
    first = _lines()
    second = [
        json.dumps(invoice_doc("A", po_number="again")).encode(),
        json.dumps(invoice_doc("B")).encode(),
        first[5],  # unchanged
        json.dumps(invoice_doc("E", customer="C200", bill_to_account="B10")).encode(),
    ]
    expected_reports = [await _through_bulk_ingest(engine, lines) for lines in (first, second)]
    expected = await _snapshot(engine)
    await wipe(engine)

    reports = []
    for name, lines in (("first", first), ("second", second)):
        path = _write(tmp_path / f"{name}.ndjson", lines)
        report = await import_file(
            engine,
            path,
            batch_size=2,
            max_line_bytes=MAX_LINE,
            progress=False,
            workers=workers,
            block_bytes=block_bytes,
        )
        reports.append(report)
    assert [r.as_json() for r in reports] == [r.as_json() for r in expected_reports]
    assert await _snapshot(engine) == expected

    first_report = reports[0].as_json()
    assert (first_report["created"], first_report["updated"], first_report["unchanged"]) == (
        6,
        1,
        1,
    )
    assert [r["line"] for r in first_report["rejected"]] == [2, 3, 8, 10, 11]  # type: ignore[index]
    assert {e["invoice_number"] for e in expected["events"]} >= {"A", "CM-1", "M-1", "E"}

    # The same file again: nothing changes, no version, no event.
    before = await _snapshot(engine)
    again = await import_file(
        engine, tmp_path / "second.ndjson", batch_size=2, progress=False, workers=workers
    )
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert await _snapshot(engine) == before


async def test_copy_and_executemany_store_the_same(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The repository picks COPY (PostgreSQL, from COPY_MIN_ROWS rows) or executemany; both write
    the same rows, events and counts (on SQLite both settings are executemany)."""
    lines = _lines()
    snapshots = []
    for threshold in (1, 10**9):
        monkeypatch.setattr(repository, "COPY_MIN_ROWS", threshold)
        if threshold == 1 and engine.dialect.name == "postgresql":
            # every new row must go by COPY: an INSERT of invoices would fail the test
            monkeypatch.setattr(invoices, "insert", _no_insert)
        bulk = BulkIngest(engine, batch_size=100, max_line_bytes=MAX_LINE)
        for number, line in enumerate(lines, start=1):
            await bulk.add_raw(number, line + b"\n")
        await bulk.finish()
        snapshots.append(await _snapshot(engine))
        monkeypatch.undo()
        await wipe(engine)
    assert snapshots[0] == snapshots[1]
    assert len(snapshots[0]["invoices"]) == 6 and len(snapshots[0]["events"]) == 7


def _no_insert(*_args: object) -> None:
    raise AssertionError("an INSERT where COPY was expected")


async def test_amounts_are_stored_exactly(engine: AsyncEngine, tmp_path: Path) -> None:
    raw = json.dumps(invoice_doc("X", total="XT", tax="XTAX"))
    raw = raw.replace('"XT"', "4904.900").replace('"XTAX"', "362.40")
    await import_file(engine, _write(tmp_path / "m.ndjson", [raw.encode()]), workers=2)
    async with engine.connect() as conn:
        total, document = (await conn.execute(select(invoices.c.total, invoices.c.document))).one()
    assert str(total) == "4904.900" and total == Decimal("4904.900")
    assert orjson.loads(document)["total"] == "4904.900"
    assert orjson.loads(document)["tax"] == "362.40"


async def test_a_broken_file_is_refused_whole_with_the_same_message(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    lines = [json.dumps(invoice_doc(f"N{i}")).encode() for i in range(12)]
    lines[8] = lines[8][:-20]  # truncated JSON on line 9
    path = _write(tmp_path / "broken.ndjson", lines)
    with pytest.raises(ImportFileError) as sequential:
        check_file(path)
    assert "line 9 is not valid JSON" in str(sequential.value)
    with pytest.raises(ImportFileError) as parallel:
        await import_file(engine, path, progress=False, workers=2, block_bytes=1500)
    assert str(parallel.value) == str(sequential.value)
    assert (await _snapshot(engine))["invoices"] == []

    path.write_bytes(b"".join(line + b"\n" for line in lines[:3]) + b'{"invoice_number": "\xff"}\n')
    with pytest.raises(ImportFileError, match="invalid byte 0xff at line 4"):
        await import_file(engine, path, progress=False, workers=2, block_bytes=100)


async def test_concurrent_writers_of_the_same_new_keys(engine: AsyncEngine) -> None:
    """Three batches find no row and insert the same keys, each in its own order of documents:
    new rows go in in key order, so the later ones wait for the first, hit the unique key, roll
    back and try again, and then update (no deadlock). No version is lost; every change has its
    event; the counts are exact."""
    keys = 60

    def batch(po: str) -> list[Any]:
        docs = [invoice_doc(f"K{i:03d}", po_number=po) for i in range(keys)]
        random.Random(po).shuffle(docs)
        return [prepare(parse_document(json.dumps(d))) for d in docs]

    writers = ("P1", "P2", "P3")
    results = await asyncio.gather(*(store(engine, batch(po)) for po in writers))
    versions = sorted(o.version for outcomes in results for o in outcomes)
    assert versions == [1] * keys + [2] * keys + [3] * keys
    snapshot = await _snapshot(engine)
    assert {row["version"] for row in snapshot["invoices"]} == {3}
    assert len(snapshot["events"]) == 3 * keys
    assert ("customer", "production", "C100", keys) in snapshot["counts"]


def test_the_fast_decoder_gives_what_the_exact_one_gives() -> None:
    samples = [
        '{"a": 1.5}',
        '{"a": [1, {"b": 1e5}]}',
        '{"a": "1.5", "n": 12}',
        '{"a": 1, "a": 2.5}',
        '{"a": -0.0, "b": -0}',
        '{"x": 123456789012345678901234567890}',
        '{"a": NaN}',
        "Infinity",
        "  ",
        "\ufeff{}",
        '{"a": "\\ud800"}',
        '{"a": "\\u0000"}',
        '{"a": 1',
        "[[[[2.0]]]]",
        '{"a": 1.10, "b": 0.1e-2, "c": 5E-7, "d": 1e400, "e": 12.340, "f": -1.5e+3}',
        '{"a": 3.30000000000000000001, "b": 0.000000000000000000000001}',
        '{"a": Infinity}',
        '{"a": 1} x',
        '{"a": "\\u00e9\\ud83d\\ude00"}',
        "[" * 300 + "]" * 300,
    ]
    for text in samples:
        for raw in (text, text.encode()):
            try:
                fast = repr(decode_json(raw))
            except InvoiceRejected as exc:
                fast = repr(exc.errors)
            try:
                exact = repr(_decode_exactly(raw))
            except InvoiceRejected as exc:
                exact = repr(exc.errors)
            assert fast == exact, text


def _depth(value: Any) -> int:
    """The original definition: the deepest value, the outermost being at depth 1."""
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 1


def test_the_depth_check_matches_its_definition() -> None:
    rng = random.Random(8)

    def build(depth: int) -> Any:
        roll = rng.random()
        if depth > 36 or roll < 0.25:
            return rng.choice([1, "x", None, [], {}])
        if roll < 0.6:
            return [build(depth + 1) for _ in range(rng.randint(1, 2))]
        return {str(i): build(depth + 1) for i in range(rng.randint(1, 2))}

    for _ in range(3000):
        value = build(rng.randint(0, 36))
        for limit in (1, 2, 3, 32):
            assert _too_deep(value, limit) == (_depth(value) > limit)
        # the decoder gives the value itself, and with a float, what the exact decoder gives
        raw = orjson.dumps(value)
        assert decode_json(raw) == value
        with_float = orjson.dumps([value, {"f": 1.5}] if rng.random() < 0.5 else [1.5, value])
        assert repr(decode_json(with_float)) == repr(_decode_exactly(with_float))


def test_the_payload_is_the_item_inside_the_envelope() -> None:
    invoice = parse_document(json.dumps(invoice_doc("P", bill_to_account="B1")))
    at = datetime(2026, 11, 21, 6, 50, 1, 123456, tzinfo=UTC)
    expected = dumps(
        {
            "type": "invoice.updated",
            "timestamp": timestamp(at),
            "environment": "production",
            "billToAccount": "B1",
            "version": 3,
            "data": item(invoice),
        }
    )
    assert payload(Change("updated", invoice, 3, at), "invoice.updated") == expected
