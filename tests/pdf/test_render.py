"""Rendered PDFs read back with pypdf: every field, pagination, scripts, fonts, identical bytes."""

from __future__ import annotations

import io
import math
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

import invoiceport
from invoiceport.invoices.schemas import CanonicalInvoice
from invoiceport.invoices.validation import arithmetic_errors, consistency_errors
from invoiceport.pdf import DEFAULT_LETTERHEAD, Letterhead, drawing, render_invoice_pdf, subsets
from invoiceport.pdf.demo import DEMO_LETTERHEAD, demo_invoice

LETTERHEAD = Letterhead(
    name="Acme Components GmbH",
    address_lines=("Industriestraße 7", "70565 Stuttgart", "Germany"),
    tax_id="DE811234567",
)


def _line(n: int, **fields: Any) -> dict[str, Any]:
    """Line `n`; its extended price is quantity x unit price, rounded to cents."""
    quantity = Decimal(fields.pop("quantity", n % 7 + 1))
    unit_price = Decimal(fields.pop("unit_price", Decimal(n * 3) + Decimal("0.2500")))
    return {
        "line_number": n,
        "item_number": f"ITEM-{n:05d}",
        "manufacturer_part_number": f"MFR-{n:05d}",
        "description": f"Widget model {n}",
        "quantity": quantity,
        "unit_of_measure": "EA",
        "unit_price": unit_price,
        "extended_price": (quantity * unit_price).quantize(Decimal("0.01")),
        **fields,
    }


def make_invoice(lines: list[dict[str, Any]] | None = None, **fields: Any) -> CanonicalInvoice:
    """A valid invoice whose totals add up (checked with the validation module's own rules)."""
    lines = lines if lines is not None else [_line(1), _line(2)]
    subtotal = sum((line["extended_price"] for line in lines), Decimal(0))
    fees = fields.get("misc_fees", [])
    tax, freight = Decimal("19.99"), Decimal("7.50")
    total = subtotal + tax + freight + sum((Decimal(f["amount"]) for f in fees), Decimal(0))
    document: dict[str, Any] = {
        "invoice_number": "INV-5001",
        "customer_number": "C-77",
        "currency": "EUR",
        "lines": lines,
        "subtotal": subtotal,
        "tax": tax,
        "freight": freight,
        "total": total,
        **fields,
    }
    invoice = CanonicalInvoice.model_validate(document)
    assert arithmetic_errors(invoice) == [] and consistency_errors(invoice) == []
    return invoice


def pdf_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def one_line(text: str) -> str:
    """Page text with line breaks and runs of spaces folded, for phrases that may wrap."""
    return " ".join(text.split())


@pytest.fixture(scope="module")
def full_invoice() -> CanonicalInvoice:
    return make_invoice(
        lines=[
            _line(
                1,
                item_number="CS-C9300-48P",
                manufacturer_part_number="C9300-48P-E",
                description="Catalyst 9300 48-port PoE+",
                quantity=2,
                unit_price="4875.1250",
                serial_numbers=["FOC2417X0AB", "FOC2417X0AC"],
                tracking_numbers=["1ZLINE000000000001"],
            ),
            _line(2, unit_of_measure="BX", serial_numbers=["SN-2-A"]),
            _line(3, quantity="1.5", unit_price="10.00"),
        ],
        document_type="invoice",
        sales_order_number="SO-9001",
        po_number="PO-4242",
        end_user_po_number="EUPO-777",
        invoice_date="2024-05-14",
        order_date="2024-05-02T23:30:00-05:00",
        ship_date="2024-05-13",
        due_date="2024-06-13",
        payment_terms="Net 30",
        bill_to={
            "name": "Lakeshore IT Solutions LLC",
            "name2": "Finance Department",
            "attention": "Accounts Payable",
            "address1": "1180 W. Lake Street",
            "address2": "Floor 4",
            "address3": "Building C",
            "city": "Chicago",
            "state": "IL",
            "postal_code": "60607",
            "country": "US",
        },
        ship_to={
            "name": "St. Luke's Medical Center",
            "address1": "3500 N. Clarkson Avenue",
            "city": "Evanston",
            "state": "IL",
            "postal_code": "60201",
            "country": "US",
        },
        misc_fees=[
            {"code": "EWF", "description": "E-waste fee", "amount": "32.00"},
            {"code": "LIFT", "amount": "75.00"},
        ],
        insurance="0.00",
        tracking_numbers=["1Z9A47E20396554218", "1Z9A47E20396554227"],
    )


