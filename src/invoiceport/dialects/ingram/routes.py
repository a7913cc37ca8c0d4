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

from invoiceport.dialects.ingram import views
from invoiceport.dialects.ingram.dialect import DIALECT
from invoiceport.dialects.ingram.errors import IngramError
from invoiceport.dialects.ingram.params import InvoiceRequest, parse
from invoiceport.invoices import queries
from invoiceport.invoices.queries import InvoiceQuery
from invoiceport.invoices.schemas import CanonicalInvoice, StoredInvoice
from invoiceport.kit import Caller, Fetched, Found, Read, reads, render_cache, route_class
from invoiceport.kit.params import CONTROL_CHARS
from invoiceport.partners.schemas import Principal
from invoiceport.platform.clock import now
from invoiceport.platform.context import context
from invoiceport.platform.web import JSONBytesResponse, dump_json
from invoiceport.reads.service import ByNumber


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier (the month's last day if it has fewer)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def within_lookback(invoice: CanonicalInvoice, cutoff: date) -> bool:
    """Shown when its invoice date (an open order: its order date) is on or after the cutoff."""
    when = invoice.invoice_date or (invoice.order_date.date() if invoice.order_date else None)
    return dated_within(when, cutoff)


def dated_within(when: date | None, cutoff: date) -> bool:
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
            # Stored numbers never have control characters (PostgreSQL: not NUL): no lookup.
            return Read(account=wanted.customer_number)
        lookup = ByNumber(environment, wanted.invoice_number, wanted.customer_number)
        key = (DIALECT.name, environment, wanted.customer_number, wanted.invoice_number)
        return Read(lookup, key, account=wanted.customer_number)

    return plan


def _cutoff(request: Request) -> date:
    months = context(request).settings.ingram_lookback_months
    return months_before(now(request).date(), months)


async def by_sales_order(
    request: Request, environment: str, wanted: InvoiceRequest
) -> CanonicalInvoice | None:
    """The newest invoice of the sales order (the seed: "invoice information is returned by
    querying an Ingram Micro sales order number or invoice number"), within the lookback."""
    if CONTROL_CHARS.search(wanted.invoice_number):
        return None  # stored numbers never have control characters (PostgreSQL: not even NUL)
    query = InvoiceQuery(
        environment=environment,
        customer_numbers=(wanted.customer_number,),
        bill_to_accounts=(wanted.customer_number,),
        sales_order_number=wanted.invoice_number,
    )
    page = await queries.search(context(request).engine, query, page=1, page_size=1)
    if not page.items:
        return None
    invoice = page.items[0].invoice()
    return invoice if within_lookback(invoice, _cutoff(request)) else None


def _found_json(stored: StoredInvoice) -> bytes:
    return dump_json(views.found(stored.invoice()))


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
    if found.exists:  # by invoice number, read with the token
        if dated_within(found.dated, _cutoff(request)):
            rendered = found.render(render_cache(request), _found_json)
            return Response(rendered, media_type=JSONBytesResponse.media_type)
        return JSONBytesResponse(views.not_found())
    invoice = await by_sales_order(request, environment, wanted)
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
