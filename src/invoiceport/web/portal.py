"""The partner portal (`/portal/`): invoices, an invoice, its PDF, CSV export, the statement.

Every read goes through the one read path with the session as the credential (`reads.access`,
credential kind "session") and the one customer the page shows as the account whose grant is
checked: a partner sees exactly what its API keys would, and nothing of another partner's.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from invoiceport.invoices.keys import can_be_key
from invoiceport.invoices.queries import InvoiceQuery
from invoiceport.invoices.schemas import DocumentType, Status
from invoiceport.pdf.http import stored_invoice_pdf
from invoiceport.platform.context import context
from invoiceport.reads.repository.listings import LISTED_COLUMNS
from invoiceport.reads.service import ByKey, ListOf, Presented, access
from invoiceport.statements import service as statements
from invoiceport.web.auth import SignedIn, auth_routes, redirect, signed_in
from invoiceport.web.filters import BadFilter, Filters
from invoiceport.web.routes import PageRoute
from invoiceport.web.templating import PAGE_HEADERS, render

ENVIRONMENT = "production"
PAGE_SIZE = 50
CSV_BATCH = 1_000
TITLE = "Partner portal"
STATUSES: tuple[Status, ...] = ("open", "invoiced", "paid", "cancelled")
DOCUMENT_TYPES: tuple[DocumentType, ...] = ("invoice", "credit_memo")

router = APIRouter(include_in_schema=False, route_class=PageRoute)
router.include_router(auth_routes("portal", TITLE))


class NotFound(Exception):
    """A customer or invoice this partner may not see, or that does not exist: one 404."""


async def _me(request: Request) -> tuple[SignedIn, list[str]]:
    me = await signed_in(request, "portal")
    assert me.user.partner_id is not None
    return me, list(me.granted)


def _customer(request: Request, granted: list[str]) -> str | None:
    wanted = request.query_params.get("customer")
    if wanted is None:
        return granted[0] if granted else None
    return wanted if can_be_key(wanted) else None


async def _read(request: Request, me: SignedIn, lookup: Any, customer: str) -> Any:
    svc = context(request)
    found = await access(
        svc.engine,
        Presented("session", me.token),
        svc.clock(),
        lookup,
        account=customer,
        seconds=svc.settings.db_timeout_seconds,
    )
    if found.principal is None:
        raise NotFound()  # the session ended meanwhile
    if not found.principal.may_see(customer):
        raise NotFound()
    return found


def _page(request: Request, name: str, me: SignedIn, granted: list[str], **values: Any) -> Response:
    status = values.pop("status", 200)
    return render(
        request, name, status, role="portal", title=TITLE, me=me, granted=granted, **values
    )


@router.get("/portal/")
async def home(request: Request) -> Response:
    await signed_in(request, "portal")
    return redirect("/portal/invoices")


@router.get("/portal/invoices")
async def invoices(request: Request) -> Response:
    me, granted = await _me(request)
    customer = _customer(request, granted)
    if customer is None:
        return _page(request, "portal/none.html", me, granted)
    try:
        filters = Filters.parse(request.query_params)
    except BadFilter as exc:
        return _page(
            request,
            "portal/invoices.html",
            me,
            granted,
            status=400,
            customer=customer,
            filters=Filters.empty(),
            listing=None,
            error=str(exc),
            statuses=STATUSES,
            types=DOCUMENT_TYPES,
        )
    query = filters.query(ENVIRONMENT, customer)
    found = await _read(request, me, ListOf(query, PAGE_SIZE, filters.after), customer)
    return _page(
        request,
        "portal/invoices.html",
        me,
        granted,
        customer=customer,
        filters=filters,
        listing=found.listing,
        error=None,
        statuses=STATUSES,
        types=DOCUMENT_TYPES,
    )


@router.get("/portal/invoices.csv")
async def export(request: Request) -> Response:
    me, granted = await _me(request)
    customer = _customer(request, granted)
    if customer is None:
        raise NotFound()
    try:
        filters = Filters.parse(request.query_params)
    except BadFilter as exc:
        return Response(str(exc) + "\n", status_code=400, media_type="text/plain")
    query = filters.query(ENVIRONMENT, customer)
    first = await _read(request, me, ListOf(query, CSV_BATCH, filters.after), customer)

    async def rows() -> AsyncIterator[bytes]:
        yield _csv_line(LISTED_COLUMNS)
        listing = first.listing
        while listing is not None:
            for item in listing.items:
                yield _csv_line([_cell(getattr(item, name)) for name in LISTED_COLUMNS])
            if not listing.more or not listing.items:
                return
            last = listing.items[-1]
            try:
                found = await _read(
                    request,
                    me,
                    ListOf(query, CSV_BATCH, (last.invoice_date, last.invoice_number)),
                    customer,
                )
            except NotFound:
                return  # signed out or revoked meanwhile: the export stops there
            listing = found.listing

    filename = f"invoices-{customer}.csv".replace('"', "")
    headers = {**PAGE_HEADERS, "Content-Disposition": f'attachment; filename="{filename}"'}
    return StreamingResponse(rows(), media_type="text/csv; charset=utf-8", headers=headers)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    risky = text[:1] in ("=", "+", "-", "@", "\t", "\r")
    if risky and not isinstance(value, (int, float)) and not _is_number(text):
        return "'" + text  # no formula injection in a spreadsheet
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _csv_line(values: Any) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(values)
    return out.getvalue().encode()


@router.get("/portal/invoices/{customer}/{number}")
async def invoice(request: Request, customer: str, number: str) -> Response:
    me, granted = await _me(request)
    stored = await _stored(request, me, customer, number)
    document = stored.invoice()
    memos_query = InvoiceQuery(
        ENVIRONMENT, (customer,), document_type="credit_memo", original_invoice_number=number
    )
    memos = await _read(request, me, ListOf(memos_query, 100), customer)
    return _page(
        request,
        "portal/invoice.html",
        me,
        granted,
        customer=customer,
        invoice=document,
        stored=stored,
        memos=memos.listing.items if memos.listing else [],
    )


async def _stored(request: Request, me: SignedIn, customer: str, number: str) -> Any:
    if not can_be_key(customer) or not can_be_key(number):
        raise NotFound()
    found = await _read(request, me, ByKey(ENVIRONMENT, customer, number), customer)
    if found.invoice is None:
        raise NotFound()
    return found.invoice


@router.get("/portal/invoices/{customer}/{number}/pdf")
async def pdf(request: Request, customer: str, number: str) -> Response:
    me, _ = await _me(request)
    stored = await _stored(request, me, customer, number)
    assert me.user.partner_id is not None
    return await stored_invoice_pdf(
        request,
        stored,
        context(request).letterhead,
        partner_id=me.user.partner_id,
        etag_source=f"portal/{ENVIRONMENT}/{customer}/{number}/{stored.version}",
        filename=f"{number}.pdf",
    )


@router.get("/portal/statement")
async def statement(request: Request) -> Response:
    me, granted = await _me(request)
    customer = _customer(request, granted)
    if customer is None:
        return _page(request, "portal/none.html", me, granted)
    await _read(request, me, None, customer)  # the grant, checked by the read path
    svc = context(request)
    today = svc.clock().date()
    found = await statements.statement(svc.engine, ENVIRONMENT, customer, today)
    return _page(request, "portal/statement.html", me, granted, customer=customer, statement=found)
