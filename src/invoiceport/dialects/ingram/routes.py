"""`GET /resellers/v5/invoices/{invoiceNumber}` and its sandbox twin (docs/ingram.md).

Order of checks: bearer token (401), rate limit (429), parameters (400), availability window of
the country (503), customer grant (403), then the lookup. Every answer after authentication
carries the rate-limit headers.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import Response

from invoiceport.clock import now
from invoiceport.context import context
from invoiceport.dialects.ingram import views
from invoiceport.dialects.ingram.dialect import DIALECT
from invoiceport.dialects.ingram.errors import IngramError
from invoiceport.dialects.ingram.params import InvoiceRequest, parse
from invoiceport.invoices import queries
from invoiceport.invoices.queries import InvoiceQuery
from invoiceport.invoices.schemas import CanonicalInvoice, StoredInvoice
from invoiceport.kit import Caller, Fetched, Found, Read, reads, route_class
from invoiceport.kit.params import CONTROL_CHARS
from invoiceport.partners.schemas import Principal
from invoiceport.reads.service import ByNumber
from invoiceport.web import JSONBytesResponse


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier (the month's last day if it has fewer)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def within_lookback(invoice: CanonicalInvoice, cutoff: date) -> bool:
    """Shown when its invoice date (an open order: its order date) is on or after the cutoff."""
    when = invoice.invoice_date or (invoice.order_date.date() if invoice.order_date else None)
    return when is None or when >= cutoff


def _read(environment: str) -> Callable[[Request], Read | None]:
    """The invoice by number among the customer's (or bill-to account's) invoices, read with the
    token; nothing when the parameters are bad (the route answers 400)."""

    def plan(request: Request) -> Read | None:
        try:
            wanted = parse(request, request.path_params["invoiceNumber"])
        except IngramError:
            return None
        if CONTROL_CHARS.search(wanted.invoice_number):
            return None  # stored numbers never have control characters (PostgreSQL: not NUL)
        return Read(ByNumber(environment, wanted.invoice_number, wanted.customer_number))

    return plan


async def find_invoice(
    request: Request, environment: str, wanted: InvoiceRequest, stored: StoredInvoice | None
) -> CanonicalInvoice | None:
    """By invoice number (`stored`, read with the token); failing that, the newest invoice of
    that sales order (the seed: "invoice information is returned by querying an Ingram Micro
    sales order number or invoice number")."""
    if CONTROL_CHARS.search(wanted.invoice_number):
        return None  # stored numbers never have control characters (PostgreSQL: not even NUL)
    if stored is None:
        query = InvoiceQuery(
            environment=environment,
            customer_numbers=(wanted.customer_number,),
            bill_to_accounts=(wanted.customer_number,),
            sales_order_number=wanted.invoice_number,
        )
        page = await queries.search(context(request).engine, query, page=1, page_size=1)
        stored = page.items[0] if page.items else None
    if stored is None:
        return None
    invoice = stored.invoice()
    months = context(request).settings.ingram_lookback_months
    cutoff = months_before(now(request).date(), months)
    return invoice if within_lookback(invoice, cutoff) else None


async def _answer(
    request: Request, principal: Principal, environment: str, found: Found
) -> Response:
    wanted = parse(request, request.path_params["invoiceNumber"])
    wait = context(request).availability.retry_after(wanted.country, now(request))
    if wait:
        message = f"the API is not available for {wanted.country} at this time"
        raise IngramError(503, message, {"Retry-After": str(wait)})
    if not principal.may_see(wanted.customer_number):
        message = f"customer number {wanted.customer_number} is not granted to this client"
        raise IngramError(403, message)
    invoice = await find_invoice(request, environment, wanted, found.invoice)
    body = views.not_found() if invoice is None else views.found(invoice)
    return JSONBytesResponse(body)


router = APIRouter(tags=["ingram"], route_class=route_class(DIALECT))


@router.get("/resellers/v5/invoices/{invoiceNumber}", summary="Invoice details (production)")
@reads(_read("production"))
async def production(request: Request, principal: Caller, found: Fetched) -> Response:
    return await _answer(request, principal, "production", found)


@router.get("/sandbox/resellers/v5/invoices/{invoiceNumber}", summary="Invoice details (sandbox)")
@reads(_read("sandbox"))
async def sandbox(request: Request, principal: Caller, found: Fetched) -> Response:
    return await _answer(request, principal, "sandbox", found)
