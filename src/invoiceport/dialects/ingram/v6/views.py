"""Canonical invoice -> XI invoice details v6.1 (`InvoiceDetailsv6.1Response`) and v6 (the
same content in PascalCase). Pure: no I/O, settings or clock (docs/ingram.md maps each field).

Ingram's SDK reads these with strict models: amounts are JSON numbers written from the exact
decimal (`533.33`, never through float), quantities integers, every other value a string; a
field the invoice has no data for is left out (never `null`).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import orjson

from invoiceport.dialects.ingram.views import ZERO, decimal_number
from invoiceport.invoices.schemas import Address, CanonicalInvoice, Line

STATUSES = {"open": "Open", "invoiced": "Invoiced", "paid": "Paid", "cancelled": "Cancelled"}


def status(invoice: CanonicalInvoice) -> str | None:
    return None if invoice.status is None else STATUSES[invoice.status]


def invoice_type(invoice: CanonicalInvoice) -> str:
    return "Credit Memo" if invoice.is_credit_memo else "Invoice"


def whole(value: Decimal) -> int:
    """A quantity as the integer the schema types it as (a fractional one rounds half up)."""
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def number(value: Decimal | None) -> orjson.Fragment:
    return decimal_number(value)


def _compact(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None}


def address(value: Address | None) -> dict[str, Any] | None:
    if value is None:
        return None
    company = " ".join(n for n in (value.name, value.name2) if n) or None
    return _compact(
        {
            "contact": value.attention,
            "companyName": company,
            "addressLine1": value.address1,
            "addressLine2": value.address2,
            "addressLine3": value.address3,
            "city": value.city,
            "state": value.state,
            "postalCode": value.postal_code,
            "countryCode": value.country,
        }
    )


def line(item: Line, currency: str, serials: bool) -> dict[str, Any]:
    ordered = item.quantity if item.quantity_ordered is None else item.quantity_ordered
    out = _compact(
        {
            "ingramLineNumber": str(item.line_number),
            "customerLineNumber": item.po_line_number,
            "ingramPartNumber": item.item_number,
            "vendorPartNumber": item.manufacturer_part_number,
            "productDescription": item.description,
            "quantity": whole(item.quantity),
            "unitPrice": number(item.unit_price),
            "unitOfMeasure": item.unit_of_measure,
            "currencyCode": currency,
            "extendedPrice": number(item.extended_price),
        }
    )
    if serials:
        out["serialNumbers"] = [{"serialNumber": s} for s in item.serial_numbers]
    out["quantityOrdered"] = whole(ordered)
    if item.quantity_shipped is not None:
        out["quantityShipped"] = whole(item.quantity_shipped)
    return out


def _misc_charges(invoice: CanonicalInvoice) -> list[dict[str, Any]]:
    charges = [
        _compact(
            {
                "chargeDescription": fee.description or fee.code,
                "miscChargeLineTotal": number(fee.amount),
                "chargeLineReference": fee.code,
            }
        )
        for fee in invoice.misc_fees
    ]
    if invoice.insurance:
        charges.append(
            {
                "chargeDescription": "Insurance",
                "miscChargeLineTotal": number(invoice.insurance),
                "chargeLineReference": "INS",
            }
        )
    return charges


def _totals(invoice: CanonicalInvoice) -> dict[str, Any]:
    net = invoice.subtotal
    if net is None:
        net = invoice.total - (invoice.tax or ZERO)
    return _compact(
        {
            "netInvoiceAmount": number(net),
            "discountAmount": number(invoice.discount or ZERO),
            "totalTaxAmount": number(invoice.tax or ZERO),
            "invoicedAmountDue": number(invoice.total),
            "freightAmount": None if invoice.freight is None else number(invoice.freight),
        }
    )


def _fx(invoice: CanonicalInvoice) -> dict[str, Any]:
    company = invoice.company_currency or invoice.currency
    rate = invoice.currency_rate
    if rate is None and company == invoice.currency:
        rate = Decimal(1)
    return _compact(
        {
            "currencyCode": invoice.currency,
            "companyCurrency": company,
            "invoiceCurrency": invoice.currency,
            "currencyFxRate": None if rate is None else orjson.Fragment(format(rate, "f").encode()),
        }
    )


def _payment_terms(invoice: CanonicalInvoice) -> dict[str, Any] | None:
    if invoice.payment_terms is None and invoice.due_date is None:
        return None
    return _compact(
        {
            "paymentTermsDescription": invoice.payment_terms,
            "paymentTermsDueDate": _day(invoice.due_date),
        }
    )


def _day(value: Any) -> str | None:
    return None if value is None else str(value.isoformat())


def details(invoice: CanonicalInvoice, *, serials: bool) -> dict[str, Any]:
    """The `InvoiceDetailsv6.1Response` of an invoice (serial numbers only when asked)."""
    order_day = invoice.order_date.date() if invoice.order_date is not None else None
    out = _compact(
        {
            "invoiceNumber": invoice.invoice_number,
            "invoiceStatus": status(invoice),
            "invoiceDate": _day(invoice.invoice_date),
            "customerOrderNumber": invoice.po_number,
            "endCustomerOrderNumber": invoice.end_user_po_number,
            "orderNumber": invoice.sales_order_number,
            "orderDate": _day(order_day),
            "billToID": invoice.bill_to_account,
            "invoiceType": invoice_type(invoice),
            "invoiceDueDate": _day(invoice.due_date),
            "customerCountryCode": invoice.country_code,
            "customerNumber": invoice.customer_number,
            "ingramOrderNumber": invoice.sales_order_number,
            "paymentTermsInfo": _payment_terms(invoice),
            "billToInfo": address(invoice.bill_to),
            "shipToInfo": address(invoice.ship_to),
        }
    )
    out["lines"] = [line(item, invoice.currency, serials) for item in invoice.lines]
    out["fxRateInfo"] = _fx(invoice)
    out["summary"] = {
        "lines": {
            "productLineCount": len(invoice.lines),
            "productLineTotalQuantity": sum(whole(item.quantity) for item in invoice.lines),
        },
        "miscCharges": _misc_charges(invoice),
        "totals": _totals(invoice),
    }
    return out


def pascal(value: Any) -> Any:
    """The same document with every name in PascalCase (`invoiceNumber` -> `InvoiceNumber`,
    `billToID` -> `BillToID`): what deployed v6 clients read."""
    if isinstance(value, dict):
        return {k[:1].upper() + k[1:]: pascal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [pascal(v) for v in value]
    return value


def search_item(invoice: CanonicalInvoice) -> dict[str, Any]:
    """One of `InvoiceSearchResponse.invoices`."""
    order_day = invoice.order_date.date() if invoice.order_date is not None else None
    bids = sorted({item.special_bid_number for item in invoice.lines if item.special_bid_number})
    out = _compact(
        {
            "paymentTermsDueDate": _day(invoice.due_date),
            "erpOrderNumber": invoice.sales_order_number,
            "invoiceNumber": invoice.invoice_number,
            "invoiceStatus": status(invoice),
            "invoiceDate": _day(invoice.invoice_date),
            "invoiceDueDate": _day(invoice.due_date),
            "invoicedAmountDue": number(invoice.total),
            "customerOrderNumber": invoice.po_number,
            "endCustomerOrderNumber": invoice.end_user_po_number,
            "orderCreateDate": _day(order_day),
            "invoiceAmountInclTax": number(invoice.total),
        }
    )
    if bids:
        out["specialBidNumbers"] = bids
    return out
