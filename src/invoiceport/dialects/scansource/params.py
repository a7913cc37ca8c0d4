"""The query parameters of the seed's routes, parsed by hand so that every bad one gets a 400 that
names it (in the APIM error shape), and so that the checks run after authentication.

Rules (docs/scansource.md): `page` counts from 1; `pageSize` from 1 to the configured maximum;
dates are `YYYY-MM-DD` and inclusive; an empty filter (`?poNumber=`) means no filter; a filter value
no stored invoice can have (control characters, over 255 characters) matches nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from starlette.datastructures import QueryParams

from invoiceport.dialects.scansource.errors import bad_parameter
from invoiceport.invoices.queries import InvoiceQuery
from invoiceport.web import parse_bool

ENVIRONMENT = "production"
"""The ScanSource dialect serves production data only; sandbox invoices are not visible here."""

DEFAULT_PAGE_SIZE = 20
MAX_PAGE = 2_147_483_647
MAX_TEXT = 255  # the canonical model's limit for these text fields
MAX_KEY = 64  # the canonical model's limit for invoice and customer numbers

_DIGITS = re.compile(r"[0-9]{1,12}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class Search:
    """A parsed summary or list request: the shared query object plus paging."""

    query: InvoiceQuery
    page: int
    page_size: int
    impossible: bool
    """True when a filter can match no stored invoice, so the store need not be asked."""


def _show(value: str) -> str:
    return repr(value[:40] + ("..." if len(value) > 40 else ""))


def parse_int(params: QueryParams, name: str, default: int, low: int, high: int) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    text = raw.strip()
    if not _DIGITS.fullmatch(text) or not low <= int(text) <= high:
        raise bad_parameter(
            f"{name}: expected a whole number from {low} to {high}, got {_show(raw)}"
        )
    return int(text)


def parse_date(params: QueryParams, name: str) -> date | None:
    raw = params.get(name)
    if raw is None or raw.strip() == "":
        return None
    text = raw.strip()
    try:
        if not _DATE.fullmatch(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise bad_parameter(f"{name}: expected a date YYYY-MM-DD, got {_show(raw)}") from None


def _text(params: QueryParams, name: str) -> str | None:
    raw = params.get(name)
    return None if raw is None or raw == "" else raw


def can_be_stored(value: str, limit: int = MAX_TEXT) -> bool:
    """Whether a stored invoice could hold this value (the canonical model's text rules)."""
    return len(value) <= limit and not _CONTROL.search(value)


def can_be_key(value: str) -> bool:
    """Whether an invoice or customer number with this text can exist at all."""
    return 0 < len(value) <= MAX_KEY and value == value.strip() and can_be_stored(value)


def parse_search(params: QueryParams, customer_number: str, max_page_size: int) -> Search:
    page = parse_int(params, "page", 1, 1, MAX_PAGE)
    page_size = parse_int(params, "pageSize", DEFAULT_PAGE_SIZE, 1, max_page_size)
    from_date = parse_date(params, "fromDate")
    to_date = parse_date(params, "toDate")
    invoice_number = _text(params, "invoiceNumber")
    sales_order_number = _text(params, "salesOrderNumber")
    po_number = _text(params, "poNumber")
    query = InvoiceQuery(
        environment=ENVIRONMENT,
        customer_numbers=(customer_number,),
        invoice_number=invoice_number,
        sales_order_number=sales_order_number,
        po_number=po_number,
        invoice_date_from=from_date,
        invoice_date_to=to_date,
    )
    impossible = (invoice_number is not None and not can_be_key(invoice_number)) or any(
        value is not None and not can_be_stored(value) for value in (sales_order_number, po_number)
    )
    return Search(query, page, page_size, impossible)


def exclude_serial_tracking(params: QueryParams) -> bool:
    value = params.get("excludeSerialTracking")
    return parse_bool("excludeSerialTracking", None if value == "" else value, False)
