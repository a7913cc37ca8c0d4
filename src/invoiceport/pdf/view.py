"""The view-model: everything an invoice page shows, as plain, already formatted strings.

Keeping formatting here (and only here) means the layout never sees a `Decimal` or a `date`, and
the tests can check a figure's printed form without parsing a PDF. Money stays `Decimal` until it
becomes text: it is never converted to float.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from invoiceport.invoices.schemas import Address, CanonicalInvoice, Line, MiscFee
from invoiceport.pdf.letterhead import Letterhead


@dataclass(frozen=True, slots=True)
class LineView:
    """One row of the line table, plus what is printed under it."""

    number: str
    item: str
    manufacturer_part: str
    description: str
    quantity: str
    unit: str
    unit_price: str
    amount: str
    serial_numbers: tuple[str, ...]
    tracking_numbers: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AmountRow:
    """One row of the totals block; the grand total is printed larger."""

    label: str
    amount: str
    grand_total: bool = False


@dataclass(frozen=True, slots=True)
class InvoiceView:
    """The whole document, ready to be laid out."""

    title: str
    subtitle: str | None
    document_label: str
    document_number: str
    seller_name: str
    seller_lines: tuple[str, ...]
    logo_path: Path | None
    facts: tuple[tuple[str, str], ...]
    bill_to: tuple[str, ...]
    ship_to: tuple[str, ...]
    lines: tuple[LineView, ...]
    totals: tuple[AmountRow, ...]
    tracking_numbers: tuple[str, ...]
    footer: str
    version: int


def format_money(value: Decimal) -> str:
    """Thousands separators and every decimal given, but never fewer than two.

    Unit prices often carry four decimals (`12.3450`); rounding them would misstate the price.
    """
    if value == 0:
        value = abs(value)  # no "-0.00"
    exponent = value.as_tuple().exponent
    places = max(2, -exponent) if isinstance(exponent, int) else 2
    return f"{value:,.{places}f}"


def format_quantity(value: Decimal) -> str:
    """Quantities without trailing zeros: `2`, `2.5`, `1,000` (the schema stores `2.000000`)."""
    if value == 0:
        return "0"
    return f"{value.normalize():,f}"


def format_date(value: date | datetime | None) -> str | None:
    """ISO 8601: unambiguous for every partner, whatever their locale."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()  # already UTC, see schemas._utc
    return value.isoformat()


def address_lines(address: Address | None) -> tuple[str, ...]:
    """Postal lines in the usual order; blank parts are left out."""
    if address is None:
        return ()
    lines = [address.name, address.name2]
    if address.attention:
        lines.append(f"Attn: {address.attention}")
    lines += [address.address1, address.address2, address.address3]
    region = " ".join(p for p in (address.state, address.postal_code) if p)
    lines.append(", ".join(p for p in (address.city, region) if p))
    lines.append(address.country)
    return tuple(line for line in lines if line)


def _line_view(line: Line) -> LineView:
    return LineView(
        number=str(line.line_number),
        item=line.item_number or "",
        manufacturer_part=line.manufacturer_part_number or "",
        description=line.description or "",
        quantity=format_quantity(line.quantity),
        unit=line.unit_of_measure or "",
        unit_price=format_money(line.unit_price),
        amount=format_money(line.extended_price),
        serial_numbers=tuple(line.serial_numbers),
        tracking_numbers=tuple(line.tracking_numbers),
    )


def _fee_label(fee: MiscFee) -> str:
    if fee.description and fee.code:
        return f"{fee.description} ({fee.code})"
    return fee.description or fee.code or "Miscellaneous fee"


def _totals(invoice: CanonicalInvoice) -> tuple[AmountRow, ...]:
    # Same order and signs as validation.arithmetic_errors:
    # total = subtotal + misc fees + tax + freight + insurance - discount.
    subtotal = invoice.subtotal
    if subtotal is None:
        subtotal = sum((line.extended_price for line in invoice.lines), Decimal(0))
    rows = [AmountRow("Subtotal", format_money(subtotal))]
    rows += [AmountRow(_fee_label(fee), format_money(fee.amount)) for fee in invoice.misc_fees]
    for label, value in (
        ("Tax", invoice.tax),
        ("Freight", invoice.freight),
        ("Insurance", invoice.insurance),
    ):
        if value is not None:
            rows.append(AmountRow(label, format_money(value)))
    if invoice.discount is not None:
        rows.append(AmountRow("Discount", format_money(-invoice.discount)))
    rows.append(AmountRow(f"Total {invoice.currency}", format_money(invoice.total), True))
    return tuple(rows)


def _facts(invoice: CanonicalInvoice, noun: str) -> tuple[tuple[str, str], ...]:
    facts: list[tuple[str, str | None]] = [
        (f"{noun} number", invoice.invoice_number),
        ("Original invoice", invoice.original_invoice_number if invoice.is_credit_memo else None),
        (f"{noun} date", format_date(invoice.invoice_date)),
        ("Due date", format_date(invoice.due_date)),
        ("Payment terms", invoice.payment_terms),
        ("Customer number", invoice.customer_number),
        ("Sales order", invoice.sales_order_number),
        ("Order date", format_date(invoice.order_date)),
        ("Ship date", format_date(invoice.ship_date)),
        ("PO number", invoice.po_number),
        ("End-user PO", invoice.end_user_po_number),
        ("Currency", invoice.currency),
    ]
    return tuple((label, value) for label, value in facts if value)


def build_view(invoice: CanonicalInvoice, letterhead: Letterhead, version: int) -> InvoiceView:
    """Format one canonical invoice (at one stored version) for the page."""
    noun = "Credit memo" if invoice.is_credit_memo else "Invoice"
    subtitle = None
    if invoice.is_credit_memo and invoice.original_invoice_number:
        subtitle = f"Credit for invoice {invoice.original_invoice_number}"
    seller_lines = letterhead.address_lines
    if letterhead.tax_id:
        seller_lines = (*seller_lines, f"Tax ID: {letterhead.tax_id}")
    return InvoiceView(
        title=noun.upper(),
        subtitle=subtitle,
        document_label=noun,
        document_number=invoice.invoice_number,
        seller_name=letterhead.name,
        seller_lines=seller_lines,
        logo_path=letterhead.logo_path,
        facts=_facts(invoice, noun),
        bill_to=address_lines(invoice.bill_to),
        ship_to=address_lines(invoice.ship_to),
        lines=tuple(_line_view(line) for line in invoice.lines),
        totals=_totals(invoice),
        tracking_numbers=tuple(invoice.tracking_numbers),
        footer=f"{letterhead.name} · {noun} {invoice.invoice_number} · version {version}",
        version=version,
    )
