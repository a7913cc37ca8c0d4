"""Canonical invoice -> the classic ScanSource XML (`Accept: application/xml` or `text/xml`).

Element names and order are those of the classic docs: `Invoice` (seed 002) and
`ArrayOfInvoiceSummary`/`InvoiceSummary` (seed 003), with the .NET `XmlSerializer` namespace
declarations. Values the classic docs lack but the OpenAPI seed has (customer number, invoice
and due dates, subtotal, status, a line's quantity and extended price) follow the classic
elements, under PascalCase names, so a classic deserialiser that ignores unknown elements still
reads the document.
The list route answers `ArrayOfInvoice`; paging is in the `X-Total-Count`, `X-Page` and
`X-Page-Size` headers, as the classic XML has no envelope for it.

Classic `DateTime` elements (`ShipDate`, `Cancelled`) are written as `xs:dateTime`; a date without
a time becomes midnight (`2025-01-18T00:00:00`). Amounts keep their exact digits.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from xml.etree.ElementTree import Element, SubElement, tostring

from invoiceport.dialects.scansource.views import doc_type, quantity, subtotal, timestamp
from invoiceport.invoices.schemas import Address, CanonicalInvoice, Line, StoredInvoice

NAMESPACES = {
    "xmlns:xsd": "http://www.w3.org/2001/XMLSchema",
    "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
}
# Characters XML 1.0 cannot carry at all; replaced rather than producing a broken document.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

Value = str | int | Decimal | date | datetime | None


def _text(value: Value) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        return timestamp(value)
    if isinstance(value, date):
        return value.isoformat() + "T00:00:00"
    return _NOT_XML.sub("\ufffd", str(value))


def _add(parent: Element, name: str, value: Value) -> None:
    if value is not None:
        SubElement(parent, name).text = _text(value)


def _strings(parent: Element, name: str, values: list[str]) -> None:
    container = SubElement(parent, name)
    for value in values:
        SubElement(container, "string").text = _text(value)


def _address(parent: Element, name: str, value: Address | None) -> None:
    if value is None:
        return
    element = SubElement(parent, name)
    _add(element, "Name", value.name)
    _add(element, "Attn", value.attention)
    _add(element, "Street1", value.address1)
    _add(element, "Street2", value.address2)
    _add(element, "City", value.city)
    _add(element, "State", value.state)
    _add(element, "PostalCode", value.postal_code)
    _add(element, "Country", value.country)


def _q(value: Decimal | None) -> int | Decimal | None:
    return None if value is None else quantity(value)


def _line(parent: Element, index: int, line: Line, currency: str, serials: bool) -> None:
    element = SubElement(parent, "InvoiceLine")
    _add(element, "Id", index)
    _add(element, "LineNumber", line.line_number)
    _add(element, "POLineNumber", line.po_line_number)
    _add(element, "ReferenceLineNumber", line.reference_line_number)
    _add(element, "ItemNumber", line.item_number)
    _add(element, "ProductMfrPart", line.manufacturer_part_number)
    _add(element, "ItemDescription", line.description)
    _add(element, "ItemCatCode", line.category_code)
    _add(element, "Ordered", _q(line.quantity_ordered))
    _add(element, "Committed", _q(line.quantity_committed))
    _add(element, "BackOrdered", _q(line.quantity_backordered))
    _add(element, "Shipped", _q(line.quantity_shipped))
    _add(element, "Price", line.unit_price)
    _add(element, "Currency", currency)
    _add(element, "DeliveryNumber", line.delivery_number)
    _add(element, "DeliveryLineNumber", line.delivery_line_number)
    if serials:
        _strings(element, "SerialNumbers", line.serial_numbers)
    # additions
    _add(element, "Quantity", quantity(line.quantity))
    _add(element, "ExtendedPrice", line.extended_price)
    if serials:
        _strings(element, "TrackingNumbers", line.tracking_numbers)


def invoice_element(
    stored: StoredInvoice, invoice: CanonicalInvoice, *, serials: bool, root: bool
) -> Element:
    element = Element("Invoice", NAMESPACES if root else {})
    rep = invoice.sales_rep
    option = invoice.shipping_option
    _add(element, "InvoiceNumber", invoice.invoice_number)
    _add(element, "SalesOrderNumber", invoice.sales_order_number)
    _address(element, "BillingAddress", invoice.bill_to)
    _address(element, "ShippingAddress", invoice.ship_to)
    _add(element, "PONumber", invoice.po_number)
    _add(element, "EndUserPO", invoice.end_user_po_number)
    _add(element, "ReferenceNumber", invoice.reference_number)
    _add(element, "ShipDate", invoice.ship_date)
    _add(element, "Cancelled", invoice.cancelled_at)
    _add(element, "DocType", doc_type(invoice))
    _add(element, "SalesRepCode", rep.code if rep else None)
    _add(element, "SalesRepName", rep.name if rep else None)
    _add(element, "SalesRepEmail", rep.email if rep else None)
    _add(element, "FreightAmount", invoice.freight)
    _add(element, "TaxAmount", invoice.tax)
    _add(element, "InsuranceAmount", invoice.insurance)
    _add(element, "Total", invoice.total)
    _add(element, "Currency", invoice.currency)
    _add(element, "EnteredByEmail", invoice.entered_by_email)
    _add(element, "ShippingOption", option.code if option else None)
    _add(element, "ShippingOptionDescription", option.description if option else None)
    lines = SubElement(element, "InvoiceLines")
    for index, line in enumerate(invoice.lines, start=1):
        _line(lines, index, line, invoice.currency, serials)
    if serials:
        _strings(element, "TrackingNumbers", invoice.tracking_numbers)
    # additions
    _add(element, "CustomerNumber", invoice.customer_number)
    _add(element, "InvoiceDate", invoice.invoice_date)
    _add(element, "DueDate", invoice.due_date)
    _add(element, "Subtotal", subtotal(invoice))
    _add(element, "Status", invoice.status)
    _add(element, "DateEntered", stored.created_at)
    _add(element, "LastChanged", stored.updated_at)
    return element


def summary_element(stored: StoredInvoice, invoice: CanonicalInvoice) -> Element:
    element = Element("InvoiceSummary")
    option = invoice.shipping_option
    _add(element, "OrderNumber", invoice.sales_order_number)
    _add(element, "InvoiceNumber", invoice.invoice_number)
    _add(element, "PONumber", invoice.po_number)
    _add(element, "DocType", doc_type(invoice))
    _add(element, "Total", invoice.total)
    _add(element, "ShippingOption", option.code if option else None)
    _add(element, "ShippingOptionDescription", option.description if option else None)
    _add(element, "DateEntered", stored.created_at)
    _add(element, "LastChanged", stored.updated_at)
    # additions
    _add(element, "InvoiceDate", invoice.invoice_date)
    _add(element, "Currency", invoice.currency)
    _add(element, "Status", invoice.status)
    return element


def _document(root: Element) -> bytes:
    document: bytes = tostring(root, encoding="utf-8", xml_declaration=True)
    return document


def detail_xml(stored: StoredInvoice, invoice: CanonicalInvoice, *, serials: bool) -> bytes:
    return _document(invoice_element(stored, invoice, serials=serials, root=True))


def summary_xml(items: list[tuple[StoredInvoice, CanonicalInvoice]]) -> bytes:
    root = Element("ArrayOfInvoiceSummary", NAMESPACES)
    root.extend(summary_element(stored, invoice) for stored, invoice in items)
    return _document(root)


def list_xml(items: list[tuple[StoredInvoice, CanonicalInvoice]], *, serials: bool) -> bytes:
    root = Element("ArrayOfInvoice", NAMESPACES)
    root.extend(
        invoice_element(stored, invoice, serials=serials, root=False) for stored, invoice in items
    )
    return _document(root)
