"""`/scsc/invoice/v1/{summary,list,detail,pdf}`: ScanSource's current generation, query parameters
only, beside the seed's routes and over the same read path.

Order of checks, as on the seed routes: key and token (401), parameters needed to know the
customer (400), customer grant (403), the other parameters (400), `Accept` (406), then the
store (404 for an unknown invoice). `summary` and `list` answer bare arrays, with the seed's
paging headers (`X-Total-Count`, `X-Page`, `X-Page-Size`).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from functools import partial
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from invoiceport.dialects.scansource import media
from invoiceport.dialects.scansource import params as seed_params
from invoiceport.dialects.scansource.errors import forbidden_customer, invoice_not_found
from invoiceport.dialects.scansource.live import params, views, xml
from invoiceport.dialects.scansource.live.dialect import DIALECT, GENERATION
from invoiceport.dialects.scansource.views import dump_json
from invoiceport.invoices.schemas import StoredInvoice
from invoiceport.kit import (
    Caller,
    Fetched,
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

router = APIRouter(prefix="/scsc/invoice/v1", tags=["invoices"], route_class=route_class(DIALECT))


def _query(request: Request) -> Any:
    return params.canonical(request.query_params)


def _customer(request: Request, principal: Principal) -> Any:
    """The canonical query, once the partner is known to be granted its customer number."""
    query = _query(request)
    customer = params.required(query, "customerNumber")
    if not principal.may_see(customer):
        raise forbidden_customer()
    return query


def _search(request: Request, query: Any) -> seed_params.Search:
    limit = context(request).settings.scansource_max_page_size
    return seed_params.parse_search(query, query.get("customerNumber", ""), limit)


ItemKey = media.ItemKey


def _page_read(prefix_of: Callable[[Any], ItemKey]) -> Callable[[Request], Read | None]:
    """The page the summary or list route shows (`prefix_of` the canonical query: its JSON
    items' views in the render cache); nothing when a parameter is bad."""

    def plan(request: Request) -> Read | None:
        try:
            query = _query(request)
            customer = params.required(query, "customerNumber")
        except ApiError:
            return None
        accept = request.headers.get("accept")
        search = partial(_search, request, query)
        return seed_params.page_read(customer, search, accept, lambda: prefix_of(query))

    return plan


def _summary_items(_query: Any) -> ItemKey:
    return (GENERATION, "summary")


def _list_items(query: Any) -> ItemKey:
    return (GENERATION, "list", _serials(query))


def _respond(body: bytes, chosen: str, headers: dict[str, str] | None = None) -> Response:
    all_headers = {"Vary": "Accept", **(headers or {})}
    return Response(body, media_type=f"{chosen}; charset=utf-8", headers=all_headers)


def _page(
    request: Request, principal: Principal, found: Any
) -> tuple[Any, str, list[StoredInvoice], dict[str, str]]:
    query = _customer(request, principal)
    search = _search(request, query)
    chosen = media.negotiate(request.headers.get("accept"), media.DATA_TYPES)
    page = found.page
    total, items = (page.total, page.items) if page is not None else (0, [])
    headers = {
        "X-Total-Count": str(total),
        "X-Page": str(search.page),
        "X-Page-Size": str(search.page_size),
    }
    return query, chosen, items, headers


@router.get("/summary", summary="Invoice summaries (a bare array, newest first)")
@reads(_page_read(_summary_items))
async def invoice_summary(request: Request, principal: Caller, found: Fetched) -> Response:
    _, chosen, items, headers = _page(request, principal, found)
    if media.is_xml(chosen):
        bodies = [views.summary(stored, stored.invoice()) for stored in items]
        body = xml.array("ArrayOfInvoiceSummary", "InvoiceSummary", bodies)
        return _respond(body, chosen, headers)
    rendered = found.fragments(render_cache(request), _summary_items(None), _summary_json)
    return _respond(dump_json(rendered), chosen, headers)


def _summary_json(stored: StoredInvoice) -> bytes:
    return dump_json(views.summary(stored, stored.invoice()))


def _serials(query: Any) -> bool:
    return not seed_params.exclude_serial_tracking(query)


@router.get("/list", summary="Full invoices (a bare array, newest first)")
@reads(_page_read(_list_items))
async def invoice_list(request: Request, principal: Caller, found: Fetched) -> Response:
    query, chosen, items, headers = _page(request, principal, found)
    serials = _serials(query)
    if media.is_xml(chosen):
        bodies = [views.detail(s, s.invoice(), serials=serials) for s in items]
        return _respond(xml.array("ArrayOfInvoice", "Invoice", bodies), chosen, headers)
    view = partial(_detail_json, serials=serials)
    rendered = found.fragments(render_cache(request), _list_items(query), view)
    return _respond(dump_json(rendered), chosen, headers)


def _detail_json(stored: StoredInvoice, *, serials: bool) -> bytes:
    return dump_json(views.detail(stored, stored.invoice(), serials=serials))


def _detail_xml(stored: StoredInvoice, *, serials: bool) -> bytes:
    return xml.single("Invoice", views.detail(stored, stored.invoice(), serials=serials))


def _detail_read(request: Request) -> Read | None:
    """The invoice of `customerNumber` and `InvoiceNumber`; cached per representation."""
    try:
        query = _query(request)
        customer = params.required(query, "customerNumber")
    except ApiError:
        return None
    number = query.get("invoiceNumber", "")
    if not (can_be_key(customer) and can_be_key(number)):
        return Read(account=customer)
    lookup = ByKey(seed_params.ENVIRONMENT, customer, number)
    if not request.scope["path"].endswith("/detail"):  # the scope: no URL object to build
        return Read(lookup, account=customer)
    try:
        serials = _serials(query)
        chosen = media.negotiate(request.headers.get("accept"), media.DATA_TYPES)
    except ApiError:
        return Read(lookup, account=customer)
    representation = "xml" if media.is_xml(chosen) else "json"
    key: Hashable = (GENERATION, representation, customer, number, serials)
    return Read(lookup, key, account=customer)


def _invoice_query(request: Request, principal: Principal) -> tuple[Any, str]:
    query = _customer(request, principal)
    return query, params.required(query, "invoiceNumber")


@router.get("/detail", summary="One invoice with its lines, serial numbers and shipments")
@reads(_detail_read)
async def invoice_detail(request: Request, principal: Caller, found: Fetched) -> Response:
    query, _number = _invoice_query(request, principal)
    serials = _serials(query)
    chosen = media.negotiate(request.headers.get("accept"), media.DATA_TYPES)
    if not found.exists:
        raise invoice_not_found()
    view = partial(_detail_xml if media.is_xml(chosen) else _detail_json, serials=serials)
    return _respond(found.render(render_cache(request), view), chosen)


@router.get("/pdf", summary="The invoice as a PDF")
@reads(_detail_read)
async def invoice_pdf(request: Request, principal: Caller, found: Fetched) -> Response:
    query, number = _invoice_query(request, principal)
    media.negotiate(request.headers.get("accept"), media.PDF_TYPES)
    stored = found.invoice
    if stored is None:
        raise invoice_not_found()
    customer = query["customerNumber"]
    response = await stored_invoice_pdf(
        request,
        stored,
        letterhead(request),
        partner_id=principal.partner_id,
        etag_source=f"{seed_params.ENVIRONMENT}/{customer}/{number}/{stored.version}",
        filename=f"{number}.pdf",
    )
    response.headers["Vary"] = "Accept"
    return response