@pytest.fixture(scope="module")
def full_text(full_invoice: CanonicalInvoice) -> str:
    pages = pdf_text(render_invoice_pdf(full_invoice, letterhead=LETTERHEAD, version=4))
    assert len(pages) == 1
    return pages[0]


def test_every_field_is_on_the_page(full_invoice: CanonicalInvoice, full_text: str) -> None:
    text = one_line(full_text)
    # letterhead
    for expected in ("Acme Components GmbH", "Industriestraße 7", "70565 Stuttgart", "DE811234567"):
        assert expected in text
    assert "INVOICE" in text and "CREDIT MEMO" not in text
    # numbers, dates and terms, each after its label
    for label, value in (
        ("INVOICE NUMBER", "INV-5001"),
        ("SALES ORDER", "SO-9001"),
        ("PO NUMBER", "PO-4242"),
        ("END-USER PO", "EUPO-777"),
        ("INVOICE DATE", "2024-05-14"),
        ("ORDER DATE", "2024-05-03"),  # 23:30 at UTC-5 is the 3rd in UTC
        ("SHIP DATE", "2024-05-13"),
        ("DUE DATE", "2024-06-13"),
        ("PAYMENT TERMS", "Net 30"),
        ("CUSTOMER NUMBER", "C-77"),
        ("CURRENCY", "EUR"),
    ):
        assert label in text and value in text
        assert text.index(label) < text.index(value)
    # addresses
    for expected in (
        "BILL TO",
        "Lakeshore IT Solutions LLC",
        "Finance Department",
        "Attn: Accounts Payable",
        "1180 W. Lake Street",
        "Floor 4",
        "Building C",
        "Chicago, IL 60607",
        "SHIP TO",
        "St. Luke's Medical Center",
        "Evanston, IL 60201",
    ):
        assert expected in full_text
    # the line table, a line per text line, left to right
    assert "# Item Mfr. part Description Qty Unit Unit price Amount" in full_text
    assert "1 CS-C9300-48P C9300-48P-E Catalyst 9300 48-port PoE+ 2 EA 4,875.1250 9,750.25" in (
        full_text
    )
    assert "2 ITEM-00002 MFR-00002 Widget model 2 3 BX 6.2500 18.75" in full_text
    assert "3 ITEM-00003 MFR-00003 Widget model 3 1.5 EA 10.00 15.00" in full_text
    assert "Serial numbers: FOC2417X0AB, FOC2417X0AC" in full_text
    assert "Serial numbers: SN-2-A" in full_text
    assert "Tracking: 1ZLINE000000000001" in full_text
    # fees and totals
    for label, amount in (
        ("Subtotal", "9,784.00"),
        ("E-waste fee (EWF)", "32.00"),
        ("LIFT", "75.00"),
        ("Tax", "19.99"),
        ("Freight", "7.50"),
        ("Insurance", "0.00"),
        ("Total EUR", "9,918.49"),
    ):
        assert re.search(rf"{re.escape(label)} {re.escape(amount)}\b", full_text), label
    assert full_invoice.total == Decimal("9918.49")
    assert "TRACKING NUMBERS" in full_text
    assert "1Z9A47E20396554218, 1Z9A47E20396554227" in full_text
    assert "Page 1 of 1" in full_text
    assert "version 4" in full_text


def test_optional_rows_are_left_out_when_absent() -> None:
    text = pdf_text(render_invoice_pdf(make_invoice(), letterhead=DEFAULT_LETTERHEAD))[0]
    for absent in ("Insurance", "Discount", "PO NUMBER", "BILL TO", "TRACKING NUMBERS", "Serial"):
        assert absent not in text
    assert "invoiceport demo supplier" in text
    assert "Subtotal" in text and "Total EUR" in text


def test_discount_is_shown_as_a_deduction() -> None:
    lines = [_line(1, quantity=1, unit_price="100.00")]
    invoice = CanonicalInvoice.model_validate(
        {
            "invoice_number": "INV-D",
            "customer_number": "C-1",
            "currency": "USD",
            "lines": lines,
            "discount": "12.50",
            "total": "87.50",
        }
    )
    assert arithmetic_errors(invoice) == []
    text = pdf_text(render_invoice_pdf(invoice, letterhead=LETTERHEAD))[0]
    assert "Subtotal 100.00" in text  # computed from the lines when not given
    assert "Discount -12.50" in text
    assert "Total USD 87.50" in text


