"""The view-model: how amounts, quantities, dates and addresses are printed."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from invoiceport.invoices.schemas import Address, CanonicalInvoice
from invoiceport.pdf import DEFAULT_LETTERHEAD, Letterhead
from invoiceport.pdf.view import (
    AmountRow,
    address_lines,
    build_view,
    format_date,
    format_money,
    format_quantity,
)


@pytest.mark.parametrize(
    ("value", "printed"),
    [
        ("0", "0.00"),
        ("-0.00", "0.00"),
        ("5", "5.00"),
        ("1234.5", "1,234.50"),
        ("12.3450", "12.3450"),  # unit prices keep the decimals they were given
        ("0.125", "0.125"),
        ("-250.00", "-250.00"),
        ("1E+3", "1,000.00"),
        ("12345678901234.567891", "12,345,678,901,234.567891"),  # beyond float precision
    ],
)
def test_format_money(value: str, printed: str) -> None:
    assert format_money(Decimal(value)) == printed


# Any amount the schema accepts: up to 20 digits, 0 to 6 of them after the point.
amounts = st.builds(
    lambda digits, places: Decimal(digits).scaleb(-places),
    st.integers(min_value=-(10**20) + 1, max_value=10**20 - 1),
    st.integers(min_value=0, max_value=6),
)


@given(amounts)
def test_format_money_loses_nothing(value: Decimal) -> None:
    printed = format_money(value)
    assert Decimal(printed.replace(",", "")) == value
    decimals = len(printed.rsplit(".", 1)[1])
    assert decimals == max(2, -int(value.as_tuple().exponent))
    if value == 0:
        assert not printed.startswith("-")


@pytest.mark.parametrize(
    ("value", "printed"),
    [
        ("2.000000", "2"),
        ("2.500", "2.5"),
        ("0.000", "0"),
        ("1000", "1,000"),
        ("1E+3", "1,000"),
        ("0.000125", "0.000125"),
        ("-3", "-3"),
    ],
)
def test_format_quantity(value: str, printed: str) -> None:
    assert format_quantity(Decimal(value)) == printed


@given(st.decimals(min_value=Decimal("-1e13"), max_value=Decimal("1e13"), places=6))
def test_format_quantity_loses_nothing(value: Decimal) -> None:
    assert Decimal(format_quantity(value).replace(",", "")) == value


def test_format_date() -> None:
    assert format_date(None) is None
    assert format_date(date(2024, 2, 29)) == "2024-02-29"
    assert format_date(datetime(2024, 5, 2, 23, 59, tzinfo=UTC)) == "2024-05-02"


def test_address_lines_skip_blank_parts() -> None:
    full = Address(
        name="Acme",
        name2="Finance",
        attention="Jane Roe",
        address1="1 Main St",
        address2="Suite 5",
        address3="Dock 2",
        city="Springfield",
        state="IL",
        postal_code="62701",
        country="US",
    )
    assert address_lines(full) == (
        "Acme",
        "Finance",
        "Attn: Jane Roe",
        "1 Main St",
        "Suite 5",
        "Dock 2",
        "Springfield, IL 62701",
        "US",
    )
    assert address_lines(Address(name="Acme", postal_code="10115", city="Berlin")) == (
        "Acme",
        "Berlin, 10115",
    )
    assert address_lines(Address(state="IL")) == ("IL",)
    assert address_lines(None) == ()


def _invoice(**fields: Any) -> CanonicalInvoice:
    document: dict[str, Any] = {
        "invoice_number": "INV-1",
        "customer_number": "C-1",
        "currency": "USD",
        "total": "113.00",
        "lines": [
            {
                "line_number": 10,
                "quantity": "2.000000",
                "unit_price": "50.0000",
                "extended_price": "100.00",
                "serial_numbers": ["A", "B"],
            }
        ],
        **fields,
    }
    return CanonicalInvoice.model_validate(document)


def test_totals_rows_follow_the_arithmetic_order() -> None:
    invoice = _invoice(
        misc_fees=[{"description": "Pallet", "amount": "5.00"}, {"amount": "1.00"}],
        tax="8.00",
        freight="4.00",
        insurance="0.00",
        discount="5.00",
    )
    assert build_view(invoice, DEFAULT_LETTERHEAD, 1).totals == (
        AmountRow("Subtotal", "100.00"),
        AmountRow("Pallet", "5.00"),
        AmountRow("Miscellaneous fee", "1.00"),
        AmountRow("Tax", "8.00"),
        AmountRow("Freight", "4.00"),
        AmountRow("Insurance", "0.00"),
        AmountRow("Discount", "-5.00"),
        AmountRow("Total USD", "113.00", grand_total=True),
    )


def test_line_view_is_formatted() -> None:
    line = build_view(_invoice(), DEFAULT_LETTERHEAD, 1).lines[0]
    printed = (line.number, line.quantity, line.unit_price, line.amount)
    assert printed == ("10", "2", "50.0000", "100.00")
    assert (line.item, line.description, line.unit) == ("", "", "")
    assert line.serial_numbers == ("A", "B")


def test_invoice_and_credit_memo_headings() -> None:
    letterhead = Letterhead(name="Seller", address_lines=("Street 1",), tax_id="VAT-9")
    view = build_view(_invoice(po_number="PO-1"), letterhead, 5)
    assert (view.title, view.subtitle) == ("INVOICE", None)
    assert view.facts == (
        ("Invoice number", "INV-1"),
        ("Customer number", "C-1"),
        ("PO number", "PO-1"),
        ("Currency", "USD"),
    )
    assert view.seller_lines == ("Street 1", "Tax ID: VAT-9")
    assert view.footer == "Seller · Invoice INV-1 · version 5"

    memo = build_view(
        _invoice(document_type="credit_memo", original_invoice_number="INV-0"), letterhead, 1
    )
    assert (memo.title, memo.subtitle) == ("CREDIT MEMO", "Credit for invoice INV-0")
    assert memo.facts[:2] == (("Credit memo number", "INV-1"), ("Original invoice", "INV-0"))
