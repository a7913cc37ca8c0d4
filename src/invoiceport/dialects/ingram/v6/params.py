"""XI request parameters: the four `IM-` headers of every call, and each route's query.

`IM-CustomerNumber` and `IM-CountryCode` may also come as the query parameters `customerNumber`
and `isoCountryCode` (a connector appends them from an order link; names matched in any case, as
v5's); the header wins when both are given, both are checked. `IM-CorrelationID` and
`IM-ApplicationID` are required, as in Ingram's spec, at most 32 characters. A bad value is a
400 naming the parameter (`errors.field_error`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from starlette.requests import Request

from invoiceport.dialects.ingram.v6.errors import field_error
from invoiceport.kit.params import CONTROL_CHARS, MAX_KEY
from invoiceport.platform.web import ApiError

_COUNTRY = re.compile(r"^[A-Za-z]{2}$")
MAX_ID = 32


@dataclass(frozen=True, slots=True)
class Caller:
    """Who asks: the customer (or bill-to account) and the country of the call."""

    customer_number: str
    country: str


def query_value(request: Request, name: str) -> str | None:
    """The value of a query parameter, its name matched in any case (the last one given)."""
    wanted = name.lower()
    found = None
    for key, value in request.query_params.multi_items():
        if key.lower() == wanted:
            found = value
    return found


def text(field: str, value: str | None, limit: int) -> str | None:
    """Printable text of at most `limit` characters; blank is absent."""
    if value is None:
        return None
    stripped = value.strip()
    if len(stripped) > limit or CONTROL_CHARS.search(stripped):
        raise field_error(field, value, f"{field} must be at most {limit} printable characters")
    return stripped or None


def _either(request: Request, header: str, query: str) -> str | None:
    from_header = text(header, request.headers.get(header), MAX_KEY)
    from_query = text(query, query_value(request, query), MAX_KEY)
    return from_header if from_header is not None else from_query


def caller(request: Request) -> Caller:
    """The `IM-` headers, checked in the order of Ingram's spec."""
    customer = _either(request, "IM-CustomerNumber", "customerNumber")
    if customer is None:
        raise field_error("IM-CustomerNumber", "", "IM-CustomerNumber is blank")
    country = _either(request, "IM-CountryCode", "isoCountryCode")
    if country is None:
        raise field_error("IM-CountryCode", "", "IM-CountryCode is blank")
    if not _COUNTRY.match(country):
        raise field_error("IM-CountryCode", country, "IM-CountryCode is invalid")
    for header in ("IM-CorrelationID", "IM-ApplicationID"):
        if text(header, request.headers.get(header), MAX_ID) is None:
            raise field_error(header, "", f"{header} is blank")
    return Caller(customer, country.upper())


def caller_or_none(request: Request) -> Caller | None:
    """`caller`, or None when a header is bad (a read plan must not raise)."""
    try:
        return caller(request)
    except ApiError:
        return None


def flag(request: Request, name: str) -> bool:
    """A boolean query parameter: `true` or `false` (any case), absent is false."""
    raw = query_value(request, name)
    if raw is None or raw.strip() == "":
        return False
    value = raw.strip().lower()
    if value not in ("true", "false"):
        raise field_error(name, raw, f"{name} must be true or false")
    return value == "true"


def choice(request: Request, name: str, allowed: tuple[str, ...], default: str) -> str:
    """One of `allowed` (matched in any case), `default` when absent or blank."""
    raw = query_value(request, name)
    if raw is None or raw.strip() == "":
        return default
    for value in allowed:
        if raw.strip().lower() == value.lower():
            return value
    raise field_error(name, raw, f"{name} must be one of {', '.join(allowed)}")
