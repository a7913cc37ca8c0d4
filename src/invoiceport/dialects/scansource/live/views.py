"""Canonical invoice -> the current generation's JSON (pure): the classic PascalCase names of
seeds 002 (detail) and 003 (summary), as deployed clients read them.

Every classic field is present (null when we have no value, as the .NET service sends it); the
OpenAPI seed's values the classic docs lack (`CustomerNumber`, `InvoiceDate`, `DueDate`,
`SubTotal`, `Status`, a line's `Quantity` and `ExtendedPrice`) follow under PascalCase names.
Each line carries `Shipments`, always an array: one entry per tracking number of the line, with
the ship date and delivery number where the invoice has them. Amounts are JSON numbers with the
stored digits; whole quantities are integers. Dates are `xs:dateTime` without a zone
(`2025-01-18T00:00:00`), as the classic XML writes them.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from invoiceport.dialects.scansource.views import doc_type, quantity, subtotal, timestamp
from invoiceport.invoices.schemas import Address, CanonicalInvoice, Line, StoredInvoice

JsonObject = dict[str, Any]


def day_time(value: date | None) -> str | None:
    return None if value is None else f"{value.isoformat()}T00:00:00"


def moment(value: datetime | None) -> str | None:
    return None if value is None else timestamp(value)


def _q(value: Decimal | None) -> int | Decimal | None:
    return None if value is None else quantity(value)


def address(value: Address | None) -> JsonObject | None:
    if value is None:
        return None
    return {
        "Name": value.name,
        "Attn": value.attention,
        "Street1": value.address1,
        "Street2": value.address2,
        "City": value.city,
        "State": value.state,
        "PostalCode": value.postal_code,
        "Country": value.country,
    }


def shipments(line: Line, invoice: CanonicalInvoice) -> list[JsonObject]:
    """The line's shipments: one per tracking number (none: an empty array)."""
    shipment = invoice.shipment
    shipped = (shipment.date if shipment else None) or invoice.ship_date
    return [
        {
            "TrackingNumber": number,
            "ShipDate": day_time(shipped),
            "DeliveryNumber": line.delivery_number,
            "DeliveryDate": None,
        }
        for number in line.tracking_numbers
    ]


def line_item(line: Line, invoice: CanonicalInvoice, *, serials: bool) -> JsonObject:
    return {
        "LineNumber": line.line_number,
        "POLineNumber": line.po_line_number,
        "ReferenceLineNumber": line.reference_line_number,
        "ItemNumber": line.item_number,
        "ProductMfrPart": line.manufacturer_part_number,
        "ItemDescription": line.description,
        "ItemCatCode": line.category_code,
        "Ordered": _q(line.quantity_ordered),
        "Committed": _q(line.quantity_committed),
        "BackOrdered": _q(line.quantity_backordered),
        "Shipped": _q(line.quantity_shipped),
        "Price": line.unit_price,
        "Currency": invoice.currency,
        "DeliveryNumber": line.delivery_number,
        "DeliveryLineNumber": line.delivery_line_number,
        "SerialNumbers": list(line.serial_numbers) if serials else [],
        "Shipments": shipments(line, invoice) if serials else [],
        "Quantity": quantity(line.quantity),
        "ExtendedPrice": line.extended_price,
    }


def detail(stored: StoredInvoice, invoice: CanonicalInvoice, *, serials: bool = True) -> JsonObject:
    """One invoice (seed 002's `Invoice`); `serials=False` empties serial and tracking data."""
    rep = invoice.sales_rep
    option = invoice.shipping_option
    return {
        "InvoiceNumber": invoice.invoice_number,
        "SalesOrderNumber": invoice.sales_order_number,
        "BillingAddress": address(invoice.bill_to),
        "ShippingAddress": address(invoice.ship_to),
        "PONumber": invoice.po_number,
        "EndUserPO": invoice.end_user_po_number,
        "ReferenceNumber": invoice.reference_number,
        "ShipDate": day_time(invoice.ship_date),
        "Cancelled": moment(invoice.cancelled_at),
        "DocType": doc_type(invoice),
        "SalesRepCode": rep.code if rep else None,
        "SalesRepName": rep.name if rep else None,
        "SalesRepEmail": rep.email if rep else None,
        "FreightAmount": invoice.freight,
        "TaxAmount": invoice.tax,
        "InsuranceAmount": invoice.insurance,
        "Total": invoice.total,
        "Currency": invoice.currency,
        "EnteredByEmail": invoice.entered_by_email,
        "ShippingOption": option.code if option else None,
        "ShippingOptionDescription": option.description if option else None,
        "InvoiceLines": [line_item(each, invoice, serials=serials) for each in invoice.lines],
        "TrackingNumbers": list(invoice.tracking_numbers) if serials else [],
        "CustomerNumber": invoice.customer_number,
        "InvoiceDate": day_time(invoice.invoice_date),
        "DueDate": day_time(invoice.due_date),
        "SubTotal": subtotal(invoice),
        "Status": invoice.status,
    }


def summary(stored: StoredInvoice, invoice: CanonicalInvoice) -> JsonObject:
    """One entry of the summary array (seed 003's `InvoiceSummary`)."""
    option = invoice.shipping_option
    return {
        "OrderNumber": invoice.sales_order_number,
        "InvoiceNumber": invoice.invoice_number,
        "PONumber": invoice.po_number,
        "DocType": doc_type(invoice),
        "Total": invoice.total,
        "ShippingOption": option.code if option else None,
        "ShippingOptionDescription": option.description if option else None,
        "DateEntered": timestamp(stored.created_at),
        "LastChanged": timestamp(stored.updated_at),
        "InvoiceDate": day_time(invoice.invoice_date),
        "Currency": invoice.currency,
    }
