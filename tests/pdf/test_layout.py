"""Layout without PDF parsing: line breaking, column geometry, nothing drawn off the page."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from invoiceport.invoices.schemas import CanonicalInvoice
from invoiceport.pdf import DEFAULT_LETTERHEAD
from invoiceport.pdf.demo import demo_invoice
from invoiceport.pdf.drawing import (
    BODY_BOTTOM,
    CELL,
    CONTENT_WIDTH,
    FOOTER,
    LEFT,
    PAD,
    RIGHT,
    TOP,
    Text,
    wrap,
)
from invoiceport.pdf.fonts import Fonts, get_fonts
from invoiceport.pdf.layout import lay_out
from invoiceport.pdf.table import Table
from invoiceport.pdf.view import build_view


@pytest.fixture(scope="module")
def fonts() -> Fonts:
    return get_fonts()


def test_short_text_is_one_line(fonts: Fonts) -> None:
    assert wrap("Widget", 100, CELL, fonts) == ["Widget"]
    assert wrap("", 100, CELL, fonts) == []


def test_breaks_at_spaces(fonts: Fonts) -> None:
    width = max(fonts.width(s, CELL.size, False) for s in ("alpha beta", "gamma delta"))
    assert fonts.width("alpha beta gamma", CELL.size, False) > width
    assert wrap("alpha beta gamma delta", width, CELL, fonts) == ["alpha beta", "gamma delta"]


def test_overlong_word_breaks_after_a_hyphen_when_it_can(fonts: Fonts) -> None:
    width = fonts.width("ZT41142-T010", CELL.size, False)
    assert wrap("ZT41142-T010000Z", width, CELL, fonts) == ["ZT41142-", "T010000Z"]
    # Digits all have the same width, so five of them fill a five-digit line exactly.
    five = fonts.width("12345", CELL.size, False)
    assert wrap("1234567890123456", five, CELL, fonts) == ["12345", "67890", "12345", "6"]


def test_cjk_text_without_spaces_breaks_between_characters(fonts: Fonts) -> None:
    text = "鴻海精密工業股份有限公司台北市信義區"
    width = fonts.width("鴻海精密工", CELL.size, False) + 0.01
    lines = wrap(text, width, CELL, fonts)
    assert lines == ["鴻海精密工", "業股份有限", "公司台北市", "信義區"]


words = st.lists(
    st.text(alphabet="abcXYZ-/0123456789ÄéŁΩЖ東  ", min_size=1, max_size=30), max_size=40
)


@settings(max_examples=200, deadline=None)
@given(words, st.floats(min_value=30, max_value=300))
def test_wrapped_lines_fit_and_keep_every_character(
    fonts: Fonts, words: list[str], width: float
) -> None:
    text = " ".join(words)
    lines = wrap(text, width, CELL, fonts)
    assert all(fonts.width(line, CELL.size, False) <= width + 1e-9 for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert all(line == line.strip() and line for line in lines)
    assert all("  " not in line for line in lines)


@pytest.mark.parametrize(
    "widest",
    [{}, {"#": 10.0, "Amount": 30.0}, {"#": 30.0, "Qty": 44.0, "Unit price": 64.0, "Amount": 72.0}],
)
def test_table_columns_fill_the_content_width(widest: dict[str, float]) -> None:
    table = Table.sized_for(widest)
    assert sum(c.width for c in table.columns) == pytest.approx(CONTENT_WIDTH)
    assert table.x[0] == LEFT
    assert table.x[-1] + table.columns[-1].width == pytest.approx(RIGHT)
    by_title = {c.title: c.width for c in table.columns}
    for title, width in widest.items():
        assert by_title[title] >= width + 2 * PAD


def test_usual_invoices_get_the_usual_columns() -> None:
    widths = [c.width for c in Table.sized_for({"#": 5.0, "Amount": 40.0}).columns]
    assert widths == [20.0, 78.0, 78.0, 172.0, 36.0, 28.0, 60.0, 68.0]


def test_table_columns_have_limits() -> None:
    table = Table.sized_for({"#": 500.0, "Qty": 500.0, "Unit price": 500.0, "Amount": 500.0})
    description = next(c for c in table.columns if c.title == "Description")
    assert description.width >= 80


def _texts_by_page(invoice: CanonicalInvoice, fonts: Fonts) -> list[list[Text]]:
    pages = lay_out(build_view(invoice, DEFAULT_LETTERHEAD, 1), fonts)
    return [[op for op in page if isinstance(op, Text)] for page in pages]


def _edge_case_invoice() -> CanonicalInvoice:
    long = "Lorem-ipsum-" * 21  # 252 characters
    fields = ("name", "name2", "attention", "address1", "address2", "address3")
    address = dict.fromkeys(fields, long)
    line: dict[str, Any] = {
        "line_number": 10_000_000,
        "item_number": long,
        "manufacturer_part_number": long,
        "description": "Beschreibung " * 150,
        "quantity": Decimal("123456.123456"),
        "unit_of_measure": "CARTON",
        "unit_price": Decimal("1234567890.123456"),
        "extended_price": Decimal("152415787639.68"),
        "serial_numbers": [f"SN{n:08d}" for n in range(400)],
        "tracking_numbers": [long],
    }
    return CanonicalInvoice.model_validate(
        {
            "invoice_number": "X" * 64,
            "customer_number": "C" * 64,
            "currency": "USD",
            "total": "99999999999999.999999",
            "po_number": long,
            "payment_terms": long,
            "bill_to": address,
            "ship_to": address,
            "lines": [line, {**line, "line_number": 1}],
            "misc_fees": [{"description": long, "code": "X", "amount": "1.00"}] * 40,
            "tracking_numbers": [f"1Z{n:016d}" for n in range(300)],
        }
    )


def test_nothing_is_drawn_outside_the_page_body(fonts: Fonts) -> None:
    pages = _texts_by_page(_edge_case_invoice(), fonts)
    assert len(pages) > 3
    for page in pages:
        for op in page:
            width = fonts.width(op.text, op.style.size, op.style.bold)
            assert op.x >= LEFT - 1e-6, op
            assert op.x + width <= RIGHT + 1e-6, op
            assert op.y <= TOP
            if op.style is not FOOTER:
                assert op.y >= BODY_BOTTOM, op


def test_line_number_column_is_as_wide_as_the_longest_number(fonts: Fonts) -> None:
    pages = _texts_by_page(_edge_case_invoice(), fonts)
    texts = [op.text for page in pages for op in page]
    assert "10000000" in texts  # not broken over two lines


def test_each_serial_number_is_printed_once(fonts: Fonts) -> None:
    pages = _texts_by_page(_edge_case_invoice(), fonts)
    joined = " ".join(op.text for page in pages for op in page)
    for n in range(400):
        assert joined.count(f"SN{n:08d}") == 2  # the line is in the invoice twice


def _boxes(page: list[Text], fonts: Fonts) -> list[tuple[float, float, float, float, str]]:
    """Each string's ink box: advance width, from descender to ascender."""
    boxes = []
    for op in page:
        size = op.style.size
        width = fonts.width(op.text, size, op.style.bold)
        boxes.append((op.x, op.y - 0.24 * size, op.x + width, op.y + 0.76 * size, op.text))
    return boxes


@pytest.mark.parametrize("invoice", [demo_invoice(), _edge_case_invoice()], ids=["demo", "edge"])
def test_no_two_strings_overlap(fonts: Fonts, invoice: CanonicalInvoice) -> None:
    for page in _texts_by_page(invoice, fonts):
        boxes = sorted(_boxes(page, fonts))
        for i, (x0, y0, x1, y1, text) in enumerate(boxes):
            for u0, v0, u1, v1, other in boxes[i + 1 :]:
                if u0 >= x1:
                    break  # sorted by left edge: nothing further right can touch this one
                overlap = min(x1, u1) - max(x0, u0) > 0.01 and min(y1, v1) - max(y0, v0) > 0.01
                assert not overlap, (text, other)
