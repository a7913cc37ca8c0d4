"""Events are written in the same transaction as the change: every stored change, nothing else."""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import orjson
import pytest

from invoiceport.dialects.abcsupply import views
from invoiceport.invoices import service as ingest
from invoiceport.invoices.validation import validate_document
from invoiceport.ops.demo_setup import load_demo
from invoiceport.webhooks import repository
from tests.abcsupply.support import Abc
from tests.factories import invoice_doc
from tests.live import INVOICEPORT, cli_env
from tests.webhooks.support import events, hooks_app


@pytest.fixture
async def abc(database_url: str) -> AsyncIterator[Abc]:
    async with hooks_app(database_url, ["C100"]) as found:
        yield found


async def test_created_and_updated_get_events_unchanged_does_not(abc: Abc) -> None:
    await abc.ingest(invoice_doc("INV-1"))
    await abc.ingest(invoice_doc("INV-1"))  # unchanged
    await abc.ingest(invoice_doc("INV-1", po_number="PO-56"))
    await abc.ingest(invoice_doc("CM-1", document_type="credit_memo"))
    await abc.ingest(invoice_doc("CM-1", document_type="credit_memo", po_number="PO-9"))
    found = [(e.event_type, e.invoice_number, e.version) for e in await events(abc)]
    assert found == [
        ("invoice.created", "INV-1", 1),
        ("invoice.updated", "INV-1", 2),
        ("creditmemo.created", "CM-1", 1),
        ("creditmemo.updated", "CM-1", 2),
    ]


async def test_the_payload_is_the_abc_item_of_that_version(abc: Abc) -> None:
    doc = invoice_doc("INV-7", order_date="2025-11-12T00:00:00Z", tax="362.40")
    await abc.ingest(doc)
    (event,) = await events(abc)
    payload = orjson.loads(event.payload)
    assert payload["type"] == "invoice.created"
    assert payload["version"] == 1
    assert payload["billToAccount"] == "C100"
    assert payload["environment"] == "production"
    assert payload["timestamp"].endswith("Z")
    expected = views.dumps(views.item(validate_document(doc)))
    assert payload["data"] == orjson.loads(expected)
    assert expected in event.payload.encode()  # byte for byte: numbers keep their digits
    assert b'"taxAmount":362.40' in expected
    assert event.message_id.startswith("msg_") and len(event.message_id) == 36


async def test_bulk_rejected_lines_get_no_event(abc: Abc) -> None:
    body = b"\n".join(
        [
            orjson.dumps(invoice_doc("B-1")),
            b'{"invoice_number": "broken"}',
            orjson.dumps(invoice_doc("B-2", total="1.00")),  # arithmetic fails
            orjson.dumps(invoice_doc("B-3")),
        ]
    )
    response = await abc.http.post("/admin/v1/invoices/bulk", content=body)
    report = response.json()
    assert (report["created"], len(report["rejected"])) == (2, 2)
    assert [e.invoice_number for e in await events(abc)] == ["B-1", "B-3"]


async def test_the_event_commits_with_the_change_or_neither_does(
    abc: Abc, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*_args: object) -> None:
        raise RuntimeError("outbox unavailable")

    # Ingest writes its events with copy_events (invoices.service.store); insert_events too, so
    # that the test holds whichever of the two the outbox write goes through.
    monkeypatch.setattr(repository, "insert_events", broken)
    monkeypatch.setattr(repository, "copy_events", broken)
    engine = abc.app.state.context.engine
    with pytest.raises(RuntimeError, match="outbox unavailable"):
        await ingest.upsert(engine, validate_document(invoice_doc("ATOMIC-1")))
    monkeypatch.undo()
    stored = await abc.http.get("/admin/v1/invoices/production/C100/ATOMIC-1")
    assert stored.status_code == 404  # the change was rolled back with its event
    assert await events(abc) == []


async def test_demo_and_cli_import_emit_events(abc: Abc, database_url: str, tmp_path: Path) -> None:
    engine = abc.app.state.context.engine
    summary = await load_demo(engine, 1, 12, reset=False)
    demo_events = await events(abc)
    assert len(demo_events) == summary.report.created + summary.report.updated > 12
    path = tmp_path / "invoices.ndjson"
    docs = [invoice_doc("CLI-0"), invoice_doc("CLI-BAD", total="1.00"), invoice_doc("CLI-2")]
    path.write_bytes(b"\n".join(orjson.dumps(doc) for doc in docs))
    result = await asyncio.to_thread(
        subprocess.run,
        [INVOICEPORT, "import", str(path)],
        env=cli_env(database_url),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1, result.stderr  # one document rejected, the others stored
    imported = [e.invoice_number for e in await events(abc)][len(demo_events) :]
    assert imported == ["CLI-0", "CLI-2"]
