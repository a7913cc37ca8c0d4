"""Invoice details: `GET /resellers/v6.1/invoices/{invoiceNumber}` (camelCase) and
`GET /resellers/v6/invoices/{invoiceNumber}` (the same content in PascalCase), each also under
`/sandbox` (docs/ingram.md).

Order of checks, as v5's: bearer token (401), rate limit (429), parameters (400), availability
window of the country (503), customer grant (403), then the invoice within the lookback window
(404 when there is none). `customerType=order` finds the newest invoice of the sales order of
that number instead.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from invoiceport.dialects.ingram.params import InvoiceRequest
from invoiceport.dialects.ingram.routes import by_sales_order, dated_within, months_before
from invoiceport.dialects.ingram.v6 import views
from invoiceport.dialects.ingram.v6.dialect import DIALECT
from invoiceport.dialects.ingram.v6.errors import field_error
from invoiceport.dialects.ingram.v6.params import Caller as Asker
from invoiceport.dialects.ingram.v6.params import caller, caller_or_none, choice, flag
from invoiceport.invoices.schemas import CanonicalInvoice, StoredInvoice
from invoiceport.kit import Caller, Fetched, Found, Read, reads, render_cache, route_class
from invoiceport.kit.params import CONTROL_CHARS, MAX_KEY
from invoiceport.partners.schemas import Principal
from invoiceport.platform.clock import now
from invoiceport.platform.context import context
from invoiceport.platform.web import ApiError, JSONBytesResponse, dump_json
from invoiceport.reads.service import ByNumber

Number = Annotated[str, Path(alias="invoiceNumber", description="The Ingram Micro invoice number")]
View = Callable[[CanonicalInvoice, bool], Any]


def camel(invoice: CanonicalInvoice, serials: bool) -> Any:
    return views.details(invoice, serials=serials)


def pascal(invoice: CanonicalInvoice, serials: bool) -> Any:
    return views.pascal(views.details(invoice, serials=serials))


def cutoff(request: Request) -> date:
    """The lookback window's first day (`INVOICEPORT_INGRAM_LOOKBACK_MONTHS`, as v5)."""
    return months_before(now(request).date(), context(request).settings.ingram_lookback_months)


def check_window(request: Request, asker: Asker, principal: Principal) -> None:
    """Availability of the country (503), then the customer grant (403)."""
    wait = context(request).availability.retry_after(asker.country, now(request))
    if wait:
        message = f"the API is not available for {asker.country} at this time"
        raise ApiError(503, message, headers={"Retry-After": str(wait)})
    if not principal.may_see(asker.customer_number):
        message = f"customer number {asker.customer_number} is not granted to this client"
        raise ApiError(403, message)


def _by_order(request: Request) -> bool:
    try:
        return choice(request, "customerType", ("invoice", "order"), "invoice") == "order"
    except ApiError:
        return False


def _plan(version: str, environment: str) -> Callable[[Request], Read | None]:
    def plan(request: Request) -> Read | None:
        asker = caller_or_none(request)
        if asker is None:
            return None
        number = request.path_params["invoiceNumber"]
        if _by_order(request) or CONTROL_CHARS.search(number) or len(number) > MAX_KEY:
            return Read(account=asker.customer_number)
        try:
            serials = flag(request, "includeSerialNumbers")
        except ApiError:
            return Read(account=asker.customer_number)
        lookup = ByNumber(environment, number, asker.customer_number)
        key = (DIALECT.name, version, environment, asker.customer_number, number, serials)
        return Read(lookup, key, account=asker.customer_number)

    return plan


def _render(view: View, serials: bool) -> Callable[[StoredInvoice], bytes]:
    return lambda stored: dump_json(view(stored.invoice(), serials))


async def _answer(
    request: Request,
    principal: Principal,
    number: str,
    environment: str,
    found: Found,
    view: View,
) -> Response:
    asker = caller(request)
    if len(number) > MAX_KEY or CONTROL_CHARS.search(number):
        raise field_error("invoiceNumber", number, f"invoiceNumber: at most {MAX_KEY} characters")
    by_order = choice(request, "customerType", ("invoice", "order"), "invoice") == "order"
    serials = flag(request, "includeSerialNumbers")
    check_window(request, asker, principal)
    if by_order:
        wanted = InvoiceRequest(number, asker.customer_number, asker.country)
        invoice = await by_sales_order(request, environment, wanted)
        if invoice is not None:
            return JSONBytesResponse(view(invoice, serials))
    elif found.exists and dated_within(found.dated, cutoff(request)):
        body = found.render(render_cache(request), _render(view, serials))
        return Response(body, media_type=JSONBytesResponse.media_type)
    raise ApiError(404, f"invoice {number[:40]!r} not found")


router = APIRouter(tags=["ingram-xi"], route_class=route_class(DIALECT))


def _route(path: str, version: str, environment: str, view: View, summary: str) -> None:
    @router.get(path, summary=summary)
    @reads(_plan(version, environment))
    async def details(
        request: Request, principal: Caller, found: Fetched, number: Number
    ) -> Response:
        return await _answer(request, principal, number, environment, found, view)

    details.__name__ = f"details_{version.replace('.', '')}_{environment}"


for _prefix, _environment in (("", "production"), ("/sandbox", "sandbox")):
    _route(
        f"{_prefix}/resellers/v6.1/invoices/{{invoiceNumber}}",
        "v6.1",
        _environment,
        camel,
        f"Invoice details v6.1 ({_environment})",
    )
    _route(
        f"{_prefix}/resellers/v6/invoices/{{invoiceNumber}}",
        "v6",
        _environment,
        pascal,
        f"Invoice details v6, PascalCase ({_environment})",
    )
