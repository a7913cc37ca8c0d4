"""EU demo invoices and credit memos that are valid EN 16931 e-invoices in every format.

A German seller (its own `seller`, as a supplier with an EU entity would load it) invoicing German,
French and Dutch buyers: standard-rated, zero-rated, reverse-charge, intra-community and exempt
lines, with freight, insurance and fees carrying their own VAT. Totals and VAT are computed here
exactly as EN 16931 does (per category and rate, rounded half up to the cent), so the stored
totals are the ones every export carries. `tests/einvoice` exports each in every format.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from invoiceport.invoices.schemas import CanonicalInvoice

CENT = Decimal("0.01")
EU_CUSTOMERS = ("EU-DE-1001", "EU-FR-2001", "EU-NL-3001")

SELLER: dict[str, Any] = {
    "legal_name": "invoiceport Demo GmbH",
    "vat_id": "DE123456789",
    "company_id": "HRB 123456 B",
    "electronic_address": {"id": "DE123456789", "scheme": "9930"},
    "address": {
        "street": "Friedrichstrasse 100",
        "city": "Berlin",
        "postal_code": "10117",
        "country": "DE",
    },
    "contact": {"name": "Anna Schmidt", "phone": "+49 30 1234567", "email": "billing@example.de"},
}
PAYMENT = {"code": "58", "iban": "DE89370400440532013000", "bic": "COBADEFFXXX"}

BUYERS: dict[str, dict[str, Any]] = {
    "EU-DE-1001": {
        "bill_to": {
            "name": "Muster Handel GmbH",
            "address1": "Hafenstrasse 5",
            "city": "Hamburg",
            "postal_code": "20457",
            "country": "DE",
        },
        "buyer": {
            "vat_id": "DE987654321",
            "electronic_address": {"id": "DE987654321", "scheme": "9930"},
            "contact": {"name": "Jonas Weber", "email": "ap@muster-handel.example"},
        },
        "buyer_reference": "04011000-12345-34",
    },
    "EU-FR-2001": {
        "bill_to": {
            "name": "Societe Exemple SARL",
            "address1": "12 rue de la Paix",
            "city": "Paris",
            "postal_code": "75002",
            "country": "FR",
        },
        "buyer": {
            "vat_id": "FR32123456789",
            "company_id": "12345678900017",
            "electronic_address": {"id": "FR32123456789", "scheme": "9957"},
        },
        "buyer_reference": "PO-FR-88",
    },
    "EU-NL-3001": {
        "bill_to": {
            "name": "Voorbeeld Groothandel B.V.",
            "address1": "Coolsingel 40",
            "city": "Rotterdam",
            "postal_code": "3011 AD",
            "country": "NL",
        },
        "buyer": {
            "vat_id": "NL123456789B01",
            "company_id": "12345678",
            "electronic_address": {"id": "12345678", "scheme": "0106"},
        },
        "buyer_reference": "NL-INK-2026",
    },
}

# (description, item, quantity, unit price, unit, VAT category, rate)
Line = tuple[str, str, str, str, str, str, str | None]
SCENARIOS: list[dict[str, Any]] = [
    {
        "customer": "EU-DE-1001",
        "number": "EU-DE-0001",
        "lines": [
            ("Dell Latitude 7450 notebook", "DL-7450", "4", "1149.00", "EA", "S", "19"),
            ("USB-C docking station", "DK-WD19", "4", "189.90", "EA", "S", "19"),
            ("Installation service", "SRV-INST", "3.5", "95.00", "HR", "S", "19"),
        ],
        "freight": ("24.90", "S", "19"),
        "fees": [("Recycling fee (ElektroG)", "3.60", "S", "19")],
    },
    {
        "customer": "EU-DE-1001",
        "number": "EU-DE-0002",
        "credit_of": "EU-DE-0001",
        "lines": [("USB-C docking station (returned)", "DK-WD19", "1", "189.90", "EA", "S", "19")],
    },
    {
        "customer": "EU-DE-1001",
        "number": "EU-DE-0003",
        "lines": [
            ("Printed manuals", "MAN-PRT", "10", "12.50", "EA", "S", "7"),
            ("Cat6 patch cable 2 m", "CBL-C6-2", "50", "3.49", "EA", "S", "19"),
        ],
        "freight": ("9.90", "S", "19"),
    },
    {
        "customer": "EU-FR-2001",
        "number": "EU-FR-0001",
        "lines": [
            ("Remote network configuration", "SRV-NET", "8", "110.00", "HR", "AE", None),
            ("Firewall licence, 1 year", "LIC-FW-1Y", "2", "640.00", "LIC", "AE", None),
        ],
        "fees": [("Service handling fee", "15.00", "AE", None)],
        "exemptions": [
            {"category": "AE", "reason": "Autoliquidation", "reason_code": "VATEX-EU-AE"}
        ],
    },
    {
        "customer": "EU-FR-2001",
        "number": "EU-FR-0002",
        "lines": [
            ("Rack server R760", "SV-R760", "1", "7420.00", "EA", "K", None),
            ("Server rails kit", "SV-RAIL", "1", "89.00", "EA", "K", None),
        ],
        "freight": ("145.00", "K", None),
        "insurance": ("38.50", "K", None),
        "exemptions": [
            {
                "category": "K",
                "reason": "Livraison intracommunautaire",
                "reason_code": "VATEX-EU-IC",
            }
        ],
    },
    {
        "customer": "EU-FR-2001",
        "number": "EU-FR-0003",
        "credit_of": "EU-FR-0001",
        "lines": [
            (
                "Remote network configuration (not performed)",
                "SRV-NET",
                "2",
                "110.00",
                "HR",
                "AE",
                None,
            )
        ],
        "exemptions": [{"category": "AE", "reason": "Autoliquidation"}],
    },
    {
        "customer": "EU-NL-3001",
        "number": "EU-NL-0001",
        "lines": [
            (
                "Security training course (exempt education)",
                "TRN-SEC",
                "6",
                "350.00",
                "DAY",
                "E",
                None,
            ),
            ("Course books", "BK-SEC", "6", "42.00", "EA", "Z", None),
            ("Network switch 24 port", "SW-24", "2", "329.00", "EA", "S", "19"),
        ],
        "freight": ("12.00", "S", "19"),
        "exemptions": [
            {
                "category": "E",
                "reason": "Exempt education services (Art. 132(1)(i))",
                "reason_code": "VATEX-EU-132-1I",
            }
        ],
    },
    {
        "customer": "EU-NL-3001",
        "number": "EU-NL-0002",
        "lines": [
            ("Wireless access point", "AP-6E", "12", "219.00", "PC", "Z", None),
            ("PoE injector", "POE-1", "12", "24.95", "PC", "Z", None),
        ],
        "freight": ("35.00", "Z", None),
        "fees": [("Pallet", "18.00", "Z", None)],
    },
]


def _tax(basis: dict[tuple[str, str | None], Decimal]) -> Decimal:
    total = Decimal(0)
    for (_, rate), amount in basis.items():
        total += (amount * Decimal(rate or 0) / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    return total


def _document(scenario: dict[str, Any], index: int, today: date) -> dict[str, Any]:
    basis: dict[tuple[str, str | None], Decimal] = {}
    lines = []
    for number, (text, item, qty, price, unit, cat, rate) in enumerate(scenario["lines"], 1):
        amount = (Decimal(qty) * Decimal(price)).quantize(CENT, rounding=ROUND_HALF_UP)
        basis[(cat, rate)] = basis.get((cat, rate), Decimal(0)) + amount
        line: dict[str, Any] = {
            "line_number": number,
            "item_number": item,
            "description": text,
            "quantity": Decimal(qty),
            "unit_price": Decimal(price),
            "extended_price": amount,
            "unit_of_measure": unit,
            "vat_category": cat,
        }
        if rate is not None:
            line["vat_rate"] = Decimal(rate)
        lines.append(line)
    subtotal = sum((x["extended_price"] for x in lines), Decimal(0))
    extra = Decimal(0)
    doc: dict[str, Any] = {}
    for name in ("freight", "insurance"):
        if name in scenario:
            amount_text, cat, rate = scenario[name]
            amount = Decimal(amount_text)
            doc[name] = amount
            doc[f"{name}_vat"] = {"category": cat, **({"rate": Decimal(rate)} if rate else {})}
            basis[(cat, rate)] = basis.get((cat, rate), Decimal(0)) + amount
            extra += amount
    fees = []
    for text, amount_text, cat, rate in scenario.get("fees", []):
        amount = Decimal(amount_text)
        fees.append(
            {
                "description": text,
                "amount": amount,
                "vat": {"category": cat, **({"rate": Decimal(rate)} if rate else {})},
            }
        )
        basis[(cat, rate)] = basis.get((cat, rate), Decimal(0)) + amount
        extra += amount
    tax = _tax(basis)
    issued = today - timedelta(days=3 + 5 * index)
    credit = "credit_of" in scenario
    buyer = BUYERS[scenario["customer"]]
    doc.update(
        {
            "invoice_number": scenario["number"],
            "customer_number": scenario["customer"],
            "document_type": "credit_memo" if credit else "invoice",
            "status": "invoiced",
            "currency": "EUR",
            "invoice_date": issued,
            "due_date": issued + timedelta(days=30),
            "ship_date": issued - timedelta(days=1),
            "tax_point_date": None,
            "po_number": f"PO-{scenario['number']}",
            "payment_terms": "30 days net",
            "seller": SELLER,
            "payment_means": PAYMENT,
            "lines": lines,
            "misc_fees": fees,
            "subtotal": subtotal,
            "tax": tax,
            "total": subtotal + extra + tax,
            "vat_exemptions": scenario.get("exemptions", []),
            "ship_to": {**buyer["bill_to"]},
            **buyer,
        }
    )
    if credit:
        doc["original_invoice_number"] = scenario["credit_of"]
        doc["credit_memo_reason"] = None
    return {k: v for k, v in doc.items() if v is not None}


def eu_invoices(today: date) -> list[CanonicalInvoice]:
    """The EU demo documents, dated relative to `today`."""
    return [
        CanonicalInvoice.model_validate(_document(s, i, today)) for i, s in enumerate(SCENARIOS)
    ]
