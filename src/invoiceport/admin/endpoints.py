"""The native admin API (DESIGN.md "Admin API and CLI"): a stable contract, behind the admin token.

Bodies are read by hand rather than declared as pydantic parameters: JSON numbers must become exact
Decimals (FastAPI's JSON decoding goes through float), and bodies have size limits with a clear 413.
"""

from __future__ import annotations

import asyncio
import hmac
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from invoiceport.accounts import service as accounts
from invoiceport.admin.idempotency import idempotent
from invoiceport.einvoice.export import Refused
from invoiceport.einvoice.http import einvoice_response, parse_format, refusal_body
from invoiceport.einvoice.ingest import ingest_check
from invoiceport.invoices import queries
from invoiceport.invoices import service as ingest
from invoiceport.invoices.validation import (
    InvoiceRejected,
    decode_json,
    parse_document,
    validation_errors,
)
from invoiceport.overview import service as overview
from invoiceport.partners import service as partner_service
from invoiceport.partners.schemas import (
    CLIENT_ID_MAX_LENGTH,
    CustomerGrant,
    OAuthClientCreate,
    Partner,
    PartnerCreate,
    PartnerRename,
)
from invoiceport.platform.context import AppContext, context
from invoiceport.platform.db import utcnow
from invoiceport.platform.web import (
    ApiError,
    JSONBytesResponse,
    parse_bool,
    read_body,
    reject_nul,
)

Model = TypeVar("Model", bound=BaseModel)


def require_admin(request: Request) -> None:
    token = context(request).settings.admin_token
    assert token is not None  # the router is only mounted when a token is configured
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        given.strip().encode(), token.get_secret_value().encode()
    ):
        raise ApiError(
            401,
            "missing or invalid admin token (Authorization: Bearer <INVOICEPORT_ADMIN_TOKEN>)",
            headers={"WWW-Authenticate": "Bearer"},
        )


# NUL in a path or query value is a 400 before it can reach PostgreSQL (docs/hardening.md).
router = APIRouter(
    prefix="/admin/v1", tags=["admin"], dependencies=[Depends(require_admin), Depends(reject_nul)]
)
ServicesDep = Annotated[AppContext, Depends(context)]
PartnerId = Annotated[int, Path(ge=1, le=2**31 - 1)]
ClientId = Annotated[str, Path(max_length=CLIENT_ID_MAX_LENGTH)]


def _verify_totals(request: Request) -> bool:
    return parse_bool("verify_totals", request.query_params.get("verify_totals"), True)


async def _model_body(request: Request, model: type[Model], *, optional: bool = False) -> Model:
    raw = await read_body(request, context(request).settings.max_body_bytes)
    if optional and not raw.strip():
        return model()
    try:
        data: Any = decode_json(raw)
        return model.model_validate(data)
    except InvoiceRejected as exc:
        raise ApiError(422, "invalid request body", exc.errors) from None
    except ValidationError as exc:
        raise ApiError(422, "invalid request body", validation_errors(exc)) from None


@router.post("/invoices", summary="Create or update one canonical invoice")
async def upsert_invoice(request: Request, svc: ServicesDep) -> Response:
    raw = await read_body(request, svc.settings.max_body_bytes)

    async def run() -> Response:
        try:
            invoice = parse_document(raw, verify_totals=_verify_totals(request))
        except InvoiceRejected as exc:
            await overview.record_rejections(
                svc.engine, "admin", [(None, exc.errors, raw)], utcnow()
            )
            raise ApiError(422, "invoice rejected", exc.errors) from None
        check = ingest_check(svc.settings)
        if check is not None and (problems := await asyncio.to_thread(check, invoice)):
            raise ApiError(422, "invoice rejected: it cannot be a valid e-invoice", problems)
        outcome = await ingest.upsert(svc.engine, invoice)
        return JSONBytesResponse({"result": outcome.result, "version": outcome.version})

    return await idempotent(request, raw, run)


