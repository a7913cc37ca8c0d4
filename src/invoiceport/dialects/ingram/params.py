"""Request parameters as Ingram clients send them.

The seed's sample writes `customerNumber` and `isoCountryCode`, its parameter table
`customernumber` and `isocountrycode`: names are matched without regard to case. The same values
may come as the `IM-CustomerNumber` and `IM-CountryCode` headers of Ingram's newer APIs; the query
wins when both are given, but both are checked (an invalid header is refused, not ignored).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from starlette.requests import Request

from invoiceport.dialects.ingram.errors import IngramError
from invoiceport.kit.params import CONTROL_CHARS, MAX_KEY

_COUNTRY = re.compile(r"^[A-Za-z]{2}$")


@dataclass(frozen=True, slots=True)
class InvoiceRequest:
    invoice_number: str
    customer_number: str
    country: str


def _query(request: Request, name: str) -> str | None:
    for key, value in request.query_params.multi_items():
        if key.lower() == name:
            return value
    return None


def _checked(name: str, value: str | None) -> str | None:
    """A given value is checked even when another source wins: bad input is never ignored."""
    if value is None:
        return None
    value = value.strip()
    if len(value) > MAX_KEY or CONTROL_CHARS.search(value):
        raise IngramError(400, f"{name}: at most {MAX_KEY} printable characters")
    return value or None


def _value(request: Request, query_name: str, query_label: str, header: str) -> str | None:
    from_query = _checked(query_label, _query(request, query_name))
    from_header = _checked(header, request.headers.get(header))
    return from_query if from_query is not None else from_header


def parse(request: Request, invoice_number: str) -> InvoiceRequest:
    """The three inputs, or a 400 that names the parameter."""
    if len(invoice_number) > MAX_KEY:
        raise IngramError(400, f"invoiceNumber: at most {MAX_KEY} characters")
    customer = _value(request, "customernumber", "customerNumber", "IM-CustomerNumber")
    if customer is None:
        raise IngramError(
            400, "customerNumber is required (query customerNumber or header IM-CustomerNumber)"
        )
    country = _value(request, "isocountrycode", "isoCountryCode", "IM-CountryCode")
    if country is None:
        raise IngramError(
            400, "isoCountryCode is required (query isoCountryCode or header IM-CountryCode)"
        )
    if not _COUNTRY.match(country):
        raise IngramError(400, "isoCountryCode: expected a two-letter country code such as UK")
    return InvoiceRequest(invoice_number, customer, country.upper())
