"""A realistic demo invoice: used for the picture in docs/pdf.md, the benchmark and smoke tests.

Amounts are computed here with `Decimal`, so the document always passes the arithmetic checks
of `invoiceport.invoices.validation`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from invoiceport.invoices.schemas import CanonicalInvoice
from invoiceport.pdf.letterhead import Letterhead

DEMO_LETTERHEAD = Letterhead(
    name="Bluefield Distribution, Inc.",
    address_lines=("4200 Commerce Parkway, Suite 300", "Greenville, SC 29615", "United States"),
    tax_id="EIN 58-4417203",
)

# item, manufacturer part, description, quantity, unit, unit price, serial numbers
_LINES: tuple[tuple[str, str, str, str, str, str, tuple[str, ...]], ...] = (
    (
        "CS-C9300-48P",
        "C9300-48P-E",
        "Cisco Catalyst 9300 48-port PoE+ switch, Network Essentials",
        "2",
        "EA",
        "4875.0000",
        ("FOC2417X0AB", "FOC2417X0AC"),
    ),
    (
        "AP-SMT1500RM2U",
        "SMT1500RM2UC",
        "APC Smart-UPS 1500VA LCD RM 2U 120V with SmartConnect",
        "2",
        "EA",
        "1129.9900",
        ("AS2203140871", "AS2203140874"),
    ),
    (
        "ZB-ZT411",
        "ZT41142-T010000Z",
        "Zebra ZT411 industrial label printer, 203 dpi, USB/serial/Ethernet/Bluetooth",
        "1",
        "EA",
        "1689.5000",
        ("99J214502871",),
    ),
    (
        "HW-1950GHD",
        "1950GHD-2USB",
        "Honeywell Xenon XP 1950g area-imaging scanner kit, USB cable, black",
        "6",
        "EA",
        "219.7500",
        ("21088B4F21", "21088B4F22", "21088B4F23", "21088B4F24", "21088B4F25", "21088B4F26"),
    ),
    (
        "DL-P2723DE",
        "DELL-P2723DE",
        'Dell 27" USB-C hub monitor P2723DE, QHD',
        "4",
        "EA",
        "329.9900",
        ("CN0D2X4N-FCC00-2C1-AB3L", "CN0D2X4N-FCC00-2C1-AB4L"),
    ),
    (
        "CB-C6A-10",
        "C6A-SSTP-10BL",
        "Cat6A S/FTP patch cable, 10 ft, blue (bag of 25)",
        "3",
        "BG",
        "84.2500",
        (),
    ),
)


def demo_document(line_count: int = len(_LINES)) -> dict[str, Any]:
    """The demo invoice as the JSON-shaped dict a supplier would load."""
    lines: list[dict[str, Any]] = []
    for n in range(line_count):
        item, mfr, description, qty, unit, price, serials = _LINES[n % len(_LINES)]
        quantity, unit_price = Decimal(qty), Decimal(price)
        lines.append(
            {
                "line_number": n + 1,
                "item_number": item,
                "manufacturer_part_number": mfr,
                "description": description,
                "quantity": quantity,
                "unit_of_measure": unit,
                "unit_price": unit_price,
                "extended_price": (quantity * unit_price).quantize(Decimal("0.01")),
                "serial_numbers": list(serials),
            }
        )
    subtotal = sum((line["extended_price"] for line in lines), Decimal(0))
    fees: list[dict[str, Any]] = [
        {"code": "EWF", "description": "State e-waste recycling fee", "amount": Decimal("32.00")},
        {"code": "LIFT", "description": "Liftgate delivery", "amount": Decimal("75.00")},
    ]
    tax = (subtotal * Decimal("0.07")).quantize(Decimal("0.01"))
    freight, insurance, discount = Decimal("148.60"), Decimal("41.25"), Decimal("250.00")
    fee_sum = sum((fee["amount"] for fee in fees), Decimal(0))
    total = subtotal + fee_sum + tax + freight + insurance - discount
    return {
        "invoice_number": "INV-2024-018734",
        "customer_number": "C-104551",
        "currency": "USD",
        "document_type": "invoice",
        "sales_order_number": "SO-7720413",
        "po_number": "PO-88231-NET",
        "end_user_po_number": "EU-ST-LUKE-4471",
        "order_date": "2024-05-02T14:31:00Z",
        "invoice_date": "2024-05-14",
        "ship_date": "2024-05-13",
        "due_date": "2024-06-13",
        "payment_terms": "Net 30",
        "bill_to": {
            "name": "Lakeshore IT Solutions LLC",
            "attention": "Accounts Payable",
            "address1": "1180 W. Lake Street, Floor 4",
            "city": "Chicago",
            "state": "IL",
            "postal_code": "60607",
            "country": "US",
        },
        "ship_to": {
            "name": "St. Luke's Regional Medical Center",
            "name2": "c/o Lakeshore IT Solutions",
            "attention": "Receiving Dock B - Tomasz Wiśniewski",
            "address1": "3500 N. Clarkson Avenue",
            "city": "Evanston",
            "state": "IL",
            "postal_code": "60201",
            "country": "US",
        },
        "lines": lines,
        "misc_fees": fees,
        "subtotal": subtotal,
        "tax": tax,
        "freight": freight,
        "insurance": insurance,
        "discount": discount,
        "total": total,
        "tracking_numbers": ["1Z9A47E20396554218", "1Z9A47E20396554227"],
    }


def demo_invoice(line_count: int = len(_LINES)) -> CanonicalInvoice:
    """The demo invoice, validated."""
    return CanonicalInvoice.model_validate(demo_document(line_count))


def main(argv: list[str] | None = None) -> None:
    """`python -m invoiceport.pdf.demo OUT.pdf [LINES]`: write the demo invoice as a PDF."""
    import sys

    from invoiceport.pdf.render import render_invoice_pdf

    args = sys.argv[1:] if argv is None else argv
    if not 1 <= len(args) <= 2:
        raise SystemExit("usage: python -m invoiceport.pdf.demo OUT.pdf [LINES]")
    lines = int(args[1]) if len(args) == 2 else len(_LINES)
    pdf = render_invoice_pdf(demo_invoice(lines), letterhead=DEMO_LETTERHEAD)
    with open(args[0], "wb") as out:
        out.write(pdf)


if __name__ == "__main__":
    main()
