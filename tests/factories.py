"""Canonical invoice documents for tests, as the JSON a supplier would send."""

from __future__ import annotations

import copy
from typing import Any


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
