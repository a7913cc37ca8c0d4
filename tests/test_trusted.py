"""`invoices.trusted.rebuild` gives what validating a stored document gives, unvalidated."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from pydantic import BaseModel

from invoiceport.invoices.schemas import CanonicalInvoice, StoredInvoice
from invoiceport.invoices.service import serialize
from invoiceport.invoices.trusted import rebuild
from invoiceport.invoices.validation import parse_document, validate_document
from invoiceport.ops.demo import demo_invoices
from tests.scansource.conftest import a_documents
from tests.test_validation import consistent_documents


def assert_same(invoice: CanonicalInvoice) -> None:
    document, _ = serialize(invoice)
    validated = CanonicalInvoice.model_validate_json(document)
    rebuilt = rebuild(CanonicalInvoice, orjson.loads(document))
    assert rebuilt == validated
    assert rebuilt.model_fields_set == validated.model_fields_set
    assert serialize(rebuilt) == serialize(validated) == (document, serialize(invoice)[1])
    for a, b in zip(rebuilt.lines, validated.lines, strict=True):  # exact digits, not only value
        assert a.unit_price.as_tuple() == b.unit_price.as_tuple()
        assert type(a) is type(b)
    assert type(rebuilt.invoice_date) is type(validated.invoice_date)
    stored = StoredInvoice(1, document, 1, validated.order_date or _NOW, _NOW)  # type: ignore[arg-type]
    assert stored.invoice() == validated


_NOW = CanonicalInvoice.model_validate(
    {
        "invoice_number": "X",
        "customer_number": "C",
        "currency": "USD",
        "total": "0",
        "lines": [],
        "order_date": "2026-11-21T10:00:00Z",
    }
).order_date


def test_every_demo_invoice_rebuilds_as_validated() -> None:
    for seed in (1, 2, 3):
        for invoice in demo_invoices(seed=seed, count=120, today=date(2026, 11, 21)):
            assert_same(invoice)


def test_every_field_rebuilds_as_validated() -> None:
    for doc in a_documents():
        assert_same(validate_document(json.loads(json.dumps(doc), parse_float=Decimal)))
    full: dict[str, Any] = next(iter(demo_invoices(seed=3, count=1))).model_dump(mode="json")
    full |= {
        "hold_reason": "C3",
        "credit_memo_reason": "DF",
        "cancelled_at": "2026-10-02T10:00:00+02:00",
        "ship_complete": True,
        "foreign_freight": "1.00",
        "currency_rate": "1.2345678901",
        "weight": "12.500",
        "extended_specs": [{"name": "warranty", "value": "3y"}],
        "misc_fees": [{"code": "ENV", "amount": "0.10"}],
    }
    full["lines"][0] |= {"backorder_eta": "2026-12-01", "extended_specs": [{"name": "c"}]}
    decoded = json.loads(json.dumps(full), parse_float=Decimal)
    assert_same(validate_document(decoded, verify_totals=False))  # the fee is not in the total


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(consistent_documents())
def test_generated_documents_rebuild_as_validated(doc: dict[str, Any]) -> None:
    assert_same(parse_document(json.dumps(doc)))


def test_a_document_of_another_shape_is_refused() -> None:
    document, _ = serialize(next(iter(demo_invoices(seed=1, count=1))))
    data = orjson.loads(document) | {"no_such_field": 1}
    with pytest.raises(KeyError):
        rebuild(CanonicalInvoice, data)


def test_a_type_it_cannot_rebuild_is_refused() -> None:
    class Odd(BaseModel):
        counts: dict[str, int]

    with pytest.raises(TypeError):
        rebuild(Odd, {"counts": {}})