def test_document_without_lines_still_has_its_totals() -> None:
    invoice = CanonicalInvoice.model_validate(
        {
            "invoice_number": "CM-FEES",
            "customer_number": "C-1",
            "currency": "CAD",
            "document_type": "credit_memo",
            "lines": [],
            "misc_fees": [{"description": "Restocking fee refund", "amount": "45.00"}],
            "total": "45.00",
        }
    )
    assert arithmetic_errors(invoice) == []
    text = pdf_text(render_invoice_pdf(invoice, letterhead=LETTERHEAD))[0]
    assert "# Item Mfr. part Description Qty Unit Unit price Amount" in text
    assert "Subtotal 0.00" in text
    assert "Restocking fee refund 45.00" in text
    assert "Total CAD 45.00" in text


def test_credit_memo_names_the_invoice_it_credits() -> None:
    invoice = make_invoice(
        invoice_number="CM-88",
        document_type="credit_memo",
        original_invoice_number="INV-5001",
        credit_memo_reason=None,
    )
    text = pdf_text(render_invoice_pdf(invoice, letterhead=LETTERHEAD))[0]
    assert "CREDIT MEMO" in text
    assert "Credit for invoice INV-5001" in text
    assert "CREDIT MEMO NUMBER" in text and "CM-88" in text
    assert "ORIGINAL INVOICE" in text
    assert "INVOICE NUMBER" not in text


def test_long_description_wraps_inside_its_column() -> None:
    words = [f"word{i:03d}" for i in range(120)]
    invoice = make_invoice(lines=[_line(1, description=" ".join(words))])
    pdf = render_invoice_pdf(invoice, letterhead=LETTERHEAD)
    text = pdf_text(pdf)[0]
    found = re.findall(r"word\d{3}", text)
    assert found == words  # every word, in order
    description_lines = [ln for ln in text.splitlines() if "word" in ln]
    assert len(description_lines) >= 10  # wrapped, not run off the page
    assert description_lines[0].startswith("1 ITEM-00001 MFR-00001 word000")


def _pagination_invoice(count: int) -> CanonicalInvoice:
    lines = [_line(n, serial_numbers=[f"SER-{n:05d}"]) for n in range(1, count + 1)]
    return make_invoice(lines=lines)


def test_five_hundred_lines_paginate_with_header_and_page_numbers() -> None:
    pdf = render_invoice_pdf(_pagination_invoice(500), letterhead=LETTERHEAD)
    pages = pdf_text(pdf)
    total_pages = len(pages)
    per_page = [re.findall(r"^(\d+) ITEM-(\d{5}) ", page, re.MULTILINE) for page in pages]

    # Every line exactly once, in order, each with its serial number under it.
    numbers = [int(item) for page in per_page for _, item in page]
    assert numbers == list(range(1, 501))
    assert all(int(n) == int(item) for page in per_page for n, item in page)
    all_text = "\n".join(pages)
    for n in range(1, 501):
        assert f"Serial numbers: SER-{n:05d}" in all_text

    # Expected page count from the layout's geometry: each line here is one text line plus
    # one serial-number line; pages after the first hold the same number of lines.
    block = (
        drawing.ROW_PAD_TOP
        + drawing.CELL.leading
        + drawing.EXTRA.leading
        + drawing.EXTRA_PAD_BOTTOM
        + drawing.ROW_PAD_BOTTOM
    )
    table_top = drawing.CONTINUATION_BODY_TOP - drawing.TABLE_HEADER_HEIGHT
    per_continuation_page = math.floor((table_top - drawing.BODY_BOTTOM) / block)
    first = len(per_page[0])
    assert 5 < first < per_continuation_page
    line_pages = 1 + math.ceil((500 - first) / per_continuation_page)
    on_last = (500 - first) - (line_pages - 2) * per_continuation_page
    room_left = table_top - on_last * block - drawing.BODY_BOTTOM
    totals_height = 2 * drawing.AMOUNT.leading + drawing.GRAND.leading  # subtotal, tax... total
    totals_height += drawing.AMOUNT.leading  # freight
    closing_fits = room_left >= drawing.SECTION_GAP + totals_height
    expected_pages = line_pages if closing_fits else line_pages + 1
    assert total_pages == expected_pages
    for lines_on_page in per_page[1 : line_pages - 1]:
        assert len(lines_on_page) == per_continuation_page

    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {total_pages}" in page
        if number > 1:
            assert "INVOICE INV-5001 (continued)" in page
        if number <= line_pages:
            assert "# Item Mfr. part Description Qty Unit Unit price Amount" in page
    assert "Total EUR" in pages[-1]
    assert all("Total EUR" not in page for page in pages[:-1])


