"""The canonical -> v5 mapping for fields the demo cases do not all show (no database needed)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import orjson
import pytest

from invoiceport.dialects.ingram.routes import months_before
from invoiceport.dialects.ingram.views import decimal_text, found, invoice_detail
from invoiceport.invoices.schemas import CanonicalInvoice
from tests.factories import invoice_doc
from tests.ingram.contract import violations


@pytest.mark.parametrize(
    ("value", "places", "text"),
    [
        ("4500", 2, "4500.00"),
        ("0.1", 2, "0.10"),
        ("31.1250", 2, "31.125"),  # more digits are kept, never rounded away
        ("12.6000", 2, "12.60"),
        ("-0.00", 2, "0.00"),
        ("1E+3", 2, "1000.00"),
        ("0.7912", 6, "0.791200"),
        ("1.23456789", 6, "1.23456789"),
        (None, 2, "0.00"),
    ],
)
def test_decimal_text(value: str | None, places: int, text: str) -> None:
    assert decimal_text(None if value is None else Decimal(value), places) == text


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 11, 21), 9, date(2026, 2, 21)),
        (date(2026, 11, 30), 9, date(2026, 2, 28)),
        (date(2026, 1, 15), 1, date(2025, 12, 15)),
        (date(2024, 5, 31), 3, date(2024, 2, 29)),
    ],
)
def test_months_before(day: date, months: int, expected: date) -> None:
    assert months_before(day, months) == expected


def full_invoice() -> CanonicalInvoice:
    doc = invoice_doc(
        total="4926.90",
        insurance="3.50",
        misc_fees=[{"code": "ENV", "description": "Recycling", "amount": "18.50"}],
        discount="0.00",
        company_currency="EUR",
        currency_rate="0.9218",
        ship_complete=True,
        sales_type="DELIVERY",
        freight_forwarder_code="FF1",
        extended_specs=[{"name": "project", "value": "P-9"}],
        shipment={"number": "SH-1", "date": "2026-10-02"},
    )
    doc["lines"][0] |= {
        "delivery_number": "D-7",
        "tracking_numbers": ["1Z1"],
        "extended_specs": [{"name": "commenttext", "value": "hi"}],
    }
    return CanonicalInvoice.model_validate(doc)


def test_every_source_field_lands_somewhere() -> None:
    detail = invoice_detail(full_invoice())
    assert detail["miscfeeline"] == [
        {"code": "ENV", "description": "Recycling", "chargeamount": "18.50"},
        {"code": "INS", "description": "Insurance", "chargeamount": "3.50"},
    ]
    assert orjson.dumps(detail["totalotherfees"]) == b"22.00"
    assert detail["currencyrate"] == "0.921800"
    assert detail["companycurrency"] == "EUR"
    assert detail["shipcomplete"] == "Y"
    assert detail["ordertype"] == "DELIVERY"
    assert detail["freightforwardercode"] == "FF1"
    assert detail["originalshipcode"] == "SH-1"
    assert detail["shipdate"] == "2026-10-02"  # from the shipment when there is no ship_date
    assert detail["freightamount"] == detail["customerfreightamount"] == "12.50"
    assert detail["extendedspecs"] == [{"attributename": "project", "attributevalue": "P-9"}]
    first = detail["lines"][0]
    assert first["serialnumberdetails"] == [
        {"serialnumber": "S1", "deliverynumber": "D-7"},
        {"serialnumber": "S2", "deliverynumber": "D-7"},
    ]
    assert first["trackingnumberdetails"] == [{"trackingnumber": "1Z1"}]
    assert first["productextendedspecs"] == [
        {"attributename": "commenttext", "attributevalue": "hi"}
    ]
    assert detail["lines"][1]["unitprice"] == "7.50"
    assert violations(orjson.loads(orjson.dumps(found(full_invoice())))) == []


def test_a_rate_is_unknown_without_one_across_currencies() -> None:
    invoice = CanonicalInvoice.model_validate(invoice_doc(company_currency="EUR"))
    assert invoice_detail(invoice)["currencyrate"] == ""
    same = CanonicalInvoice.model_validate(invoice_doc())
    assert invoice_detail(same)["currencyrate"] == "1.000000"


def test_nothing_is_ever_null() -> None:
    minimal = CanonicalInvoice.model_validate(
        {"invoice_number": "1", "customer_number": "C", "currency": "USD", "total": 0, "lines": []}
    )
    body = orjson.dumps(found(minimal))
    assert b"null" not in body
    assert violations(orjson.loads(body)) == []
