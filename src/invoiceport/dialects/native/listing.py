"""`GET /v1/invoices` (and `/v1/sandbox/invoices`): the partner's invoices, newest first, by cursor.

`{"items": [document, ...], "has_more": true, "next_cursor": "...", "total": 1234}` (`total`
with `include_total=true`). Pages follow the id order, so invoices stored while a client pages
never shift or repeat what it has yet to read. A weak ETag per page (304 on `If-None-Match`);
`Accept: text/csv` streams every match (from `cursor` on) as CSV instead.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from typing import Any

import orjson
from fastapi import Request
from fastapi.responses import Response, StreamingResponse

from invoiceport.dialects.native import views
from invoiceport.dialects.native.errors import Problem
from invoiceport.dialects.native.http import (
    CSV,
    JSON,
    environment_of,
    native_router,
    negotiate,
    not_modified,
    validators,
    weak_etag,
)
from invoiceport.dialects.native.params import Listing, encode_cursor, parse_listing
from invoiceport.kit import Caller, Fetched, Read, reads, render_cache
from invoiceport.kit.params import once
from invoiceport.partners.schemas import Principal
from invoiceport.platform.context import context
from invoiceport.platform.web import ApiError
from invoiceport.reads.rows import stream_after
from invoiceport.reads.service import After

router = native_router()
LIST_OFFERS = (JSON, CSV)
CSV_BATCH = 500
CSV_COLUMNS = (
    "environment",
    "customer_number",
    "invoice_number",
    "document_type",
    "status",
    "invoice_date",
    "due_date",
    "order_date",
    "sales_order_number",
    "po_number",
    "bill_to_account",
    "currency",
    "subtotal",
    "tax",
    "freight",
    "total",
)
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _listing(request: Request) -> Listing:
    """The list's parameters, parsed once a request (the read plan and the route share them)."""
    return once(request, "invoiceport.native_listing", parse_listing, environment_of(request))


def list_read(request: Request) -> Read | None:
    """The page asked for, read with the credential; nothing when a parameter is bad (the route
    answers 400) or when CSV is asked for (streamed by the route)."""
    try:
        listing = _listing(request)
    except ApiError:
        return None
    if "csv" in request.headers.get("accept", ""):
        return Read(account=listing.customer_number)
    lookup = After(listing.query, listing.after, listing.limit, listing.include_total)
    return Read(lookup, account=listing.customer_number, items=_ITEMS)


_ITEMS = ("native", "list-item")
"""The render-cache prefix of a listed invoice's JSON (`views.document`)."""


def _cell(value: Any) -> str:
    """Text a spreadsheet would run as a formula gets a leading quote (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA) and not _number(text) else text


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _row(document: bytes, version: int, updated_at: str) -> list[str]:
    data = orjson.loads(document)
    return [_cell(data.get(column)) for column in CSV_COLUMNS] + [str(version), updated_at]


async def _csv(request: Request, principal: Principal, listing: Listing) -> AsyncIterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([*CSV_COLUMNS, "version", "updated_at"])
    engine = context(request).engine
    rows = stream_after(engine, principal, listing.query, listing.after, CSV_BATCH)
    count = 0
    async for stored in rows:
        writer.writerow(_row(stored.document, stored.version, views.timestamp(stored.updated_at)))
        count += 1
        if count % 100 == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def _forbidden(customer: str) -> Problem:
    detail = f"customer_number: {customer!r} is not granted to this credential"
    return Problem(403, detail, "customer_number")


async def invoices(request: Request, principal: Caller, found: Fetched) -> Response:
    """The partner's invoices (every granted customer's, or `customer_number`'s), filtered."""
    listing = _listing(request)
    media_type = negotiate(request, LIST_OFFERS)
    customer = listing.customer_number
    if customer is not None and not principal.may_see(customer):
        raise _forbidden(customer)
    if media_type == CSV:
        body = _csv(request, principal, listing)
        headers = {"Content-Disposition": 'attachment; filename="invoices.csv"', "Vary": "Accept"}
        return StreamingResponse(body, media_type="text/csv; charset=utf-8", headers=headers)
    page = found.slice
    if page is None:  # pragma: no cover - a granted partner's read always answers
        raise Problem(503, "try again", headers={"Retry-After": "1"})
    last = page.items[-1].id if page.items else None
    cursor = encode_cursor(last) if page.more and last else None
    stamps = ",".join(f"{s.id}:{s.version}:{s.updated_at.isoformat()}" for s in page.items)
    etag = weak_etag(f"native-list/{request.url.query}/{stamps}/{page.total}/{cursor}")
    early = not_modified(request, etag)
    if early is not None:
        return early
    items = found.views(render_cache(request), _ITEMS, views.document)
    parts = [b'{"items":[', b",".join(items), b"]"]
    parts.append(b',"has_more":' + (b"true" if page.more else b"false"))
    parts.append(b',"next_cursor":' + orjson.dumps(cursor))
    if page.total is not None:
        parts.append(b',"total":' + str(page.total).encode())
    parts.append(b"}")
    return Response(b"".join(parts), media_type=JSON, headers=validators(etag))


for _prefix in ("/v1", "/v1/sandbox"):
    router.add_api_route(
        _prefix + "/invoices", reads(list_read)(invoices), methods=["GET"], summary="Invoices"
    )