# Names in the scripts partners write them in; each must come back out of the PDF unchanged.
# They are stacked in one address (and in descriptions short enough not to wrap), so that no
# other column's text lands between the parts of a wrapped name in the extracted text.
NAMES = {
    "German": "Müller & Söhne GmbH, Großbeerenstraße 12, Düsseldorf",
    "French": "Société Générale d'Électricité, Saint-Étienne, Françoise Lefèvre",
    "Polish": "Zakład Łączności Świętokrzyskiej, Źródłowa 5, Łódź, Wąchock",
    "Greek": "Ελληνικά Ηλεκτρονικά Α.Ε., Θεσσαλονίκη, Γιώργος Παπαδόπουλος",
    "Cyrillic": "ООО «Электроника», Санкт-Петербург, Юрий Ёлкин",
    "Japanese": "株式会社東京商事 渋谷区 カタカナ ひらがな",
    "Chinese": "北京华为技术有限公司 上海市浦东新区",
    "Traditional Chinese": "臺北市信義區 鴻海精密工業股份有限公司",
    "Korean": "삼성전자 주식회사 서울특별시",
}


@pytest.fixture(scope="module")
def unicode_pdf() -> bytes:
    invoice = make_invoice(
        bill_to={
            "name": NAMES["German"],
            "name2": NAMES["French"],
            "attention": NAMES["Polish"],
            "address1": NAMES["Greek"],
            "address2": NAMES["Cyrillic"],
            "address3": NAMES["Japanese"],
            "city": NAMES["Chinese"],
        },
        lines=[
            _line(1, description=NAMES["Traditional Chinese"]),
            _line(2, description=NAMES["Korean"]),
        ],
    )
    return render_invoice_pdf(invoice, letterhead=LETTERHEAD)


@pytest.mark.parametrize("script", list(NAMES))
def test_names_in_every_script_come_back_exactly(unicode_pdf: bytes, script: str) -> None:
    text = one_line(pdf_text(unicode_pdf)[0])
    assert NAMES[script] in text


def test_cjk_characters_are_drawn_with_real_glyphs() -> None:
    from invoiceport.pdf.fonts import get_fonts

    fonts = get_fonts()
    for script in ("Japanese", "Chinese", "Traditional Chinese", "Korean"):
        for face, run in fonts.runs(NAMES[script], bold=False):
            for char in run:
                # a character no embedded face has would be drawn as the "missing glyph" box
                assert char.isspace() or ord(char) in face.covers, (script, char)
        assert any(face is fonts.cjk for face, _ in fonts.runs(NAMES[script], bold=False))
    for face, run in fonts.runs(NAMES["Greek"] + NAMES["Cyrillic"] + NAMES["Polish"], bold=True):
        assert face is fonts.bold, run  # DejaVu covers these itself


def _fonts(pdf: bytes) -> dict[str, Any]:
    fonts: dict[str, Any] = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts[str(font["/BaseFont"])] = font
    return fonts


def test_every_font_is_embedded(unicode_pdf: bytes) -> None:
    fonts = _fonts(unicode_pdf)
    families = {name.split("+", 1)[1] for name in fonts}
    assert families == {
        "DejaVuSansCondensed",
        "DejaVuSansCondensed-Bold",
        "DroidSansFallback",
    }
    for name, font in fonts.items():
        assert font["/Subtype"] == "/TrueType", name
        font_file = font["/FontDescriptor"]["/FontFile2"].get_object()
        assert len(font_file.get_data()) > 1000, name  # the glyphs themselves
        assert "/ToUnicode" in font, name  # what makes text extraction and search work


def test_latin_only_invoice_does_not_embed_the_cjk_font(full_invoice: CanonicalInvoice) -> None:
    pdf = render_invoice_pdf(full_invoice, letterhead=LETTERHEAD)
    assert not any("Droid" in name for name in _fonts(pdf))


def test_same_invoice_version_gives_identical_bytes(full_invoice: CanonicalInvoice) -> None:
    first = render_invoice_pdf(full_invoice, letterhead=LETTERHEAD, version=2)
    again = render_invoice_pdf(full_invoice, letterhead=LETTERHEAD, version=2)
    assert first == again
    assert first.startswith(b"%PDF-1.4")
    other_version = render_invoice_pdf(full_invoice, letterhead=LETTERHEAD, version=3)
    assert other_version != first


