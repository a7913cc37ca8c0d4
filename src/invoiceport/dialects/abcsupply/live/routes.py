"""The live generation's invoice routes: by id and PDF, each with its own scope (`dialect.py`).

Same order of checks as the seed routes: token and scope (401/403), then the read, which only
finds invoices of the partner's granted accounts (404 otherwise, existing or not). Installed
after the seed's routes, so no seed answer changes.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from invoiceport import __version__, kit
from invoiceport.dialects.abcsupply import errors
from invoiceport.dialects.abcsupply import views as seed_views
from invoiceport.dialects.abcsupply.live import schemas as doc
from invoiceport.dialects.abcsupply.live import views
from invoiceport.dialects.abcsupply.live.dialect import BY_ID, PDF
from invoiceport.dialects.abcsupply.routes import ENVIRONMENT, ERRORS
from invoiceport.invoices.schemas import StoredInvoice
from invoiceport.kit import Caller, Fetched, Found, Read, letterhead, reads, render_cache
from invoiceport.pdf.http import stored_invoice_pdf
from invoiceport.reads.service import ByNumber

SPEC_URL = "/abcsupply/live/openapi.json"
PREFIX = "/api/invoice/v1/invoices"
InvoiceId = Annotated[
    str, Path(alias="invoiceId", description="The invoice number, e.g. 2010452632-001")
]

by_id_router = APIRouter(prefix=PREFIX, tags=["invoices"], route_class=kit.route_class(BY_ID))
pdf_router = APIRouter(prefix=PREFIX, tags=["invoices"], route_class=kit.route_class(PDF))


def _by_number(request: Request) -> Read:
    return Read(ByNumber(ENVIRONMENT, request.path_params["invoiceId"]))


def _found(found: Found, invoice_id: str) -> StoredInvoice:
    if found.invoice is None:
        raise errors.invoice_not_found(invoice_id)
    return found.invoice


@by_id_router.get(
    "/id/{invoiceId}",
    summary="Get Invoice by Id",
    response_model=doc.InvoiceById,
    responses=ERRORS,
)
@reads(_by_number)
async def invoice_by_id(request: Request, invoice_id: InvoiceId, found: Fetched) -> Response:
    """One invoice with its parties, branch and every line (scope `invoice.read`; the seed's
    `invoice.history.read` is accepted too)."""
    _found(found, invoice_id)
    body = found.render(render_cache(request), _by_id_json, by_row=(BY_ID.name, "by_id"))
    return Response(body, media_type=seed_views.AbcJSONResponse.media_type)


def _by_id_json(stored: StoredInvoice) -> bytes:
    return seed_views.dumps(views.by_id(stored.invoice()))


@pdf_router.get(
    "/pdf/{invoiceId}",
    summary="Get Invoice PDF",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}, "description": "The PDF"}, **ERRORS},
)
@reads(_by_number)
async def invoice_pdf(
    request: Request, principal: Caller, invoice_id: InvoiceId, found: Fetched
) -> Response:
    """The invoice as raw PDF bytes (scope `invoice.read`); `ETag` per stored version,
    `If-None-Match` answers 304."""
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
    """The live generation's OpenAPI document: its routes, their scopes, the token URLs."""
    from fastapi.openapi.utils import get_openapi

    from invoiceport.dialects.abcsupply.live.notifications import router as notifications

    spec = get_openapi(
        title="ABC Supply live API (invoiceport)",
        version=__version__,
        description=(
            "Invoice by id, PDF and notification webhooks as ABC Supply's live API serves them. "
            "Tokens: POST /oauth2/{authorizationServerId}/v1/token (client credentials)."
        ),
        routes=[*by_id_router.routes, *pdf_router.routes, *notifications.routes],
    )
    spec["components"].setdefault("securitySchemes", {})["oauth2"] = {
        "type": "oauth2",
        "flows": {
            "clientCredentials": {
                "tokenUrl": "/oauth2/default/v1/token",
                "scopes": {
                    "invoice.read": "Read invoices and their PDFs",
                    "invoice.history.read": "Read invoice history (accepted by id)",
                    "invoice.webhooks.manage": "Manage notification webhooks",
                },
            }
        },
    }
    for path, operations in spec["paths"].items():
        scope = "invoice.webhooks.manage" if "/webhooks" in path else "invoice.read"
        for operation in operations.values():
            operation["security"] = [{"oauth2": [scope]}]
    return spec


def install(app: Any) -> None:
    from invoiceport.dialects.abcsupply.live.dialect import NOTIFICATIONS
    from invoiceport.dialects.abcsupply.live.notifications import router as notifications

    spec = kit.Spec(SPEC_URL, "ABC Supply (live API)", lambda: seed_views.dumps(openapi()))
    kit.install(app, BY_ID, by_id_router, pdf_router, spec=spec)
    kit.install(app, NOTIFICATIONS, notifications)
