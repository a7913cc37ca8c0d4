"""The query parameters of the seed's routes, parsed by hand so that every bad one gets a 400 that
names it (in the APIM error shape), and so that the checks run after authentication.

Rules (docs/scansource.md): `page` counts from 1; `pageSize` from 1 to the configured maximum;
dates are `YYYY-MM-DD` and inclusive; an empty filter (`?poNumber=`) means no filter; a filter value
no stored invoice can have (control characters, over 255 characters) matches nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from starlette.datastructures import QueryParams

from invoiceport.dialects.scansource import media
from invoiceport.invoices.queries import InvoiceQuery
from invoiceport.kit import Read
from invoiceport.kit.params import can_be_key, can_be_stored, iso_date, whole_number
from invoiceport.platform.web import ApiError, parse_bool
from invoiceport.reads.service import PageOf

ENVIRONMENT = "production"
"""The ScanSource dialect serves production data only; sandbox invoices are not visible here."""

DEFAULT_PAGE_SIZE = 20
MAX_PAGE = 2_147_483_647


@dataclass(frozen=True, slots=True)
class Search:
    """A parsed summary or list request: the shared query object plus paging."""

    query: InvoiceQuery
    page: int
    page_size: int
    impossible: bool
    """True when a filter can match no stored invoice, so the store need not be asked."""


def parse_int(params: QueryParams, name: str, default: int, low: int, high: int) -> int:
    return whole_number(name, params.get(name), default=default, low=low, high=high)


def parse_date(params: QueryParams, name: str) -> date | None:
    return iso_date(name, params.get(name))


def _text(params: QueryParams, name: str) -> str | None:
    raw = params.get(name)
    return None if raw is None or raw == "" else raw


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


def page_read(
    customer: str,
    search: Callable[[], Search],
    accept: str | None,
    prefix_of: Callable[[], media.ItemKey],
) -> Read:
    """What a summary or list route (either generation) reads with the credential: the page
    of `search()`, its JSON items' views under `prefix_of()` (`media.json_items`); nothing but
    the grant when a parameter is bad (the route answers 400) or no stored invoice can match."""
    try:
        found = search()
    except ApiError:
        return Read(account=customer)
    if found.impossible or not can_be_key(customer):
        return Read(account=customer)
    page = PageOf(found.query, found.page, found.page_size)
    return Read(page, account=customer, items=media.json_items(accept, prefix_of))
