"""`GET /resellers/v6/invoices` and its sandbox twin: invoice search v6 (docs/ingram.md).

Every query parameter of Ingram's spec, through the shared read path (`PageOf`): the exact
number of matches (`recordsFound`), pages of `pageSize` (1 to 100, default 25) counted from 1,
newest first by invoice date unless `orderby` (`InvoiceDate`, `OrderDate`) and `direction`
(`desc`, `asc`) say otherwise, ties broken by invoice number then id (a stable order), and
`nextPage` while there is one. Only the invoices of the customer of `IM-CustomerNumber`, which
must be granted (403); the lookback window applies as to details.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, time
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from invoiceport.dialects.ingram.v6 import views
from invoiceport.dialects.ingram.v6.dialect import DIALECT
from invoiceport.dialects.ingram.v6.errors import field_error
from invoiceport.dialects.ingram.v6.params import caller, caller_or_none, choice, query_value, text
from invoiceport.dialects.ingram.v6.routes import check_window, cutoff
from invoiceport.invoices.queries import InvoiceQuery
from invoiceport.invoices.schemas import StoredInvoice
from invoiceport.kit import Caller, Fetched, Found, Read, reads, render_cache, route_class
from invoiceport.kit.params import MAX_KEY, iso_date, once, whole_number
from invoiceport.platform.web import ApiError, dump_json
from invoiceport.reads.service import PageOf

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 25
STATUSES = {"open": "open", "invoiced": "invoiced", "paid": "paid", "cancelled": "cancelled"}
TYPES = {"invoice": "invoice", "creditmemo": "credit_memo", "credit memo": "credit_memo"}
# Text filters: query parameter -> InvoiceQuery field.
TEXT_FILTERS = {
    "invoiceNumber": "invoice_number",
    "orderNumber": "sales_order_number",
    "customerOrderNumber": "po_number",
    "endCustomerOrderNumber": "end_user_po_number",
    "DeliveryNumber": "delivery_number",
    "specialBidNumber": "special_bid_number",
    "serialNumber": "serial_number",
}


def _date(request: Request, name: str) -> date | None:
    try:
        return iso_date(name, query_value(request, name))
    except ApiError as exc:
        raise field_error(name, query_value(request, name), exc.message) from None


def _dates(request: Request, name: str) -> list[date]:
    """Every value of a repeatable date parameter (`invoiceFromDate=a&invoiceFromDate=b`)."""
    found = []
    for key, raw in request.query_params.multi_items():
        if key.lower() == name.lower():
            try:
                day = iso_date(name, raw)
            except ApiError as exc:
                raise field_error(name, raw, exc.message) from None
            if day is not None:
                found.append(day)
    return found


def _bounds(
    request: Request, exact: str, low: str, high: str, *, repeated: bool = False
) -> tuple[date | None, date | None]:
    """(from, to) of a date range: each given bound applies (so `exact` is both)."""
    lows = _dates(request, low) if repeated else [d for d in [_date(request, low)] if d]
    highs = _dates(request, high) if repeated else [d for d in [_date(request, high)] if d]
    day = _date(request, exact)
    if day is not None:
        lows.append(day)
        highs.append(day)
    return (max(lows) if lows else None, min(highs) if highs else None)


def _coded(request: Request, name: str, codes: dict[str, str]) -> str | None:
    raw = text(name, query_value(request, name), MAX_KEY)
    if raw is None:
        return None
    code = codes.get(raw.lower().replace("_", " "))
    if code is None:
        raise field_error(name, raw, f"{name} is not one of {', '.join(sorted(codes))}")
    return code


def _number(request: Request, name: str, default: int, high: int) -> int:
    raw = query_value(request, name)
    try:
        return whole_number(name, raw, default=default, low=1, high=high)
    except ApiError as exc:
        raise field_error(name, raw, exc.message) from None


def parse(request: Request, environment: str) -> tuple[str, PageOf]:
    """The customer and the page asked for, or a 400 naming the parameter (parsed once a
    request: the read plan and the route share it)."""
    return once(request, "invoiceport.v6_search", _parse, environment)


def _parse(request: Request, environment: str) -> tuple[str, PageOf]:
    asker = caller(request)
    texts: dict[str, Any] = {}
    for name, field in TEXT_FILTERS.items():
        value = text(name, query_value(request, name), MAX_KEY)
        if value is not None:
            texts[field] = value
    invoice_from, invoice_to = _bounds(
        request, "invoiceDate", "invoiceFromDate", "invoiceToDate", repeated=True
    )
    due_from, due_to = _bounds(request, "invoiceDueDate", "invoiceFromDueDate", "invoiceToDueDate")
    net = _date(request, "paymentTermsNetDate")  # the due date of the payment terms
    if net is not None:
        due_from, due_to = max(due_from or net, net), min(due_to or net, net)
    order_from, order_to = _bounds(request, "orderDate", "orderFromDate", "orderToDate")
    by_order_date = choice(request, "orderby", ("InvoiceDate", "OrderDate"), "InvoiceDate")
    direction = choice(request, "direction", ("desc", "asc"), "desc")
    query = InvoiceQuery(
        environment=environment,
        customer_numbers=(asker.customer_number,),
        invoice_date_from=invoice_from,
        invoice_date_to=invoice_to,
        due_date_from=due_from,
        due_date_to=due_to,
        order_date_from=None if order_from is None else datetime.combine(order_from, time(), UTC),
        order_date_to=None if order_to is None else datetime.combine(order_to, time.max, UTC),
        status=_coded(request, "invoiceStatus", STATUSES),
        document_type=_coded(request, "invoiceType", TYPES),
        **texts,
    )
    page = PageOf(
        query,
        _number(request, "pageNumber", 1, 10_000_000),
        _number(request, "pageSize", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE),
        by_order_date=by_order_date == "OrderDate",
        oldest_first=direction == "asc",
    )
    return asker.customer_number, page


def _plan(environment: str) -> Callable[[Request], Read | None]:
    def plan(request: Request) -> Read | None:
        asker = caller_or_none(request)
        if asker is None:
            return None
        try:
            _customer, page = parse(request, environment)
        except ApiError:
            return Read(account=asker.customer_number)
        page = _within_lookback(request, page)
        return Read(page, account=asker.customer_number, items=_ITEMS)

    return plan


def _within_lookback(request: Request, page: PageOf) -> PageOf:
    return replace(page, query=replace(page.query, dated_from=cutoff(request)))


def _next(request: Request, page: PageOf, total: int) -> str | None:
    if page.page * page.page_size >= total:
        return None
    pairs = [(k, v) for k, v in request.query_params.multi_items() if k.lower() != "pagenumber"]
    pairs.append(("pageNumber", str(page.page + 1)))
    return f"{request.url.path}?{urlencode(pairs)}"


async def _answer(request: Request, principal: Any, environment: str, found: Found) -> Response:
    _customer, page = parse(request, environment)
    check_window(request, caller(request), principal)
    result = found.page
    assert result is not None, "a granted customer's page is always read"
    items = found.fragments(render_cache(request), _ITEMS, _item_json)
    body: dict[str, Any] = {
        "recordsFound": result.total,
        "pageSize": page.page_size,
        "pageNumber": page.page,
        "invoices": items,
    }
    following = _next(request, page, result.total)
    if following is not None:
        body["nextPage"] = following
    return Response(dump_json(body), media_type="application/json")


_ITEMS = (DIALECT.name, "v6-search-item")
"""The render-cache prefix of a search page's items."""


def _item_json(stored: StoredInvoice) -> bytes:
    return dump_json(views.search_item(stored.invoice()))


router = APIRouter(tags=["ingram-xi"], route_class=route_class(DIALECT))


@router.get("/resellers/v6/invoices", summary="Invoice search v6 (production)")
@reads(_plan("production"))
async def search_production(request: Request, principal: Caller, found: Fetched) -> Response:
    return await _answer(request, principal, "production", found)


@router.get("/sandbox/resellers/v6/invoices", summary="Invoice search v6 (sandbox)")
@reads(_plan("sandbox"))
async def search_sandbox(request: Request, principal: Caller, found: Fetched) -> Response:
    return await _answer(request, principal, "sandbox", found)
