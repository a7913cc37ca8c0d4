"""Canonical invoice -> the ScanSource OpenAPI seed's JSON (camelCase), plus the classic fields.

The seed's properties come first and keep its names and types. Fields only the classic docs (seeds
002 and 003) have are added under their classic name in camelCase, acronyms as words the way the
seed itself writes `PONumber` as `poNumber`: `EndUserPO` -> `endUserPo`, `BackOrdered` ->
`backOrdered`. Absent values are left out rather than sent as null (the seed's schemas are not
nullable).

Money: the seed types amounts as JSON `number`. They are written as numbers with exactly the
stored digits (`4904.90`, never through float): orjson emits each `Decimal` as a raw JSON fragment.
Quantities are `integer` in the seed and are sent as integers when whole (`6`, not `6.000000`).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import orjson

from invoiceport.invoices.schemas import Address, CanonicalInvoice, Line, StoredInvoice
from invoiceport.platform.web import dump_json_numbers

JsonObject = dict[str, Any]


dump_json = dump_json_numbers


def quantity(value: Decimal) -> int | Decimal:
    """Whole quantities as integers (the seed's `integer`); others keep their exact digits."""
    return int(value) if value == value.to_integral_value() else value.normalize()


def timestamp(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


def doc_type(invoice: CanonicalInvoice) -> str:
    """The classic `DocType`: `Invoice` or `Credit Memo`."""
    return "Credit Memo" if invoice.is_credit_memo else "Invoice"


def subtotal(invoice: CanonicalInvoice) -> Decimal:
    """The given subtotal, or the sum of the lines (what the canonical checks take it to be)."""
    if invoice.subtotal is not None:
        return invoice.subtotal
    return sum((line.extended_price for line in invoice.lines), Decimal(0))


def _compact(pairs: dict[str, Any]) -> JsonObject:
    return {key: value for key, value in pairs.items() if value is not None}


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _q(value: Decimal | None) -> int | Decimal | None:
    return None if value is None else quantity(value)


def address(value: Address | None) -> JsonObject | None:
    if value is None:
        return None
    return _compact(
        {
            "name": value.name,
            "address1": value.address1,
            "city": value.city,
            "state": value.state,
            "postalCode": value.postal_code,
            "country": value.country,
            # classic
            "attn": value.attention,
            "address2": value.address2,
        }
    )


def line_item(line: Line, currency: str, *, serials: bool) -> JsonObject:
    item = _compact(
        {
            "lineNumber": line.line_number,
            "itemNumber": line.item_number,
            "manufacturerPartNumber": line.manufacturer_part_number,
            "description": line.description,
            "quantity": quantity(line.quantity),
            "unitPrice": line.unit_price,
            "extendedPrice": line.extended_price,
            # classic
            "poLineNumber": line.po_line_number,
            "referenceLineNumber": line.reference_line_number,
            "itemCatCode": line.category_code,
            "ordered": _q(line.quantity_ordered),
            "committed": _q(line.quantity_committed),
            "backOrdered": _q(line.quantity_backordered),
            "shipped": _q(line.quantity_shipped),
            "currency": currency,
            "deliveryNumber": line.delivery_number,
            "deliveryLineNumber": line.delivery_line_number,
        }
    )
    if serials:
        item["serialNumbers"] = list(line.serial_numbers)
        item["trackingNumbers"] = list(line.tracking_numbers)
    return item


def summary_item(stored: StoredInvoice, invoice: CanonicalInvoice) -> JsonObject:
    option = invoice.shipping_option
    return _compact(
        {
            "invoiceNumber": invoice.invoice_number,
            "salesOrderNumber": invoice.sales_order_number,
            "poNumber": invoice.po_number,
            "invoiceDate": _day(invoice.invoice_date),
            "totalAmount": invoice.total,
            "currency": invoice.currency,
            "status": invoice.status,
            # classic (seed 003)
            "docType": doc_type(invoice),
            "shippingOption": option.code if option else None,
            "shippingOptionDescription": option.description if option else None,
            "dateEntered": timestamp(stored.created_at),
            "lastChanged": timestamp(stored.updated_at),
        }
    )


def detail(stored: StoredInvoice, invoice: CanonicalInvoice, *, serials: bool = True) -> JsonObject:
    """The seed's `InvoiceDetail`; `serials=False` drops serial and tracking numbers."""
    rep = invoice.sales_rep
    option = invoice.shipping_option
    body = _compact(
        {
            "invoiceNumber": invoice.invoice_number,
            "salesOrderNumber": invoice.sales_order_number,
            "poNumber": invoice.po_number,
            "customerNumber": invoice.customer_number,
            "invoiceDate": _day(invoice.invoice_date),
            "dueDate": _day(invoice.due_date),
            "billToAddress": address(invoice.bill_to),
            "shipToAddress": address(invoice.ship_to),
            "lineItems": [
                line_item(line, invoice.currency, serials=serials) for line in invoice.lines
            ],
            "subtotal": subtotal(invoice),
            "tax": invoice.tax,
            "shippingCost": invoice.freight,
            "totalAmount": invoice.total,
            "currency": invoice.currency,
            # classic (seed 002) and the summary's status
            "status": invoice.status,
            "docType": doc_type(invoice),
            "endUserPo": invoice.end_user_po_number,
            "referenceNumber": invoice.reference_number,
            "shipDate": _day(invoice.ship_date),
            "cancelled": timestamp(invoice.cancelled_at) if invoice.cancelled_at else None,
            "salesRepCode": rep.code if rep else None,
            "salesRepName": rep.name if rep else None,
            "salesRepEmail": rep.email if rep else None,
            "freightAmount": invoice.freight,
            "insuranceAmount": invoice.insurance,
            "enteredByEmail": invoice.entered_by_email,
            "shippingOption": option.code if option else None,
            "shippingOptionDescription": option.description if option else None,
            "dateEntered": timestamp(stored.created_at),
            "lastChanged": timestamp(stored.updated_at),
        }
    )
    if serials:
        body["trackingNumbers"] = list(invoice.tracking_numbers)
    return body


def summary_page(items: list[orjson.Fragment], total: int, page: int, page_size: int) -> JsonObject:
    """The seed's summary page around its items, each already rendered (`summary_item`)."""
    return {"totalCount": total, "page": page, "pageSize": page_size, "invoices": items}


def list_page(items: list[orjson.Fragment], total: int) -> JsonObject:
    """The seed's list page around its items, each an already rendered `detail`."""
    return {"totalCount": total, "invoices": items}
