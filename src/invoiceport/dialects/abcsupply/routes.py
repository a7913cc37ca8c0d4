"""The ABC Supply invoice routes (`seeds/001_*`) and `install(app)` for the whole dialect.

Order of checks on every route: bearer token and scope (401/403), the bill-to grant (403, before
anything is read, so the answer never depends on another partner's data), parameters (400), then
the store (404). Only the `production` environment is served. Reads go through
`invoices.queries`; nothing here runs SQL.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Path, Request
from fastapi.responses import Response

from invoiceport import __version__, ratelimit
from invoiceport.dialects.abcsupply import errors, views
from invoiceport.dialects.abcsupply import schemas as doc
from invoiceport.dialects.abcsupply.auth import LimitedRoute, history_reader
from invoiceport.dialects.abcsupply.params import parse_history
from invoiceport.docs_ui import register_spec
from invoiceport.invoices import queries
from invoiceport.invoices.schemas import StoredInvoice
from invoiceport.partners.schemas import Principal
from invoiceport.pdf import Letterhead
from invoiceport.pdf.http import stored_invoice_pdf
from invoiceport.pdf.letterhead import letterhead_from_settings
from invoiceport.web import register_error_shape, reject_nul, services

ENVIRONMENT = "production"
SPEC_URL = "/abcsupply/openapi.json"
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": doc.Error, "description": text}
    for code, text in (
        (400, "Bad request: a parameter is malformed (the message names it)"),
        (401, "Missing, invalid or expired bearer token"),
        (403, "The token lacks the scope, or the account is not granted"),
        (404, "Not found"),
        (429, "Rate limit exceeded (only where one is configured); see Retry-After"),
        (503, "Database unavailable; retry after Retry-After seconds"),
    )
}

# NUL in an invoice id is a 400 before it can reach PostgreSQL (docs/hardening.md).
router = APIRouter(
    prefix="/api/invoice/v1/invoices",
    tags=["invoices"],
    route_class=LimitedRoute,
    dependencies=[Depends(reject_nul)],
)
Reader = Annotated[Principal, Depends(history_reader)]
InvoiceId = Annotated[str, Path(alias="invoiceId", description="The invoice number")]


@router.get(
    "/history/{billToAccount}",
    summary="Get Invoice History",
    response_model=doc.History,
    responses=ERRORS,
)
async def invoice_history(
    request: Request,
    principal: Reader,
    bill_to_account: Annotated[str, Path(alias="billToAccount")],
) -> Response:
    """Invoices of a bill-to account whose order date is within `startDate`..`endDate`
    (inclusive, `YYYY-MM-DDThh:mm:ssZ`), newest order first, `itemsPerPage` (default 20, at most
    100) a page, `pageNumber` counted from 1."""
    if not principal.may_see(bill_to_account):
        raise errors.forbidden_account(bill_to_account)
    svc = services(request)
    params = parse_history(request.query_params, svc.settings.abcsupply_max_page_size)
    query = queries.InvoiceQuery(
        environment=ENVIRONMENT,
        bill_to_accounts=(bill_to_account,),
        order_date_from=params.start,
        order_date_to=params.end,
    )
    page = await queries.search(
        svc.engine, query, page=params.page, page_size=params.page_size, by_order_date=True
    )
    body = views.history(
        [stored.invoice() for stored in page.items],
        page=params.page,
        page_size=params.page_size,
        total=page.total,
    )
    return views.AbcJSONResponse(body)


async def _find(request: Request, principal: Principal, invoice_id: str) -> StoredInvoice:
    """An invoice of the partner's granted accounts (404 for any other, existing or not)."""
    found = await queries.find_by_number(
        services(request).engine, ENVIRONMENT, invoice_id, principal.customer_numbers
    )
    if found is None:
        raise errors.invoice_not_found(invoice_id)
    return found


@router.get(
    "/{invoiceId}",
    summary="Get Invoice by Invoice ID (with lines)",
    response_model=doc.InvoiceDetail,
    responses=ERRORS,
)
async def invoice_by_id(request: Request, principal: Reader, invoice_id: InvoiceId) -> Response:
    """The history item of one invoice plus its `lines` (an invoiceport extension)."""
    stored = await _find(request, principal, invoice_id)
    return views.AbcJSONResponse(views.detail(stored.invoice()))


@router.get(
    "/{invoiceId}/pdf",
    summary="Get Invoice PDF",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}, "description": "The PDF"}, **ERRORS},
)
async def invoice_pdf(request: Request, principal: Reader, invoice_id: InvoiceId) -> Response:
    """The invoice as a PDF; `ETag` per stored version, `If-None-Match` answers 304."""
    stored = await _find(request, principal, invoice_id)
    letterhead: Letterhead = request.app.state.abcsupply_letterhead
    return await stored_invoice_pdf(
        request,
        stored,
        letterhead,
        partner_id=principal.partner_id,
        etag_source=f"{ENVIRONMENT}/{stored.id}/{stored.version}",
        filename=f"{invoice_id}.pdf",
    )


def openapi() -> dict[str, Any]:
    """The dialect's own OpenAPI document: its routes, bearer scopes, error shape."""
    from fastapi.openapi.utils import get_openapi

    from invoiceport.dialects.abcsupply.webhook_routes import router as webhook_router

    spec = get_openapi(
        title="ABC Supply Invoice API (invoiceport)",
        version=__version__,
        description=(
            "Invoice history, invoice by id, PDFs and webhook subscriptions in the shape of "
            "ABC Supply's Invoice API. Tokens: POST /oauth/oauth30/token (client credentials)."
        ),
        routes=[*router.routes, *webhook_router.routes],
    )
    spec["components"].setdefault("securitySchemes", {})["oauth2"] = {
        "type": "oauth2",
        "flows": {
            "clientCredentials": {
                "tokenUrl": "/oauth/oauth30/token",
                "scopes": {
                    "invoice.history.read": "Read invoices",
                    "invoice.webhooks.manage": "Manage webhook subscriptions",
                },
            }
        },
    }
    for path, operations in spec["paths"].items():
        scope = "invoice.webhooks.manage" if "/webhooks" in path else "invoice.history.read"
        for operation in operations.values():
            operation["security"] = [{"oauth2": [scope]}]
    return spec


def install(app: FastAPI) -> None:
    """Routes (history before `{invoiceId}`, so `history` is never taken for an invoice id),
    the error shape for `/api/invoice/v1/`, the letterhead and the served spec."""
    from invoiceport.dialects.abcsupply.webhook_routes import router as webhook_router

    settings = app.state.services.settings
    ratelimit.install(app)  # a typo in a configured limit stops start-up, not a request
    app.state.abcsupply_letterhead = letterhead_from_settings(settings)
    app.include_router(router, include_in_schema=False)
    app.include_router(webhook_router, include_in_schema=False)
    register_error_shape(app, errors.PREFIX, errors.render_error)

    @app.get(SPEC_URL, include_in_schema=False)
    async def abcsupply_openapi() -> Response:
        spec = getattr(app.state, "abcsupply_openapi", None)
        if spec is None:
            spec = app.state.abcsupply_openapi = views.dumps(openapi())
        return Response(spec, media_type="application/json")

    register_spec(app, "ABC Supply", SPEC_URL)
