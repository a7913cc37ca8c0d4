"""Request parameters as Ingram clients send them.

The seed's sample writes `customerNumber` and `isoCountryCode`, its parameter table
`customernumber` and `isocountrycode`: names are matched without regard to case. The same values
may come as the `IM-CustomerNumber` and `IM-CountryCode` headers of Ingram's newer APIs; the query
wins when both are given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from starlette.requests import Request

from invoiceport.dialects.ingram.errors import IngramError

MAX_KEY = 64  # the canonical key's limit: nothing longer can exist
_COUNTRY = re.compile(r"^[A-Za-z]{2}$")
CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")


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


def _value(request: Request, query_name: str, header: str) -> str | None:
    value = _query(request, query_name)
    if value is None:
        value = request.headers.get(header)
    value = None if value is None else value.strip()
    return value or None


def parse(request: Request, invoice_number: str) -> InvoiceRequest:
    """The three inputs, or a 400 that names the parameter."""
    if len(invoice_number) > MAX_KEY:
        raise IngramError(400, f"invoiceNumber: at most {MAX_KEY} characters")
    customer = _value(request, "customernumber", "IM-CustomerNumber")
    if customer is None:
        raise IngramError(
            400, "customerNumber is required (query customerNumber or header IM-CustomerNumber)"
        )
    if len(customer) > MAX_KEY or CONTROL_CHARS.search(customer):
        raise IngramError(400, f"customerNumber: at most {MAX_KEY} printable characters")
    country = _value(request, "isocountrycode", "IM-CountryCode")
    if country is None:
        raise IngramError(
            400, "isoCountryCode is required (query isoCountryCode or header IM-CountryCode)"
        )
    if not _COUNTRY.match(country):
        raise IngramError(400, "isoCountryCode: expected a two-letter country code such as UK")
    return InvoiceRequest(invoice_number, customer, country.upper())
