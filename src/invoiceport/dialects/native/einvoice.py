"""`GET /v1/invoices/{customer_number}/{invoice_number}/einvoice?format=...` (and under
`/v1/sandbox/`): the invoice as a validated EN 16931 e-invoice (docs/einvoicing.md).

`format`: `peppol-bis3`, `xrechnung`, `cii` (`application/xml`) or `facturx` (`application/pdf`).
Order of checks: credential (401), rate limit (429), `format` (400), customer grant (403), the
invoice (404), `If-None-Match` (304), then the export and its validation: a document that cannot
be a valid e-invoice is a 422 problem listing each failed rule (`failures`: rule, text, field).
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from invoiceport.dialects.native.errors import MEDIA_TYPE, Problem, problem_body
from invoiceport.dialects.native.http import environment_of, native_router
from invoiceport.dialects.native.invoices import (
    CustomerNumber,
    InvoiceNumber,
    check_key,
    require_customer,
)
from invoiceport.einvoice.export import FORMAT_NAMES, Refused
from invoiceport.einvoice.http import einvoice_response, refusal_body
from invoiceport.kit import Caller, Fetched, Read, reads
from invoiceport.kit.params import can_be_key
from invoiceport.platform.web import dump_json
from invoiceport.reads.service import ByKey

router = native_router()
FORMATS = ", ".join(FORMAT_NAMES)


def einvoice_read(request: Request) -> Read:
    """The invoice at the path's key where the customer is granted; never from the render cache
    (the export reads the document itself)."""
    customer = request.path_params["customer_number"]
    number = request.path_params["invoice_number"]
    if not (can_be_key(customer) and can_be_key(number)):
        return Read(account=customer)
    return Read(ByKey(environment_of(request), customer, number), None, account=customer)


async def einvoice(
    request: Request,
    principal: Caller,
    customer_number: CustomerNumber,
    invoice_number: InvoiceNumber,
    found: Fetched,
) -> Response:
    """The invoice or credit memo as a validated e-invoice; 422 names the failed rules."""
    check_key("customer_number", customer_number)
    check_key("invoice_number", invoice_number)
    chosen = request.query_params.get("format")
    if chosen not in FORMAT_NAMES:
        shown = "missing" if chosen is None else f"unknown format {chosen!r}"
        raise Problem(400, f"format: {shown}; one of {FORMATS}", "format")
    require_customer(principal, customer_number)
    stored = found.invoice
    if not found.exists or stored is None or found.stamp is None:
        raise Problem(404, f"no invoice {invoice_number!r} of customer {customer_number!r}")
    version, updated_at = found.stamp
    source = (
        f"native/{environment_of(request)}/{customer_number}/{invoice_number}/"
        f"{version}/{updated_at.isoformat()}"
    )
    try:
        return await einvoice_response(
            request, stored, chosen, etag_source=source, partner_id=principal.partner_id
        )
    except Refused as refused:
        refusal = refusal_body(refused, invoice_number)
        body = problem_body(422, refusal["error"], None)
        body["failures"] = refusal["failures"]
        return Response(dump_json(body), status_code=422, media_type=MEDIA_TYPE)


for _prefix in ("/v1", "/v1/sandbox"):
    router.add_api_route(
        _prefix + "/invoices/{customer_number}/{invoice_number}/einvoice",
        reads(einvoice_read)(einvoice),
        methods=["GET"],
        summary="One invoice as a validated e-invoice (Peppol BIS 3, XRechnung, CII, Factur-X)",
        openapi_extra={
            "parameters": [
                {
                    "name": "format",
                    "in": "query",
                    "required": True,
                    "schema": {"type": "string", "enum": list(FORMAT_NAMES)},
                }
            ]
        },
    )
