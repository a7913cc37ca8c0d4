"""The webhook payload is a core contract that the ABC dialect renders: the same bytes as before.

`webhooks.payloads` builds the event from the canonical invoice; the renderer the ABC dialect
registers writes its `data`. These tests pin the bytes (over the demo corpus, against digests
recorded with the code that rendered `views.item` directly) and check that every way into ingest
registers the renderer.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from datetime import UTC, date, datetime
from typing import Any

import pytest

from invoiceport.app import create_app
from invoiceport.dialects.abcsupply import events, views
from invoiceport.invoices.schemas import CanonicalInvoice
from invoiceport.invoices.validation import parse_document
from invoiceport.ops import imports
from invoiceport.ops.demo import demo_invoices
from invoiceport.settings import Settings
from invoiceport.webhooks import payloads
from invoiceport.webhooks.service import Change, event_type, payload, payload_data
from tests.factories import invoice_doc

AT = datetime(2026, 11, 21, 9, 30, 15, 123456, tzinfo=UTC)
# Recorded on 2026-12-02 with webhooks/service.py rendering `dumps(views.item(invoice))` itself
# (commit 95b0bd9): 308 demo documents (seed 7, 300 invoices, today 2026-11-21).
DEMO_PAYLOADS_SHA256 = "c046ce925ff81e2d96b9387ba7ed538dd5b8f3f4082cd9a0e8d2fef98aa9bb7d"
DEMO_DATA_SHA256 = "503bcdb0a8a406e94585fc5b29e289380476477e679067d5e2d76e6312fc5f86"


def _demo() -> list[CanonicalInvoice]:
    return list(demo_invoices(seed=7, count=300, today=date(2026, 11, 21)))


def test_demo_payloads_are_the_bytes_recorded_before_the_contract() -> None:
    whole, data, count = hashlib.sha256(), hashlib.sha256(), 0
    for i, invoice in enumerate(_demo()):
        change = Change("created" if i % 2 else "updated", invoice, i + 1, AT)
        whole.update(payload(change, event_type(change)) + b"\n")
        data.update(payload_data(invoice) + b"\n")
        count += 1
    assert count == 308
    assert data.hexdigest() == DEMO_DATA_SHA256
    assert whole.hexdigest() == DEMO_PAYLOADS_SHA256


def _edge_cases() -> list[CanonicalInvoice]:
    """What the demo may not cover: each fallback of the item, on its own."""
    docs: list[dict[str, Any]] = [
        invoice_doc("NO-SUBTOTAL", subtotal=None, tax=None),
        invoice_doc("ADDRESS-NAME", ship_to={"name": "Site 4"}, ship_to_account=None),
        invoice_doc("ACCOUNT-NAME", ship_to={"name": "Site 4"}, ship_to_account={"number": "9"}),
        invoice_doc("SHIP-DATE", shipment={"number": "S1"}, ship_date="2025-11-14"),
        invoice_doc("SHIPMENT-DATE", shipment={"date": "2025-11-13"}, ship_date="2025-11-14"),
        invoice_doc("NO-REP", sales_rep=None, order_date="2025-11-12T23:59:59.999999-05:00"),
        invoice_doc("CM", document_type="credit_memo", original_invoice_number="INV-7"),
    ]
    # The factory's total adds up without tax: drop what its checks would refuse.
    return [parse_document(json.dumps(doc), verify_totals=False) for doc in docs]


@pytest.mark.parametrize("source", ["demo", "edge cases"])
def test_data_is_the_abc_history_item_byte_for_byte(source: str) -> None:
    invoices = _demo() if source == "demo" else _edge_cases()
    for invoice in invoices:
        assert payload_data(invoice) == views.dumps(views.item(invoice)), invoice.invoice_number


def test_the_envelope_timestamp_is_the_abc_format() -> None:
    for at in (AT, datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC), datetime(2025, 6, 1, 23, 0, 0, 999)):
        assert payloads.utc_millis(at.astimezone(UTC)) == views.timestamp(at)


@pytest.fixture
def unregistered(monkeypatch: pytest.MonkeyPatch) -> None:
    """A process in which nothing has registered a renderer yet."""
    monkeypatch.setattr(payloads, "_renderer", None)


@pytest.mark.usefixtures("unregistered")
def test_without_a_registered_renderer_ingest_says_what_is_missing() -> None:
    with pytest.raises(payloads.RendererMissing, match="register_webhook_payloads"):
        payload_data(_edge_cases()[0])


@pytest.mark.usefixtures("unregistered")
def test_create_app_registers_the_abc_renderer() -> None:
    create_app(Settings(database_url="sqlite:///unused.db"))
    assert payloads.data_renderer() is events.render_data


def test_another_renderer_is_refused_the_same_one_is_harmless() -> None:
    payloads.register_data_renderer(events.render_data)
    with pytest.raises(ValueError, match="already registered"):
        payloads.register_data_renderer(lambda event: b"{}")
    assert payloads.data_renderer() is events.render_data


def test_spawned_import_workers_get_the_renderer(monkeypatch: pytest.MonkeyPatch) -> None:
    """`invoiceport import` renders payloads in worker processes; spawn (macOS, Windows) starts
    them without this process's registrations."""
    monkeypatch.setattr(imports, "_START_METHOD", "spawn")
    invoice = _edge_cases()[0]

    async def in_a_worker() -> bytes:
        runner = imports._Runner(1)
        try:
            return await runner.run(payload_data, invoice)
        finally:
            runner.close()

    assert asyncio.run(in_a_worker()) == payload_data(invoice)
