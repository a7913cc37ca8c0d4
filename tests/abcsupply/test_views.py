"""Canonical -> ABC JSON, without a database: names, formats, exact numbers."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import orjson

from invoiceport.dialects.abcsupply import views
from invoiceport.invoices.validation import validate_document
from tests.abcsupply.support import abc_doc, seed_docs, seed_example, seed_example_json
from tests.factories import invoice_doc


def test_the_seed_example_is_reproduced_exactly() -> None:
    invoices = [validate_document(doc) for doc in seed_docs()]
    items = [orjson.Fragment(views.dumps(views.item(invoice))) for invoice in invoices]
    body = views.dumps(views.history(items, page=1, page_size=20, total=2))
    # The same JSON value, numbers compared as exact decimals...
    assert json.loads(body, parse_float=Decimal) == seed_example_json()
    # ...and the same text without the seed's white space: field order, `206.7` as written.
    compact = re.sub(r"\s+(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)", "", seed_example())
    assert body.decode() == compact


def test_the_misspelt_field_is_kept() -> None:
    item = views.item(validate_document(seed_docs()[0]))
    assert "orginalInvoiceReference" in item
    assert "originalInvoiceReference" not in item


def test_money_leaves_with_its_exact_digits_as_json_numbers() -> None:
    doc = abc_doc(
        "1-001",
        order_date="2025-11-12T00:00:00Z",
        subtotal="12345678901234.567891",
        tax="0.10",
        total="12345678901234.667891",
    )
    body = views.dumps(views.item(validate_document(doc)))
    assert b'"subTotal":12345678901234.567891' in body
    assert b'"taxAmount":0.10' in body
    assert b'"total":12345678901234.667891' in body


def test_timestamps_are_utc_with_milliseconds() -> None:
    assert views.timestamp(date(2025, 11, 12)) == "2025-11-12T00:00:00.000Z"
    moment = datetime(2025, 11, 12, 8, 30, 5, 123999, tzinfo=timezone(timedelta(hours=2)))
    assert views.timestamp(moment) == "2025-11-12T06:30:05.123Z"
    assert views.timestamp(datetime(2025, 1, 2, tzinfo=UTC)) == "2025-01-02T00:00:00.000Z"
    assert views.timestamp(None) is None


def test_absent_fields_keep_the_shape() -> None:
    """Objects are always there (with nulls), subtotal falls back to the lines, tax to 0."""
    doc = invoice_doc(subtotal=None, tax=None, freight=None, total="4530.00")
    del doc["subtotal"], doc["tax"], doc["freight"]
    item = views.item(validate_document(doc))
    assert item["salesRep"] == {"userId": None, "fullName": None}
    assert item["shipTo"] == {"number": None, "name": None}
    assert item["shipment"] == {"shipmentNumber": None, "shipmentDate": None}
    assert item["subTotal"] == Decimal("4530.00")
    assert item["taxAmount"] == Decimal(0)
    assert item["orderDate"] is None


def test_credit_memos_and_fallbacks() -> None:
    doc = invoice_doc(
        "CM-1",
        document_type="credit_memo",
        original_invoice_number="INV-9",
        ship_to={"name": "Site office"},
        ship_date="2026-10-02",
    )
    item = views.item(validate_document(doc))
    assert item["isCreditMemo"] is True
    assert item["orginalInvoiceReference"] == "INV-9"
    assert item["shipTo"]["name"] == "Site office"  # the ship-to address name, no account name
    assert item["shipment"]["shipmentDate"] == "2026-10-02T00:00:00.000Z"


def test_detail_adds_the_lines() -> None:
    detail = views.detail(validate_document(invoice_doc()))
    assert [line["lineNumber"] for line in detail["lines"]] == [1, 2]
    first = detail["lines"][0]
    assert first["serialNumbers"] == ["S1", "S2"]
    assert first["unitPrice"] == Decimal("750.00")
    assert b'"unitPrice":7.5000' in views.dumps(detail)
