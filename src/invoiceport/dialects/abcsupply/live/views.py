"""Canonical invoice -> the live by-id JSON (pure): the history item plus the parties, the branch,
the credit/rebill reason and every line with ABC's quantity objects.

Money and quantities are JSON numbers with exactly the stored digits (`views.dumps`). What the
canonical invoice does not hold (a branch's name and town, a price conversion other than 1) is
null or 1, never made up.
"""

from __future__ import annotations

from typing import Any

from invoiceport.dialects.abcsupply import views
from invoiceport.invoices.schemas import CanonicalInvoice, Line

PRICE_CONVERSION_FACTOR = 1
"""Prices are per unit of the billed quantity: one priced unit is one shipped unit."""


def _party(number: str | None, name: str | None) -> dict[str, Any]:
    return {"number": number, "name": name}


def line(value: Line) -> dict[str, Any]:
    uom = value.unit_of_measure
    shipped = value.quantity_shipped if value.quantity_shipped is not None else value.quantity
    return {
        "lineNumber": value.line_number,
        "itemNumber": value.item_number,
        "itemDescription": value.description,
        "shippedQty": {"value": shipped, "uom": uom},
        "priceQty": {
            "value": value.quantity,
            "uom": uom,
            "priceConversionFactor": PRICE_CONVERSION_FACTOR,
        },
        "pricePerUnitAmount": value.unit_price,
        "extendedPriceAmount": value.extended_price,
    }


def by_id(invoice: CanonicalInvoice) -> dict[str, Any]:
    """`GET /api/invoice/v1/invoices/id/{invoiceId}`: every line, never capped."""
    bill_to_name = invoice.bill_to.name if invoice.bill_to else None
    body = views.item(invoice)
    body.update(
        billTo=_party(invoice.bill_to_account or invoice.customer_number, bill_to_name),
        soldTo=_party(invoice.customer_number, bill_to_name),
        branch={"number": invoice.branch_number, "name": None, "city": None, "state": None},
        creditRebillReason=invoice.credit_memo_reason,
        lines=[line(each) for each in invoice.lines],
    )
    return body
