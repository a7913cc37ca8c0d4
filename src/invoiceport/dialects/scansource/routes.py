"""The four routes of the ScanSource OpenAPI seed, under `/api` (the seed's server URL ends there).

Every route does the same things in the same order, so that no answer depends on data the caller
may not see: subscription key (401), customer grant (403), parameters (400), `Accept` (406); only
then is the store read (404 for an unknown invoice). Reads go through `invoices.queries`.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from invoiceport.dialects.scansource import media, params, views, xml
from invoiceport.dialects.scansource.dialect import DIALECT
from invoiceport.dialects.scansource.errors import forbidden_customer, invoice_not_found
from invoiceport.invoices.schemas import CanonicalInvoice, StoredInvoice
from invoiceport.kit import (
    Caller,
    Fetched,
    Found,
    Read,
    letterhead,
    reads,
    render_cache,
    route_class,
)
from invoiceport.kit.params import can_be_key
from invoiceport.partners.schemas import Principal
from invoiceport.pdf.http import stored_invoice_pdf
from invoiceport.platform.context import context
from invoiceport.platform.web import ApiError
from invoiceport.reads.service import ByKey

router = APIRouter(prefix="/api/invoice", include_in_schema=False, route_class=route_class(DIALECT))

CustomerNumber = Annotated[str, Path(alias="customerNumber")]
InvoiceNumber = Annotated[str, Path(alias="invoiceNumber")]
Pairs = list[tuple[StoredInvoice, CanonicalInvoice]]
ItemKey = media.ItemKey


def require_customer(principal: Principal, customer_number: str) -> None:
    """403 unless the partner is granted this customer number (which covers its invoices)."""
    if not principal.may_see(customer_number):
        raise forbidden_customer()


def _respond(body: bytes, media_type: str, headers: dict[str, str] | None = None) -> Response:
    """JSON or XML, labelled with the media type the client asked for."""
    all_headers = {"Vary": "Accept", **(headers or {})}
    return Response(body, media_type=f"{media_type}; charset=utf-8", headers=all_headers)


def _parse(request: Request, customer_number: str) -> params.Search:
    limit = context(request).settings.scansource_max_page_size
    return params.parse_search(request.query_params, customer_number, limit)


def _page_read(prefix_of: Callable[[Request], ItemKey]) -> Callable[[Request], Read]:
    """The page the summary or list route shows, read with the key (`prefix_of`: its items' views
    in the render cache); nothing when a parameter is bad (the route answers 400) or no stored
    invoice can match."""

    def plan(request: Request) -> Read:
        customer = request.path_params["customerNumber"]
        accept = request.headers.get("accept")
        search = partial(_parse, request, customer)
        return params.page_read(customer, search, accept, lambda: prefix_of(request))

    return plan


def _summary_items(_request: Request) -> ItemKey:
    return (DIALECT.name, "summary")


def _list_items(request: Request) -> ItemKey:
    return (DIALECT.name, "detail", not params.exclude_serial_tracking(request.query_params))


def _page(found: Found) -> tuple[int, list[StoredInvoice]]:
    """The page read with the key: none when no stored invoice can match the search."""
    if found.page is None:
        return 0, []
    return found.page.total, found.page.items


def _pairs(items: list[StoredInvoice]) -> Pairs:
    return [(stored, stored.invoice()) for stored in items]


def _paging_headers(search: params.Search, total: int) -> dict[str, str]:
    return {
        "X-Total-Count": str(total),
        "X-Page": str(search.page),
        "X-Page-Size": str(search.page_size),
    }


@router.get("/summary/{customerNumber}")
@reads(_page_read(_summary_items))
async def invoice_summary(
    request: Request, principal: Caller, customer_number: CustomerNumber, found: Fetched
) -> Response:
    """A page of invoice summaries, newest first (seed `getInvoiceSummary`)."""
    require_customer(principal, customer_number)
    search = _parse(request, customer_number)
    chosen = media.negotiate(request.headers.get("accept"), media.DATA_TYPES)
    total, items = _page(found)
    headers = _paging_headers(search, total)
    if media.is_xml(chosen):
        return _respond(xml.summary_xml(_pairs(items)), chosen, headers)
    rendered = found.fragments(render_cache(request), _summary_items(request), _summary_json)
    body = views.summary_page(rendered, total, search.page, search.page_size)
    return _respond(views.dump_json(body), chosen, headers)


def _summary_json(stored: StoredInvoice) -> bytes:
    return views.dump_json(views.summary_item(stored, stored.invoice()))


@router.get("/list/{customerNumber}")
@reads(_page_read(_list_items))
async def invoice_list(
    request: Request, principal: Caller, customer_number: CustomerNumber, found: Fetched
) -> Response:
    """A page of full invoice details (seed `listInvoices`)."""
    require_customer(principal, customer_number)
    serials = not params.exclude_serial_tracking(request.query_params)
    search = _parse(request, customer_number)
    chosen = media.negotiate(request.headers.get("accept"), media.DATA_TYPES)
    total, items = _page(found)
    headers = _paging_headers(search, total)
    if media.is_xml(chosen):
        return _respond(xml.list_xml(_pairs(items), serials=serials), chosen, headers)
    view = partial(_detail_json, serials=serials)
    rendered = found.fragments(render_cache(request), _list_items(request), view)
    body = views.list_page(rendered, total)
    return _respond(views.dump_json(body), chosen, headers)


def _detail_read(request: Request) -> Read:
    """The invoice the detail and PDF routes show, read with the key. Nothing when the path
    holds no possible key (the route then answers 403 or 404 itself); no cache key when the
    query or Accept header is bad (the route answers 400 or 406)."""
    customer_number = request.path_params["customerNumber"]
    invoice_number = request.path_params["invoiceNumber"]
    if not (can_be_key(customer_number) and can_be_key(invoice_number)):
        return Read(account=customer_number)
    lookup = ByKey(params.ENVIRONMENT, customer_number, invoice_number)
    if not request.scope["path"].startswith("/api/invoice/detail/"):
        return Read(lookup, account=customer_number)
    try:
        serials = not params.exclude_serial_tracking(request.query_params)
        chosen = media.negotiate(request.headers.get("accept"), media.DATA_TYPES)
    except ApiError:
        return Read(lookup, account=customer_number)
    representation = "xml" if media.is_xml(chosen) else "json"
    key: Hashable = (DIALECT.name, representation, customer_number, invoice_number, serials)
    return Read(lookup, key, account=customer_number)


@router.get("/detail/{customerNumber}/{invoiceNumber}")
@reads(_detail_read)
async def invoice_detail(
    request: Request,
    principal: Caller,
    customer_number: CustomerNumber,
    invoice_number: InvoiceNumber,
    found: Fetched,
) -> Response:
    """One invoice with its lines, serial and tracking numbers (seed `getInvoiceDetail`)."""
    require_customer(principal, customer_number)
    serials = not params.exclude_serial_tracking(request.query_params)
    chosen = media.negotiate(request.headers.get("accept"), media.DATA_TYPES)
    if not found.exists:
        raise invoice_not_found()
    view = partial(_detail_xml if media.is_xml(chosen) else _detail_json, serials=serials)
    return _respond(found.render(render_cache(request), view), chosen)


def _detail_json(stored: StoredInvoice, *, serials: bool) -> bytes:
    return views.dump_json(views.detail(stored, stored.invoice(), serials=serials))


def _detail_xml(stored: StoredInvoice, *, serials: bool) -> bytes:
    return xml.detail_xml(stored, stored.invoice(), serials=serials)


@router.get("/pdf/{customerNumber}/{invoiceNumber}")
@reads(_detail_read)
async def invoice_pdf(
    request: Request,
    principal: Caller,
    customer_number: CustomerNumber,
    invoice_number: InvoiceNumber,
    found: Fetched,
) -> Response:
    """The invoice as a PDF, with an ETag per stored version (seed `getInvoicePdf`)."""
    require_customer(principal, customer_number)
    media.negotiate(request.headers.get("accept"), media.PDF_TYPES)
    stored = found.invoice
    if stored is None:
        raise invoice_not_found()
    response = await stored_invoice_pdf(
        request,
        stored,
        letterhead(request),
        partner_id=principal.partner_id,
        etag_source=f"{params.ENVIRONMENT}/{customer_number}/{invoice_number}/{stored.version}",
        filename=f"{invoice_number}.pdf",
    )
    response.headers["Vary"] = "Accept"
    return response
