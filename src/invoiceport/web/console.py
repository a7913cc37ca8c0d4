"""The supplier console (`/console/`): users made with `invoiceport console-user`.

Every action calls the service the admin API calls (partners, webhooks, accounts); nothing here
writes by itself. Secrets (API keys, OAuth client secrets, invitation links) are shown once, on
the page that answers the form that made them.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from invoiceport.overview import service as overview
from invoiceport.platform.context import context
from invoiceport.web.auth import SignedIn, auth_routes, signed_in
from invoiceport.web.routes import PageRoute
from invoiceport.web.templating import render

TITLE = "Supplier console"
router = APIRouter(include_in_schema=False, route_class=PageRoute)
router.include_router(auth_routes("console", TITLE))


def page(request: Request, name: str, me: SignedIn, status: int = 200, **values: Any) -> Response:
    return render(request, name, status, role="console", title=TITLE, me=me, **values)


async def me_of(request: Request) -> SignedIn:
    return await signed_in(request, "console")


@router.get("/console/")
async def dashboard(request: Request) -> Response:
    me = await me_of(request)
    board = await overview.dashboard(context(request).engine)
    return page(request, "console/dashboard.html", me, board=board)


@router.get("/console/invoices")
async def lookup(request: Request) -> Response:
    me = await me_of(request)
    number = request.query_params.get("number", "").strip()
    found: list[Any] = []
    error = None
    if len(number) > 64 or not number.isprintable():
        error, number = "Invoice number: at most 64 printable characters", ""
    elif number:
        found = await overview.lookup(context(request).engine, number)
    status = 400 if error else 200
    return page(
        request, "console/invoices.html", me, status, number=number, found=found, error=error
    )
