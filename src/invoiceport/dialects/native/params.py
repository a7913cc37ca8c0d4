"""The list's query parameters and its cursor.

Every parameter is checked (a bad one is a 400 naming it), none may be repeated, and an unknown
one is refused rather than ignored: a typo in a filter would otherwise widen the answer. The
cursor is opaque to clients (the position after the page before); it is only meaningful with
the filters of the page that gave it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import get_args

from starlette.requests import Request

from invoiceport.dialects.native.errors import bad_parameter
from invoiceport.invoices.queries import InvoiceQuery
from invoiceport.invoices.schemas import DocumentType, Status
from invoiceport.kit.params import CONTROL_CHARS, MAX_KEY, iso_date, whole_number
from invoiceport.platform.web import parse_bool

MAX_LIMIT = 100
DEFAULT_LIMIT = 25
MAX_NUMBER = 255
ENVIRONMENTS = ("production", "sandbox")
STATUSES: tuple[str, ...] = get_args(Status)
DOCUMENT_TYPES: tuple[str, ...] = get_args(DocumentType)
_TEXT = {  # parameter -> longest value
    "customer_number": MAX_KEY,
    "invoice_number": MAX_KEY,
    "sales_order_number": MAX_NUMBER,
    "po_number": MAX_NUMBER,
    "serial_number": MAX_NUMBER,
}
_OTHER = (
    "environment",
    "status",
    "document_type",
    "invoice_date_from",
    "invoice_date_to",
    "updated_since",
    "updated_until",
    "limit",
    "cursor",
    "include_total",
)
KNOWN = frozenset((*_TEXT, *_OTHER))


@dataclass(frozen=True, slots=True)
class Listing:
    query: InvoiceQuery
    customer_number: str | None
    after: int | None
    limit: int
    include_total: bool


def _values(request: Request) -> dict[str, str]:
    values: dict[str, str] = {}
    for name, value in request.query_params.multi_items():
        if name not in KNOWN:
            raise bad_parameter(name[:64], f"unknown parameter; known: {', '.join(sorted(KNOWN))}")
        if name in values:
            raise bad_parameter(name, "given more than once")
        if value == "":
            raise bad_parameter(name, "must not be empty (leave the parameter out instead)")
        values[name] = value
    return values


def _text(values: dict[str, str], name: str) -> str | None:
    value = values.get(name)
    if value is None:
        return None
    value = value.strip()
    if not value:
        raise bad_parameter(name, "must not be blank")
    if len(value) > _TEXT[name] or CONTROL_CHARS.search(value):
        raise bad_parameter(name, f"at most {_TEXT[name]} printable characters")
    return value


def _choice(values: dict[str, str], name: str, allowed: tuple[str, ...]) -> str | None:
    value = values.get(name)
    if value is not None and value not in allowed:
        raise bad_parameter(name, f"expected one of {', '.join(allowed)}, got {value[:40]!r}")
    return value


def timestamp(name: str, raw: str | None) -> datetime | None:
    """An RFC 3339 date-time with an offset (`2026-11-30T08:00:00Z`), as UTC."""
    if raw is None:
        return None
    text = raw.strip()
    try:
        if len(text) > 40 or "T" not in text.upper():
            raise ValueError(text)
        when = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        detail = f"expected an RFC 3339 date-time such as 2026-11-30T08:00:00Z, got {raw[:40]!r}"
        raise bad_parameter(name, detail) from None
    if when.tzinfo is None:
        raise bad_parameter(name, "needs a time zone offset (Z or +hh:mm)")
    return when.astimezone(UTC)


_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
PAIRS = [a + b for a in _DIGITS for b in _DIGITS]  # two digits a step: a feed page has 2,000


def base36(n: int) -> str:
    """`n` (>= 0) in base 36, lower case, no leading zeros."""
    if n < 36:
        return _DIGITS[n]
    parts = []
    while n >= 1296:
        n, r = divmod(n, 1296)
        parts.append(PAIRS[r])
    parts.append(PAIRS[n] if n >= 36 else _DIGITS[n])
    return "".join(reversed(parts))


CURSOR = re.compile(r"c([0-9a-z]{1,12})")


def encode_cursor(last_id: int) -> str:
    return "c" + base36(last_id)


def _cursor(raw: str | None) -> int | None:
    if raw is None:
        return None
    match = CURSOR.fullmatch(raw)
    if match is None:
        raise bad_parameter("cursor", "not a cursor this API gave out (use next_cursor as is)")
    return int(match.group(1), 36)


def parse_listing(request: Request, environment: str) -> Listing:
    values = _values(request)
    chosen = _choice(values, "environment", ENVIRONMENTS)
    if chosen is not None:
        if environment == "sandbox" and chosen != "sandbox":
            raise bad_parameter("environment", "the /v1/sandbox/ routes are the sandbox's")
        environment = chosen
    customer = _text(values, "customer_number")
    date_from = iso_date("invoice_date_from", values.get("invoice_date_from"))
    date_to = iso_date("invoice_date_to", values.get("invoice_date_to"))
    since = timestamp("updated_since", values.get("updated_since"))
    until = timestamp("updated_until", values.get("updated_until"))
    filters = {
        "environment": environment,
        "invoice_number": _text(values, "invoice_number"),
        "sales_order_number": _text(values, "sales_order_number"),
        "po_number": _text(values, "po_number"),
        "serial_number": _text(values, "serial_number"),
        "status": _choice(values, "status", STATUSES),
        "document_type": _choice(values, "document_type", DOCUMENT_TYPES),
        "invoice_date_from": date_from,
        "invoice_date_to": date_to,
        "updated_from": since,
        "updated_to": until,
    }
    limit = whole_number("limit", values.get("limit"), default=DEFAULT_LIMIT, low=1, high=MAX_LIMIT)
    include_total = parse_bool("include_total", values.get("include_total"), False)
    after = _cursor(values.get("cursor"))
    return Listing(
        InvoiceQuery(customer_numbers=(customer,) if customer else (), **filters),  # type: ignore[arg-type]
        customer,
        after,
        limit,
        include_total,
    )