@router.post("/invoices/bulk", summary="Create or update invoices from NDJSON, one a line")
async def bulk_upsert(request: Request, svc: ServicesDep) -> Response:
    verify = _verify_totals(request)
    raw = await read_body(request, svc.settings.max_bulk_bytes)

    async def run() -> Response:
        bulk = ingest.BulkIngest(
            svc.engine,
            verify_totals=verify,
            batch_size=svc.settings.bulk_batch_size,
            max_line_bytes=svc.settings.max_body_bytes,
            check=ingest_check(svc.settings),
        )
        lines = raw.split(b"\n")
        for number, line in enumerate(lines, start=1):
            await bulk.add_raw(number, line)
        report = await bulk.finish()
        if report.rejected:  # kept for the console, with the documents' text
            rejected = [(r.line, r.errors, lines[r.line - 1]) for r in report.rejected]
            await overview.record_rejections(svc.engine, "admin-bulk", rejected, utcnow())
        return JSONBytesResponse(report.as_json())

    return await idempotent(request, raw, run)


@router.get(
    "/invoices/{environment}/{customer_number}/{invoice_number}",
    summary="The stored canonical document with version, created_at and updated_at",
)
async def get_invoice(
    environment: str, customer_number: str, invoice_number: str, svc: ServicesDep
) -> JSONBytesResponse:
    stored = await queries.get_invoice(svc.engine, environment, customer_number, invoice_number)
    if stored is None:
        raise ApiError(404, f"invoice {environment}/{customer_number}/{invoice_number} not found")
    return JSONBytesResponse(stored.as_json())


@router.get(
    "/invoices/{environment}/{customer_number}/{invoice_number}/einvoice",
    summary="The invoice as a validated EN 16931 e-invoice (format: "
    "peppol-bis3, xrechnung, cii or facturx); 422 lists the failed rules",
)
async def get_einvoice(
    environment: str,
    customer_number: str,
    invoice_number: str,
    request: Request,
    svc: ServicesDep,
    format: Annotated[
        str,
        Query(
            description="peppol-bis3, xrechnung, cii or facturx",
            json_schema_extra={"enum": ["peppol-bis3", "xrechnung", "cii", "facturx"]},
        ),
    ],
) -> Response:
    fmt = parse_format(format)
    stored = await queries.get_invoice(svc.engine, environment, customer_number, invoice_number)
    if stored is None:
        raise ApiError(404, f"invoice {environment}/{customer_number}/{invoice_number} not found")
    try:
        return await einvoice_response(
            request,
            stored,
            fmt,
            etag_source=f"admin/{environment}/{customer_number}/{invoice_number}/{stored.version}",
            partner_id=0,
        )
    except Refused as refused:
        return JSONBytesResponse(refusal_body(refused, invoice_number), status_code=422)


def _partner_json(partner: Partner) -> dict[str, Any]:
    return partner.model_dump(mode="json")


@router.post("/partners", status_code=201, summary="Create a partner with customer grants")
async def create_partner(request: Request, svc: ServicesDep) -> JSONBytesResponse:
    body = await _model_body(request, PartnerCreate)
    partner_id = await partner_service.create_partner(svc.engine, body)
    return JSONBytesResponse({"id": partner_id}, status_code=201)


@router.get("/partners", summary="All partners with their grants and credentials (no secrets)")
async def list_partners(svc: ServicesDep) -> JSONBytesResponse:
    partners = await partner_service.list_partners(svc.engine)
    return JSONBytesResponse({"partners": [_partner_json(p) for p in partners]})


@router.get("/partners/{partner_id}", summary="One partner (no secrets)")
async def get_partner(partner_id: PartnerId, svc: ServicesDep) -> JSONBytesResponse:
    return JSONBytesResponse(
        _partner_json(await partner_service.get_partner(svc.engine, partner_id))
    )


@router.patch("/partners/{partner_id}", summary="Rename a partner")
async def rename_partner(
    partner_id: PartnerId, request: Request, svc: ServicesDep
) -> JSONBytesResponse:
    body = await _model_body(request, PartnerRename)
    partner = await partner_service.rename_partner(svc.engine, partner_id, body.name)
    return JSONBytesResponse(_partner_json(partner))


