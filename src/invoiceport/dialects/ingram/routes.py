"""`GET /resellers/v5/invoices/{invoiceNumber}` and its sandbox twin (docs/ingram.md).

Order of checks: bearer token (401), rate limit (429), parameters (400), availability window of
the country (503), customer grant (403), then the lookup. Every answer after authentication
carries the rate-limit headers.
"""

from __future__ import annotations

import calendar
from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import Response

from invoiceport import ratelimit
from invoiceport.clock import now
from invoiceport.dialects.ingram import views
from invoiceport.dialects.ingram.errors import IngramError, render_error
from invoiceport.dialects.ingram.params import CONTROL_CHARS, InvoiceRequest, parse
from invoiceport.invoices import queries
from invoiceport.invoices.queries import InvoiceQuery
from invoiceport.invoices.schemas import CanonicalInvoice
from invoiceport.partners.oauth import AuthError, bearer_principal
from invoiceport.partners.schemas import INVOICE_READ, Principal
from invoiceport.ratelimit.availability import Availability
from invoiceport.web import JSONBytesResponse, services

DIALECT = "ingram"
DEFAULT_LIMIT = "60 per 60 seconds"  # the seed's "Rate Limiting" table


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


async def find_invoice(
    request: Request, environment: str, wanted: InvoiceRequest
) -> CanonicalInvoice | None:
    """By invoice number; failing that, the newest invoice of that sales order (the seed: "invoice
    information is returned by querying an Ingram Micro sales order number or invoice number")."""
    if CONTROL_CHARS.search(wanted.invoice_number):
        return None  # stored numbers never have control characters (PostgreSQL: not even NUL)
    engine = services(request).engine
    customers = frozenset({wanted.customer_number})
    stored = await queries.find_by_number(engine, environment, wanted.invoice_number, customers)
    if stored is None:
        query = InvoiceQuery(
            environment=environment,
            customer_numbers=(wanted.customer_number,),
            bill_to_accounts=(wanted.customer_number,),
            sales_order_number=wanted.invoice_number,
        )
        page = await queries.search(engine, query, page=1, page_size=1)
        stored = page.items[0] if page.items else None
    if stored is None:
        return None
    invoice = stored.invoice()
    months = services(request).settings.ingram_lookback_months
    cutoff = months_before(now(request).date(), months)
    return invoice if within_lookback(invoice, cutoff) else None


def availability(request: Request) -> Availability:
    """The windows `install` parsed (an app without them: none, always available)."""
    found: Availability | None = getattr(request.app.state, "ingram_availability", None)
    return found or Availability({})


async def _answer(
    request: Request, principal: Principal, environment: str, invoice_number: str
) -> Response:
    wanted = parse(request, invoice_number)
    wait = availability(request).retry_after(wanted.country, now(request))
    if wait:
        message = f"the API is not available for {wanted.country} at this time"
        raise IngramError(503, message, {"Retry-After": str(wait)})
    if not principal.may_see(wanted.customer_number):
        message = f"customer number {wanted.customer_number} is not granted to this client"
        raise IngramError(403, message)
    invoice = await find_invoice(request, environment, wanted)
    body = views.not_found() if invoice is None else views.found(invoice)
    return JSONBytesResponse(body)


async def invoice_details(request: Request, environment: str, invoice_number: str) -> Response:
    try:
        principal = await bearer_principal(request, scope=INVOICE_READ)
    except AuthError as exc:
        headers = {"WWW-Authenticate": exc.www_authenticate} if exc.www_authenticate else None
        return render_error(exc.status_code, exc.message, None, headers)
    decision = await ratelimit.check(request, DIALECT, principal, default=DEFAULT_LIMIT)
    limit_headers = decision.headers if decision is not None else {}
    if decision is not None and not decision.allowed:
        status, message, headers = decision.refusal
        return render_error(status, message, None, headers)
    try:
        response = await _answer(request, principal, environment, invoice_number)
    except IngramError as exc:
        response = render_error(exc.status, exc.message, None, exc.headers)
    response.headers.update(limit_headers)
    return response


def router() -> APIRouter:
    routes = APIRouter(tags=["ingram"])

    @routes.get("/resellers/v5/invoices/{invoiceNumber}", summary="Invoice details (production)")
    async def production(request: Request, invoiceNumber: str) -> Response:
        return await invoice_details(request, "production", invoiceNumber)

    @routes.get(
        "/sandbox/resellers/v5/invoices/{invoiceNumber}", summary="Invoice details (sandbox)"
    )
    async def sandbox(request: Request, invoiceNumber: str) -> Response:
        return await invoice_details(request, "sandbox", invoiceNumber)

    return routes
