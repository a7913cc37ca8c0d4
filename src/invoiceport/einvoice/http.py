"""Serving an e-invoice over HTTP (the admin route and the native partner route).

As the PDFs: a strong ETag per stored version, format and seller settings, 304 on
`If-None-Match` before anything is built, a download filename; `application/xml` or
`application/pdf`. A document that fails validation is never served: `Refusal` carries the
failed rules for the route to answer 422 in its API's shape.
"""

from __future__ import annotations

import hashlib
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from invoiceport.einvoice.export import (
    FORMAT_NAMES,
    Refused,
    UnknownFormat,
    export_invoice_async,
    filename,
    get_format,
)
from invoiceport.einvoice.model import Supplier
from invoiceport.einvoice.seller import supplier_from_settings
from invoiceport.invoices.schemas import StoredInvoice
from invoiceport.pdf.http import (
    CACHE_CONTROL,
    RENDER_REVISION,
    etag_for,
    if_none_match_matches,
)
from invoiceport.pdf.renders import RETRY_AFTER_SECONDS, RenderQueueFull
from invoiceport.platform.context import context
from invoiceport.platform.web import ApiError

# Bump when the XML an export writes changes, so that clients fetch the new one.
EXPORT_REVISION = "1"


def parse_format(value: str | None) -> str:
    """The `format` query parameter; ApiError 400 naming the formats when missing or unknown."""
    if value is None:
        raise ApiError(400, f"format: required, one of {', '.join(FORMAT_NAMES)}")
    try:
        return get_format(value).name
    except UnknownFormat as exc:
        raise ApiError(400, f"format: {exc}") from None


def refusal_body(refused: Refused, invoice_number: str) -> dict[str, Any]:
    """The 422 body: a message, `errors` as "field: [rule] text" lines, and `failures`."""
    return {
        "error": f"invoice {invoice_number} cannot be a valid {refused.format} e-invoice: "
        f"failed {', '.join(refused.rule_ids())}",
        "errors": [f"{f.field}: [{f.rule}] {f.text}" for f in refused.failures],
        "failures": refused.errors(),
    }


def _etag(etag_source: str, fmt: str, supplier: Supplier) -> str:
    seller = hashlib.sha256(repr((supplier.seller, supplier.payment, supplier.name)).encode())
    return etag_for(f"einvoice/{EXPORT_REVISION}/{fmt}/{etag_source}/{seller.hexdigest()[:16]}")


async def einvoice_response(
    request: Request,
    stored: StoredInvoice,
    fmt: str,
    *,
    etag_source: str,
    partner_id: int,
) -> Response:
    """The stored invoice as a validated e-invoice in `fmt`, or 304; raises `Refused`."""
    ctx = context(request)
    supplier = supplier_from_settings(ctx.settings)
    etag = _etag(etag_source, fmt, supplier)
    headers = {"ETag": etag, "Cache-Control": CACHE_CONTROL}
    if if_none_match_matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    invoice = stored.invoice()
    pdf = None
    if fmt == "facturx":
        from invoiceport.pdf import render_invoice_pdf

        def render() -> bytes:
            return render_invoice_pdf(invoice, letterhead=ctx.letterhead, version=stored.version)

        key = (
            RENDER_REVISION,
            etag_source,
            stored.id,
            stored.version,
            stored.updated_at,
            ctx.letterhead,
        )
        try:
            pdf = await ctx.pdf_renders.pdf(partner_id, key, render)
        except RenderQueueFull as exc:
            raise ApiError(
                429, str(exc), headers={"Retry-After": str(RETRY_AFTER_SECONDS)}
            ) from None
    done = await export_invoice_async(invoice, fmt, supplier, pdf=pdf)
    name = filename(invoice, done.format)
    headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return Response(done.body, media_type=done.media_type, headers=headers)
