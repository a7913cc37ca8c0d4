"""The supplier console (`/console/`): users made with `invoiceport console-user`."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from invoiceport.partners import service as partner_service
from invoiceport.platform.context import context
from invoiceport.web.auth import auth_routes, signed_in
from invoiceport.web.templating import render

TITLE = "Supplier console"
router = APIRouter(include_in_schema=False)
router.include_router(auth_routes("console", TITLE))


@router.get("/console/")
async def dashboard(request: Request) -> Response:
    me = await signed_in(request, "console")
    partners = await partner_service.list_partners(context(request).engine)
    return render(
        request, "console/dashboard.html", role="console", title=TITLE, me=me, partners=partners
    )