def test_identical_bytes_in_another_process() -> None:
    """A fresh interpreter (other hash seed, cold caches) must produce the very same file."""
    script = (
        "import sys\n"
        "from invoiceport.pdf import render_invoice_pdf\n"
        "from invoiceport.pdf.demo import DEMO_LETTERHEAD, demo_invoice\n"
        "sys.stdout.buffer.write(render_invoice_pdf(demo_invoice(), letterhead=DEMO_LETTERHEAD,"
        " version=7))\n"
    )
    src = str(Path(invoiceport.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONHASHSEED": "4242", "PYTHONPATH": src}
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, env=env, check=True, timeout=120
    )
    here = render_invoice_pdf(demo_invoice(), letterhead=DEMO_LETTERHEAD, version=7)
    assert result.stdout == here


def test_renders_in_parallel_threads_are_identical(full_invoice: CanonicalInvoice) -> None:
    """Servers render in a thread pool; ReportLab's per-document font state must not mix."""
    invoices = [full_invoice, demo_invoice(), make_invoice(bill_to={"name": NAMES["Japanese"]})]
    expected = [render_invoice_pdf(inv, letterhead=LETTERHEAD) for inv in invoices]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # switch threads often, so that renders really interleave
    try:
        with ThreadPoolExecutor(max_workers=6) as pool:
            futures = [
                pool.submit(render_invoice_pdf, invoices[n % 3], letterhead=LETTERHEAD)
                for n in range(30)
            ]
            results = [future.result() for future in futures]
    finally:
        sys.setswitchinterval(interval)
    assert all(result == expected[n % 3] for n, result in enumerate(results))


def test_subset_cache_writes_the_same_bytes_as_reportlab(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cached font subsets (subsets.py) must not change a single byte of the output."""
    # Over 256 distinct characters, so a second subset of the same font is needed as well.
    many = "".join(chr(c) for c in [*range(0x100, 0x17F), *range(0x410, 0x450)])
    invoice = make_invoice(
        lines=[_line(1, description=many), _line(2, description=NAMES["Korean"])]
    )
    cached = render_invoice_pdf(invoice, letterhead=LETTERHEAD)
    cached_again = render_invoice_pdf(invoice, letterhead=LETTERHEAD)  # now served from the cache
    monkeypatch.setattr(subsets, "ENABLED", False)
    stock = render_invoice_pdf(invoice, letterhead=LETTERHEAD)
    assert cached == cached_again == stock
    assert len([n for n in _fonts(stock) if n.split("+")[1] == "DejaVuSansCondensed"]) == 2
    assert set(many) <= set(pdf_text(stock)[0])


@pytest.fixture
def logo(tmp_path: Path) -> Path:
    """A 400 x 100 PNG with a transparent background."""
    from PIL import Image, ImageDraw

    path = tmp_path / "logo.png"
    image = Image.new("RGBA", (400, 100), (0, 0, 0, 0))
    ImageDraw.Draw(image).rectangle((10, 10, 390, 90), fill=(20, 60, 110, 255))
    image.save(path)
    return path


def test_logo_is_drawn(logo: Path) -> None:
    letterhead = Letterhead(name="Logo Corp", logo_path=logo)
    pdf = render_invoice_pdf(make_invoice(), letterhead=letterhead)
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    images = page.images
    assert len(images) == 1
    assert images[0].image.size == (400, 100)
    assert "Logo Corp" in page.extract_text()
    assert render_invoice_pdf(make_invoice(), letterhead=letterhead) == pdf


def test_logo_cache_writes_the_same_bytes_as_reportlab(
    logo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The logo decoded once (logo.py) must give the file ReportLab's drawImage gives."""
    from invoiceport.pdf import logo as logo_module

    letterhead = Letterhead(name="Logo Corp", logo_path=logo)
    invoice = _pagination_invoice(60)  # several pages: the logo is on the first only
    cached = render_invoice_pdf(invoice, letterhead=letterhead)
    cached_again = render_invoice_pdf(invoice, letterhead=letterhead)
    monkeypatch.setattr(logo_module, "ENABLED", False)
    stock = render_invoice_pdf(invoice, letterhead=letterhead)
    assert cached == cached_again == stock
    assert b"/SMask" in stock  # the transparency survived


def test_letterhead_rejects_a_missing_or_unsupported_logo(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="does not exist"):
        Letterhead(name="X", logo_path=tmp_path / "missing.png")
    (tmp_path / "logo.gif").write_bytes(b"GIF89a")
    with pytest.raises(ValueError, match="PNG or JPEG"):
        Letterhead(name="X", logo_path=tmp_path / "logo.gif")
    with pytest.raises(ValueError, match="blank"):
        Letterhead(name="  ")


def test_demo_invoice_is_valid_and_fits_one_page() -> None:
    invoice = demo_invoice()
    assert arithmetic_errors(invoice) == [] and consistency_errors(invoice) == []
    pages = pdf_text(render_invoice_pdf(invoice, letterhead=DEMO_LETTERHEAD))
    assert len(pages) == 1
    assert "Total USD 17,798.89" in pages[0]
