"""Canonical invoice documents for tests, as the JSON a supplier would send."""

from __future__ import annotations

import copy
from typing import Any

from invoiceport.ops.demo_eu import SELLER


def invoice_doc(
    number: str = "INV-1001", customer: str = "C100", **overrides: Any
) -> dict[str, Any]:
    """A small valid invoice whose amounts add up; overrides replace top-level fields."""
    doc: dict[str, Any] = {
        "invoice_number": number,
        "customer_number": customer,
        "currency": "USD",
        "invoice_date": "2026-10-01",
        "due_date": "2026-10-31",
        "status": "invoiced",
        "sales_order_number": "SO-77",
        "po_number": "PO-55",
        "subtotal": "4530.00",
        "tax": "362.40",
        "freight": "12.50",
        "total": "4904.90",
        "lines": [
            {
                "line_number": 1,
                "item_number": "ZEB-1",
                "description": "Barcode scanner",
                "quantity": 6,
                "unit_price": "750.00",
                "extended_price": "4500.00",
                "serial_numbers": ["S1", "S2"],
            },
            {
                "line_number": 2,
                "item_number": "LBL-4",
                "description": "Labels",
                "quantity": 4,
                "unit_price": "7.5000",
                "extended_price": "30.00",
            },
        ],
    }
    doc.update(copy.deepcopy(overrides))
    return doc


def with_every_field(doc: dict[str, Any]) -> dict[str, Any]:
    """`doc` (a demo invoice as JSON) with every optional field the first demo invoice leaves
    out filled in, so that every field of the ingest contract is exercised once."""
    doc |= {
        "hold_reason": "C3",
        "credit_memo_reason": "DF",
        "end_user_po_number": "EU-1",
        "insurance": "0.00",
        "discount": "0.00",
        "original_invoice_number": "IN-1",
        "cancelled_at": "2026-10-02T10:00:00Z",
        "freight_forwarder_code": "FF1",
        "ship_complete": True,
        "foreign_freight": "1.00",
        "extended_specs": [{"name": "warranty", "value": "3y"}],
        # EN 16931 (docs/canonical-invoice.md)
        "seller": SELLER,
        "buyer": {"vat_id": "DE987654321", "electronic_address": {"id": "X1", "scheme": "0088"}},
        "buyer_reference": "04011000-1",
        "tax_point_date": "2026-10-01",
        "freight_vat": {"category": "S", "rate": "19"},
        "insurance_vat": {"category": "S", "rate": "19"},
        "discount_vat": {"category": "S", "rate": "19"},
        "vat_exemptions": [{"category": "E", "reason": "Exempt", "reason_code": "VATEX-EU-132"}],
        "payment_means": {"code": "58", "iban": "DE89370400440532013000", "bic": "COBADEFFXXX"},
    }
    doc["lines"][0] |= {
        "category_code": "SCN",
        "po_line_number": "1",
        "reference_line_number": "9",
        "special_bid_number": "SB-1",
        "delivery_number": "D1",
        "delivery_line_number": "10",
        "backorder_eta": "2026-12-01",
        "extended_specs": [{"name": "colour", "value": "black"}],
        "vat_category": "S",
        "vat_rate": "19",
        "unit_code": "H87",
    }
    return doc
