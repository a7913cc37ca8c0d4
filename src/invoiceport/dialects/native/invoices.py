"""`GET /v1/invoices/{customer_number}/{invoice_number}` (and `/v1/sandbox/...`): one canonical
document as JSON or, by `Accept: application/pdf`, as a PDF; strong ETag and `Last-Modified`,
304 on `If-None-Match` / `If-Modified-Since` before anything is rendered.

Order of checks: credential (401), rate limit (429), `Accept` (406), customer grant (403), then
the invoice (404), then the validators (304).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Request
from fastapi.responses import Response

from invoiceport.dialects.native import views
from invoiceport.dialects.native.errors import Problem, bad_parameter
from invoiceport.dialects.native.http import (
    JSON,
    PDF,
    environment_of,
    native_router,
    negotiate,
    not_modified,
    strong_etag,
    validators,
)
from invoiceport.kit import Caller, Fetched, Found, Read, letterhead, reads, render_cache
from invoiceport.kit.params import CONTROL_CHARS, MAX_KEY, can_be_key
from invoiceport.partners.schemas import Principal
from invoiceport.pdf.http import stored_invoice_pdf
from invoiceport.reads.service import ByKey

router = native_router()

CustomerNumber = Annotated[str, Path(max_length=64)]
InvoiceNumber = Annotated[str, Path(max_length=64)]
DETAIL_OFFERS = (JSON, PDF)


def invoice_read(request: Request) -> Read:
    """The invoice at the path's key, read with the credential where the customer is granted;
    a JSON rendering is cached per stored version."""
    customer = request.path_params["customer_number"]
    number = request.path_params["invoice_number"]
    if not (can_be_key(customer) and can_be_key(number)):
        return Read(account=customer)
    environment = environment_of(request)
    lookup = ByKey(environment, customer, number)
    wants_pdf = "pdf" in request.headers.get("accept", "")
    key = None if wants_pdf else ("native", environment, customer, number)
    return Read(lookup, key, account=customer)


def check_key(name: str, value: str) -> None:
    """A path key longer than any stored one, or with control characters, is a 400."""
    if len(value) > MAX_KEY or CONTROL_CHARS.search(value):
        raise bad_parameter(name, f"at most {MAX_KEY} printable characters")


def require_customer(principal: Principal, customer_number: str) -> None:
    if not principal.may_see(customer_number):
        detail = f"customer_number: {customer_number!r} is not granted to this credential"
        raise Problem(403, detail, "customer_number")


def etag_source(request: Request, found: Found, media_type: str) -> str:
    stamp = found.stamp
    assert stamp is not None
    version, updated_at = stamp
    p = request.path_params
    return (
        f"native/{environment_of(request)}/{p['customer_number']}/{p['invoice_number']}/"
        f"{version}/{updated_at.isoformat()}/{media_type}"
    )


async def invoice(
    request: Request,
    principal: Caller,
    customer_number: CustomerNumber,
    invoice_number: InvoiceNumber,
    found: Fetched,
) -> Response:
    """One invoice, credit memo or open order: the canonical document (JSON) or its PDF."""
    check_key("customer_number", customer_number)
    check_key("invoice_number", invoice_number)
    media_type = negotiate(request, DETAIL_OFFERS)
    require_customer(principal, customer_number)
    if not found.exists or found.stamp is None:
        detail = f"no invoice {invoice_number!r} of customer {customer_number!r}"
        raise Problem(404, detail)
    updated_at = found.stamp[1]
    if media_type == PDF:
        stored = found.invoice
        if stored is None:  # pragma: no cover - a PDF read is never answered from the cache
            raise Problem(503, "try again", headers={"Retry-After": "1"})
        source = etag_source(request, found, PDF)
        early = not_modified(request, strong_etag(source), updated_at)
        if early is not None:
            return early
        response = await stored_invoice_pdf(
            request,
            stored,
            letterhead(request),
            partner_id=principal.partner_id,
            etag_source=source,
            filename=f"{invoice_number}.pdf",
        )
        response.headers.update(validators(strong_etag(source), updated_at))
        return response
    etag = strong_etag(etag_source(request, found, JSON))
    early = not_modified(request, etag, updated_at)
    if early is not None:
        return early
    body = found.render(render_cache(request), views.document)
    return Response(body, media_type=JSON, headers=validators(etag, updated_at))


for _prefix in ("/v1", "/v1/sandbox"):
    router.add_api_route(
        _prefix + "/invoices/{customer_number}/{invoice_number}",
        reads(invoice_read)(invoice),
        methods=["GET"],
        summary="One invoice",
    )
