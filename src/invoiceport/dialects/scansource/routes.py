"""The four routes of the ScanSource OpenAPI seed, under `/api` (the seed's server URL ends there).

Every route does the same things in the same order, so that no answer depends on data the caller
may not see: subscription key (401), customer grant (403), parameters (400), `Accept` (406); only
then is the store read (404 for an unknown invoice). Reads go through `invoices.queries`.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response
from fastapi.routing import APIRoute

from invoiceport.dialects.scansource import media, params, views, xml
from invoiceport.dialects.scansource.auth import LIMIT_HEADERS, require_customer, require_principal
from invoiceport.dialects.scansource.errors import invoice_not_found
from invoiceport.invoices import queries
from invoiceport.invoices.schemas import CanonicalInvoice, StoredInvoice
from invoiceport.partners.schemas import Principal
from invoiceport.pdf import Letterhead
from invoiceport.pdf.http import stored_invoice_pdf
from invoiceport.web import ApiError, services


class LimitedRoute(APIRoute):
    """Puts the rate-limit headers (when a limit applies) on every answer after authentication,
    errors included; a 401 has none, as there is no one to count yet."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def limited(request: Request) -> Response:
            try:
                response = await handler(request)
            except ApiError as exc:
                extra = getattr(request.state, LIMIT_HEADERS, None)
                if extra:
                    exc.headers = {**extra, **(exc.headers or {})}
                raise
            response.headers.update(getattr(request.state, LIMIT_HEADERS, None) or {})
            return response

        return limited


router = APIRouter(prefix="/api/invoice", include_in_schema=False, route_class=LimitedRoute)

PrincipalDep = Annotated[Principal, Depends(require_principal)]
CustomerNumber = Annotated[str, Path(alias="customerNumber")]
InvoiceNumber = Annotated[str, Path(alias="invoiceNumber")]
Pairs = list[tuple[StoredInvoice, CanonicalInvoice]]


def _respond(body: bytes, media_type: str, headers: dict[str, str] | None = None) -> Response:
    """JSON or XML, labelled with the media type the client asked for."""
    all_headers = {"Vary": "Accept", **(headers or {})}
    return Response(body, media_type=f"{media_type}; charset=utf-8", headers=all_headers)


def _is_xml(media_type: str) -> bool:
    return media_type in (media.XML, media.TEXT_XML)


def _parse(request: Request, customer_number: str) -> params.Search:
    limit = services(request).settings.scansource_max_page_size
    return params.parse_search(request.query_params, customer_number, limit)


async def _read(request: Request, search: params.Search) -> tuple[int, Pairs]:
    """One page of the search and the exact number of matches."""
    if search.impossible:
        return 0, []
    page = await queries.search(
        services(request).engine, search.query, page=search.page, page_size=search.page_size
    )
    return page.total, [(stored, stored.invoice()) for stored in page.items]


def _paging_headers(search: params.Search, total: int) -> dict[str, str]:
    return {
        "X-Total-Count": str(total),
        "X-Page": str(search.page),
        "X-Page-Size": str(search.page_size),
    }


@router.get("/summary/{customerNumber}")
async def invoice_summary(
    request: Request, principal: PrincipalDep, customer_number: CustomerNumber
) -> Response:
    """A page of invoice summaries, newest first (seed `getInvoiceSummary`)."""
    require_customer(principal, customer_number)
    search = _parse(request, customer_number)
    chosen = media.negotiate(request.headers.get("accept"), media.DATA_TYPES)
    total, items = await _read(request, search)
    headers = _paging_headers(search, total)
    if _is_xml(chosen):
        return _respond(xml.summary_xml(items), chosen, headers)
    body = views.summary_page(items, total, search.page, search.page_size)
    return _respond(views.dump_json(body), chosen, headers)


@router.get("/list/{customerNumber}")
async def invoice_list(
    request: Request, principal: PrincipalDep, customer_number: CustomerNumber
) -> Response:
    """A page of full invoice details (seed `listInvoices`)."""
    require_customer(principal, customer_number)
    serials = not params.exclude_serial_tracking(request.query_params)
    search = _parse(request, customer_number)
    chosen = media.negotiate(request.headers.get("accept"), media.DATA_TYPES)
    total, items = await _read(request, search)
    headers = _paging_headers(search, total)
    if _is_xml(chosen):
        return _respond(xml.list_xml(items, serials=serials), chosen, headers)
    body = views.list_page(items, total, serials=serials)
    return _respond(views.dump_json(body), chosen, headers)


async def _find(request: Request, customer_number: str, invoice_number: str) -> StoredInvoice:
    if not params.can_be_key(invoice_number):
        raise invoice_not_found()  # no such number can be stored: do not ask the database
    found = await queries.get_invoice(
        services(request).engine, params.ENVIRONMENT, customer_number, invoice_number
    )
    if found is None:
        raise invoice_not_found()
    return found


@router.get("/detail/{customerNumber}/{invoiceNumber}")
async def invoice_detail(
    request: Request,
    principal: PrincipalDep,
    customer_number: CustomerNumber,
    invoice_number: InvoiceNumber,
) -> Response:
    """One invoice with its lines, serial and tracking numbers (seed `getInvoiceDetail`)."""
    require_customer(principal, customer_number)
    serials = not params.exclude_serial_tracking(request.query_params)
    chosen = media.negotiate(request.headers.get("accept"), media.DATA_TYPES)
    stored = await _find(request, customer_number, invoice_number)
    if _is_xml(chosen):
        return _respond(xml.detail_xml(stored, stored.invoice(), serials=serials), chosen)
    cache: views.DetailCache = request.app.state.scansource_details
    body = views.detail_json(stored, (customer_number, invoice_number, serials), cache)
    return _respond(body, chosen)


@router.get("/pdf/{customerNumber}/{invoiceNumber}")
async def invoice_pdf(
    request: Request,
    principal: PrincipalDep,
    customer_number: CustomerNumber,
    invoice_number: InvoiceNumber,
) -> Response:
    """The invoice as a PDF, with an ETag per stored version (seed `getInvoicePdf`)."""
    require_customer(principal, customer_number)
    media.negotiate(request.headers.get("accept"), media.PDF_TYPES)
    stored = await _find(request, customer_number, invoice_number)
    letterhead: Letterhead = request.app.state.scansource_letterhead
    response = await stored_invoice_pdf(
        request,
        stored,
        letterhead,
        partner_id=principal.partner_id,
        etag_source=f"{params.ENVIRONMENT}/{customer_number}/{invoice_number}/{stored.version}",
        filename=f"{invoice_number}.pdf",
    )
    response.headers["Vary"] = "Accept"
    return response
