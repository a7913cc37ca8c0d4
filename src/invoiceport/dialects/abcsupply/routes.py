"""The ABC Supply invoice routes (`seeds/001_*`) and `install(app)` for the whole dialect.

Order of checks on every route: bearer token and scope (401/403), the bill-to grant (403, before
anything is read, so the answer never depends on another partner's data), parameters (400), then
the store (404). Only the `production` environment is served. Reads go through
`invoices.queries`; nothing here runs SQL.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from invoiceport import __version__, kit
from invoiceport.dialects.abcsupply import errors, views
from invoiceport.dialects.abcsupply import schemas as doc
from invoiceport.dialects.abcsupply.dialect import INVOICES
from invoiceport.dialects.abcsupply.params import HistoryParams, parse_history
from invoiceport.invoices.queries import InvoiceQuery
from invoiceport.invoices.schemas import StoredInvoice
from invoiceport.kit import Caller, Fetched, Found, Read, letterhead, reads, render_cache
from invoiceport.pdf.http import stored_invoice_pdf
from invoiceport.platform.context import context
from invoiceport.platform.web import ApiError
from invoiceport.reads.service import ByNumber, PageOf

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

router = APIRouter(
    prefix="/api/invoice/v1/invoices", tags=["invoices"], route_class=kit.route_class(INVOICES)
)
InvoiceId = Annotated[str, Path(alias="invoiceId", description="The invoice number")]


def _history(request: Request) -> tuple[InvoiceQuery, HistoryParams]:
    """The search of the history route, or a 400 naming the bad parameter."""
    max_page_size = context(request).settings.abcsupply_max_page_size
    params = parse_history(request.query_params, max_page_size)
    query = InvoiceQuery(
        environment=ENVIRONMENT,
        bill_to_accounts=(request.path_params["billToAccount"],),
        order_date_from=params.start,
        order_date_to=params.end,
    )
    return query, params


def _history_read(request: Request) -> Read:
    """The page of the history route, read with the token (nothing when a parameter is bad)."""
    account = request.path_params["billToAccount"]
    try:
        query, params = _history(request)
    except ApiError:
        return Read(account=account)
    page = PageOf(query, params.page, params.page_size, by_order_date=True)
    return Read(page, account=account, items=_HISTORY_ITEMS)


_HISTORY_ITEMS = (INVOICES.name, "item")
"""The render-cache prefix of a history page's items."""


def _item_json(stored: StoredInvoice) -> bytes:
    return views.dumps(views.item(stored.invoice()))


@router.get(
    "/history/{billToAccount}",
    summary="Get Invoice History",
    response_model=doc.History,
    responses=ERRORS,
)
@reads(_history_read)
async def invoice_history(
    request: Request,
    principal: Caller,
    bill_to_account: Annotated[str, Path(alias="billToAccount")],
    found: Fetched,
) -> Response:
    """Invoices of a bill-to account whose order date is within `startDate`..`endDate`
    (inclusive, `YYYY-MM-DDThh:mm:ssZ`), newest order first, `itemsPerPage` (default 20, at most
    100) a page, `pageNumber` counted from 1."""
    if not principal.may_see(bill_to_account):
        raise errors.forbidden_account(bill_to_account)
    _query, params = _history(request)
    page = found.page
    assert page is not None, "a granted account's page is read with the token"
    items = found.fragments(render_cache(request), _HISTORY_ITEMS, _item_json)
    body = views.history(items, page=params.page, page_size=params.page_size, total=page.total)
    return views.AbcJSONResponse(body)


def _by_id(request: Request) -> Read:
    """An invoice of the partner's granted accounts, read with the token."""
    return Read(ByNumber(ENVIRONMENT, request.path_params["invoiceId"]))


def _found(found: Found, invoice_id: str) -> StoredInvoice:
    """404 for any invoice the partner may not see, existing or not."""
    if found.invoice is None:
        raise errors.invoice_not_found(invoice_id)
    return found.invoice


@router.get(
    "/{invoiceId}",
    summary="Get Invoice by Invoice ID (with lines)",
    response_model=doc.InvoiceDetail,
    responses=ERRORS,
)
@reads(_by_id)
async def invoice_by_id(request: Request, invoice_id: InvoiceId, found: Fetched) -> Response:
    """The history item of one invoice plus its `lines` (an invoiceport extension)."""
    _found(found, invoice_id)
    body = found.render(render_cache(request), _detail_json, by_row=(INVOICES.name, "detail"))
    return Response(body, media_type=views.AbcJSONResponse.media_type)


def _detail_json(stored: StoredInvoice) -> bytes:
    return views.dumps(views.detail(stored.invoice()))


@router.get(
    "/{invoiceId}/pdf",
    summary="Get Invoice PDF",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}, "description": "The PDF"}, **ERRORS},
)
@reads(_by_id)
async def invoice_pdf(
    request: Request, principal: Caller, invoice_id: InvoiceId, found: Fetched
) -> Response:
    """The invoice as a PDF; `ETag` per stored version, `If-None-Match` answers 304."""
    stored = _found(found, invoice_id)
    return await stored_invoice_pdf(
        request,
        stored,
        letterhead(request),
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


def install(app: Any) -> None:
    """Routes (history before `{invoiceId}`, so `history` is never taken for an invoice id),
    the error shape for `/api/invoice/v1/` and the served spec."""
    from invoiceport.dialects.abcsupply.webhook_routes import router as webhook_router

    spec = kit.Spec(SPEC_URL, "ABC Supply", lambda: views.dumps(openapi()))
    kit.install(app, INVOICES, router, webhook_router, spec=spec)