@router.delete(
    "/partners/{partner_id}",
    status_code=204,
    summary="Delete a partner with its grants, credentials and webhook subscriptions",
)
async def delete_partner(partner_id: PartnerId, svc: ServicesDep) -> Response:
    await partner_service.delete_partner(svc.engine, partner_id)
    return Response(status_code=204)


@router.post("/partners/{partner_id}/customers", summary="Grant customer numbers to a partner")
async def grant_customers(
    partner_id: PartnerId, request: Request, svc: ServicesDep
) -> JSONBytesResponse:
    body = await _model_body(request, CustomerGrant)
    partner = await partner_service.grant_customers(svc.engine, partner_id, body.customer_numbers)
    return JSONBytesResponse(_partner_json(partner))


@router.post(
    "/partners/{partner_id}/customers/revoke",
    summary="Take customer numbers away from a partner (numbers not granted are ignored)",
)
async def revoke_customers(
    partner_id: PartnerId, request: Request, svc: ServicesDep
) -> JSONBytesResponse:
    body = await _model_body(request, CustomerGrant)
    partner = await partner_service.revoke_customers(svc.engine, partner_id, body.customer_numbers)
    return JSONBytesResponse(_partner_json(partner))


@router.post("/partners/{partner_id}/api-keys", status_code=201, summary="Issue an API key")
async def create_api_key(partner_id: PartnerId, svc: ServicesDep) -> JSONBytesResponse:
    issued = await partner_service.issue_api_key(svc.engine, partner_id)
    return JSONBytesResponse({"id": issued.id, "key": issued.key}, status_code=201)


@router.delete(
    "/partners/{partner_id}/api-keys/{key_id}", status_code=204, summary="Revoke an API key"
)
async def revoke_api_key(
    partner_id: PartnerId, key_id: Annotated[int, Path(ge=1, le=2**31 - 1)], svc: ServicesDep
) -> Response:
    await partner_service.revoke_api_key(svc.engine, partner_id, key_id)
    return Response(status_code=204)


@router.post(
    "/partners/{partner_id}/oauth-clients", status_code=201, summary="Issue an OAuth client"
)
async def create_oauth_client(
    partner_id: PartnerId, request: Request, svc: ServicesDep
) -> JSONBytesResponse:
    body = await _model_body(request, OAuthClientCreate, optional=True)
    issued = await partner_service.issue_oauth_client(svc.engine, partner_id, list(body.scopes))
    return JSONBytesResponse(
        {
            "client_id": issued.client_id,
            "client_secret": issued.client_secret,
            "scopes": list(issued.scopes),
        },
        status_code=201,
    )


@router.delete(
    "/partners/{partner_id}/oauth-clients/{client_id}",
    status_code=204,
    summary="Revoke an OAuth client (its tokens stop working)",
)
async def revoke_oauth_client(
    partner_id: PartnerId,
    client_id: Annotated[str, Path(max_length=CLIENT_ID_MAX_LENGTH)],
    svc: ServicesDep,
) -> Response:
    await partner_service.revoke_oauth_client(svc.engine, partner_id, client_id)
    return Response(status_code=204)


class PortalUserInvite(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    email: str = Field(min_length=3, max_length=254)


@router.post(
    "/partners/{partner_id}/portal-users",
    status_code=201,
    summary="Invite a partner portal user: a one-time invitation link (shown once)",
)
async def invite_portal_user(
    partner_id: PartnerId, request: Request, svc: ServicesDep
) -> JSONBytesResponse:
    body = await _model_body(request, PortalUserInvite)
    try:
        invitation = await accounts.invite(svc.engine, "portal", body.email, partner_id, utcnow())
    except accounts.AccountError as exc:
        raise ApiError(409 if "exists already" in str(exc) else 422, str(exc)) from None
    base = str(request.base_url).rstrip("/")
    return JSONBytesResponse(
        {
            "id": invitation.user_id,
            "invitation_url": f"{base}/portal/invitation?token={invitation.token}",
        },
        status_code=201,
    )
