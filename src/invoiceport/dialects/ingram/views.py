"""Canonical invoice -> Ingram Micro InvoiceAPI v5 `serviceresponse` (docs/ingram.md).

Field names and JSON types follow Ingram's published schema (tests/contracts/ingram-xi-v5-invoice-
openapi.yaml), with the seed's field table for what each field means:

- amounts and quantities are strings with two decimals ("4500.00"; `currencyrate` six), never
  rounded: a unit price stored as 31.1250 leaves as "31.125"; `discountamount` and
  `totalotherfees` are JSON numbers (the schema says so), written from the exact decimal;
- a field the seed marks as always present (1,1) and the invoice lacks is "" for text (the seed's
  code tables call that "blank") and "0.00" for amounts; optional fields (0,1) and fields only the
  schema has are left out when there is nothing to say. Nothing is ever `null`: the schema types
  every field and has no nullable ones.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import orjson

from invoiceport.invoices.schemas import Address, CanonicalInvoice, Line

SUCCESS = {"responsestatus": "SUCCESS", "statuscode": "200", "responsemessage": "Invoice Found"}
NOT_FOUND = {
    "responsestatus": "FAILED",
    "statuscode": "EO",
    "responsemessage": "Invalid Invoice Number",
}
ZERO = Decimal(0)


def decimal_text(value: Decimal | None, places: int = 2) -> str:
    """At least `places` decimals, more only when the exact value has them (never rounded)."""
    value = ZERO if value is None else value
    if value == 0:
        value = ZERO  # no "-0.00"
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent >= -places:
        return format(value.quantize(Decimal(1).scaleb(-places)), "f")
    text = format(value, "f")
    whole, _, fraction = text.partition(".")
    return f"{whole}.{fraction.rstrip('0').ljust(places, '0')}"


def decimal_number(value: Decimal | None) -> orjson.Fragment:
    """A JSON number with the exact digits of the decimal (orjson writes the fragment as is)."""
    return orjson.Fragment(decimal_text(value).encode())


def _text(value: str | None) -> str:
    return "" if value is None else value


def address(value: Address | None) -> dict[str, str]:
    if value is None:
        return {}
    fields = {
        "attention": value.attention,
        "name1": value.name,
        "name2": value.name2,
        "addressline1": value.address1,
        "addressline2": value.address2,
        "addressline3": value.address3,
        "city": value.city,
        "state": value.state,
        "postalcode": value.postal_code,
        "countrycode": value.country,
    }
    return {k: v for k, v in fields.items() if v is not None}


def line(item: Line) -> dict[str, Any]:
    out: dict[str, Any] = {
        "linenumber": str(item.line_number),
        "globallinenumber": _text(item.global_line_number),
        "partnumber": _text(item.item_number),
        "vendorpartnumber": _text(item.manufacturer_part_number),
        "partdescription": _text(item.description),
        "shipfrombranch": _text(item.ship_from_branch),
        "shippedquantity": decimal_text(item.quantity_shipped),
        "orderedquantity": decimal_text(
            item.quantity if item.quantity_ordered is None else item.quantity_ordered
        ),
    }
    if item.quantity_backordered is not None:
        out["backorderquantity"] = decimal_text(item.quantity_backordered)
    if item.backorder_eta is not None:
        out["backorderetadate"] = item.backorder_eta.isoformat()
    out |= {
        "extendedprice": decimal_text(item.extended_price),
        "specialbidnumber": _text(item.special_bid_number),
        "ordersuffix": _text(item.order_suffix),
        "unitprice": decimal_text(item.unit_price),
        "unitofmeasure": _text(item.unit_of_measure),
    }
    if item.serial_numbers:
        out["serialnumberdetails"] = [_serial(s, item.delivery_number) for s in item.serial_numbers]
    if item.tracking_numbers:
        out["trackingnumberdetails"] = [{"trackingnumber": t} for t in item.tracking_numbers]
    if item.extended_specs:
        out["productextendedspecs"] = [
            {"attributename": s.name, "attributevalue": _text(s.value)} for s in item.extended_specs
        ]
    return out


def _serial(serial: str, delivery: str | None) -> dict[str, str]:
    return {"serialnumber": serial} | ({"deliverynumber": delivery} if delivery else {})


def _fees(invoice: CanonicalInvoice) -> list[dict[str, str]]:
    """Misc fee lines; insurance (no field of its own here) is shown as one more fee line."""
    fees = [
        {
            "code": _text(fee.code),
            "description": _text(fee.description),
            "chargeamount": decimal_text(fee.amount),
        }
        for fee in invoice.misc_fees
    ]
    if invoice.insurance:
        fees.append(
            {
                "code": "INS",
                "description": "Insurance",
                "chargeamount": decimal_text(invoice.insurance),
            }
        )
    return fees


def _currency_rate(invoice: CanonicalInvoice) -> str:
    if invoice.currency_rate is not None:
        return decimal_text(invoice.currency_rate, 6)
    if invoice.company_currency in (None, invoice.currency):
        return "1.000000"
    return ""  # two currencies and no rate: unknown, and the seed's field is mandatory


def _ship_complete(value: bool | None) -> str:
    return "" if value is None else ("Y" if value else "N")


def invoice_detail(invoice: CanonicalInvoice) -> dict[str, Any]:
    """The `invoicedetailresponse` object, in the order of the seed's field table."""
    out: dict[str, Any] = {
        "customernumber": invoice.customer_number,
        "invoicenumber": invoice.invoice_number,
    }
    if invoice.invoice_date is not None:
        out["invoicedate"] = invoice.invoice_date.isoformat()
    out["invoicetype"] = "CREDIT MEMO" if invoice.is_credit_memo else "INVOICE"
    out |= {
        "customerordernumber": _text(invoice.po_number),
        "customerfreightamount": decimal_text(invoice.freight),
        "customerforeignfrightamt": decimal_text(invoice.foreign_freight),
        "totaltaxamount": decimal_text(invoice.tax),
        "totalamount": decimal_text(invoice.total),
        "shiptosuffix": _text(invoice.ship_to_suffix),
        "billtosuffix": _text(invoice.bill_to_suffix),
    }
    if invoice.freight is not None:
        out["freightamount"] = decimal_text(invoice.freight)
    out["billto"] = address(invoice.bill_to)
    out["paymentterms"] = _text(invoice.payment_terms)
    if invoice.order_date is not None:
        out["orderdate"] = invoice.order_date.date().isoformat()
    option = invoice.shipping_option
    out |= {
        "carrier": _text(option.code if option else None),
        "carrierdescription": _text(option.description if option else None),
        "discountamount": decimal_number(invoice.discount),
        "enduserponumber": _text(invoice.end_user_po_number),
        "freightforwardercode": _text(invoice.freight_forwarder_code),
        "creditmemoreasoncode": _text(invoice.credit_memo_reason),
        "holdreason": _text(invoice.hold_reason),
        "shipcomplete": _ship_complete(invoice.ship_complete),
    }
    ship_date = invoice.ship_date or (invoice.shipment.date if invoice.shipment else None)
    if ship_date is not None:
        out["shipdate"] = ship_date.isoformat()
    out |= {
        "companycurrency": invoice.company_currency or invoice.currency,
        "currencycode": invoice.currency,
        "currencyrate": _currency_rate(invoice),
        "globalorderid": _text(invoice.sales_order_number),
        "originalshipcode": _text(invoice.shipment.number if invoice.shipment else None),
    }
    if invoice.sales_type is not None:
        out["ordertype"] = invoice.sales_type
    out["orderstatus"] = _text(invoice.order_status)
    fees = _fees(invoice)
    if fees:
        out["totalotherfees"] = decimal_number(
            sum((f.amount for f in invoice.misc_fees), invoice.insurance or ZERO)
        )
    if invoice.ship_to is not None:
        out["shiptoaddress"] = address(invoice.ship_to)
    out["totalsales"] = decimal_text(invoice.total - (invoice.tax or ZERO))
    if invoice.weight is not None:
        out["weight"] = decimal_text(invoice.weight)
    out["lines"] = [line(item) for item in invoice.lines]
    if invoice.extended_specs:
        out["extendedspecs"] = [
            {"attributename": s.name, "attributevalue": _text(s.value)}
            for s in invoice.extended_specs
        ]
    if fees:
        out["miscfeeline"] = fees
    return out


def found(invoice: CanonicalInvoice) -> dict[str, Any]:
    return {
        "serviceresponse": {
            "responsepreamble": dict(SUCCESS),
            "invoicedetailresponse": invoice_detail(invoice),
        }
    }


def not_found() -> dict[str, Any]:
    return {"serviceresponse": {"responsepreamble": dict(NOT_FOUND)}}


def failure(status: int, message: str) -> dict[str, Any]:
    """The envelope of an HTTP error: the preamble names the status and the problem."""
    preamble = {"responsestatus": "FAILED", "statuscode": str(status), "responsemessage": message}
    return {"serviceresponse": {"responsepreamble": preamble}}
