"""Webhook subscriptions under `/api/invoice/v1/webhooks` (scope `invoice.webhooks.manage`).

A partner sees and changes only its own subscriptions: another partner's id is a 404, the same
answer as an id that does not exist. The signing secret is in the answers of create and
rotate-secret only. Everything else (fan-out, signing, retries) is `invoiceport.webhooks`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response
from pydantic import ValidationError

from invoiceport.dialects.abcsupply import errors, views
from invoiceport.dialects.abcsupply import schemas as doc
from invoiceport.dialects.abcsupply.dialect import WEBHOOKS
from invoiceport.dialects.abcsupply.params import MAX_PAGE_NUMBER, parse_int
from invoiceport.dialects.abcsupply.routes import ERRORS
from invoiceport.invoices.validation import InvoiceRejected, decode_json, validation_errors
from invoiceport.kit import Caller, route_class
from invoiceport.platform.context import context
from invoiceport.platform.web import read_body
from invoiceport.webhooks import service
from invoiceport.webhooks.schemas import DELIVERY_STATUSES, EndpointCreate, IssuedEndpoint

router = APIRouter(
    prefix="/api/invoice/v1/webhooks", tags=["webhooks"], route_class=route_class(WEBHOOKS)
)
Manager = Caller
WebhookId = Annotated[int, Path(alias="webhookId", ge=1, le=2**31 - 1)]
DeliveryId = Annotated[int, Path(alias="deliveryId", ge=1, le=2**63 - 1)]
MAX_DELIVERIES_PAGE = 100
RESPONSES: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    409: {"model": doc.Error, "description": "Conflict (see the message)"},
}


def _issued(issued: IssuedEndpoint, status_code: int) -> Response:
    body = views.webhook(issued.endpoint) | {"secret": issued.secret}
    # The secret is in this answer only: no cache may keep a copy.
    headers = {"Cache-Control": "no-store"}
    return views.AbcJSONResponse(body, status_code=status_code, headers=headers)


async def _create_body(request: Request) -> EndpointCreate:
    raw = await read_body(request, context(request).settings.max_body_bytes)
    try:
        return EndpointCreate.model_validate(decode_json(raw))
    except InvoiceRejected as exc:
        message = "invalid request body: " + "; ".join(exc.errors)
        raise errors.bad_request(message, exc.errors) from None
    except ValidationError as exc:
        problems = validation_errors(exc)
        message = "invalid request body: " + "; ".join(problems)
        raise errors.bad_request(message, problems) from None


@router.post(
    "",
    status_code=201,
    summary="Subscribe a URL to invoice events (the secret is shown once)",
    response_model=doc.WebhookWithSecret,
    responses=RESPONSES,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": EndpointCreate.model_json_schema()}},
        }
    },
)
async def create_webhook(request: Request, principal: Manager) -> Response:
    body = await _create_body(request)
    svc = context(request)
    issued = await service.create_endpoint(svc.engine, svc.settings, principal.partner_id, body)
    return _issued(issued, 201)


@router.get("", summary="The partner's webhooks", response_model=doc.Webhooks, responses=ERRORS)
async def list_webhooks(request: Request, principal: Manager) -> Response:
    found = await service.list_endpoints(context(request).engine, principal.partner_id)
    return views.AbcJSONResponse({"items": [views.webhook(each) for each in found]})


@router.get(
    "/{webhookId}",
    summary="One webhook, with why it is disabled if it is",
    response_model=doc.Webhook,
    responses=ERRORS,
)
async def get_webhook(request: Request, principal: Manager, webhook_id: WebhookId) -> Response:
    found = await service.get_endpoint(context(request).engine, principal.partner_id, webhook_id)
    return views.AbcJSONResponse(views.webhook(found))


@router.delete("/{webhookId}", status_code=204, summary="Remove a webhook", responses=ERRORS)
async def delete_webhook(request: Request, principal: Manager, webhook_id: WebhookId) -> Response:
    await service.delete_endpoint(context(request).engine, principal.partner_id, webhook_id)
    return Response(status_code=204)


@router.post(
    "/{webhookId}/rotate-secret",
    summary="A new signing secret (shown once); the old one signs too for a grace period",
    response_model=doc.WebhookWithSecret,
    responses=ERRORS,
)
async def rotate_secret(request: Request, principal: Manager, webhook_id: WebhookId) -> Response:
    svc = context(request)
    issued = await service.rotate_secret(svc.engine, svc.settings, principal.partner_id, webhook_id)
    return _issued(issued, 200)


@router.post(
    "/{webhookId}/enable",
    summary="Re-enable a disabled webhook",
    response_model=doc.Webhook,
    responses=ERRORS,
)
async def enable_webhook(request: Request, principal: Manager, webhook_id: WebhookId) -> Response:
    engine = context(request).engine
    found = await service.enable_endpoint(engine, principal.partner_id, webhook_id)
    return views.AbcJSONResponse(views.webhook(found))


def _statuses(request: Request) -> list[str]:
    wanted = request.query_params.getlist("status")
    unknown = [s for s in wanted if s not in DELIVERY_STATUSES]
    if unknown:
        raise errors.bad_request(
            f"status: expected one of {', '.join(DELIVERY_STATUSES)}, got {unknown[0][:40]!r}"
        )
    return wanted


@router.get(
    "/{webhookId}/deliveries",
    summary="Deliveries to this webhook, newest first (filter with status=...)",
    response_model=doc.Deliveries,
    responses=ERRORS,
)
async def list_deliveries(request: Request, principal: Manager, webhook_id: WebhookId) -> Response:
    statuses = _statuses(request)
    query = request.query_params
    page = parse_int("pageNumber", query.get("pageNumber"), 1, MAX_PAGE_NUMBER)
    size = parse_int("itemsPerPage", query.get("itemsPerPage"), 20, MAX_DELIVERIES_PAGE)
    found = await service.list_deliveries(
        context(request).engine,
        principal.partner_id,
        webhook_id,
        statuses,
        page=page,
        page_size=size,
    )
    return views.AbcJSONResponse(
        {
            "pagination": views.pagination(page=page, page_size=size, total=found.total),
            "items": [views.delivery(each) for each in found.items],
        }
    )


@router.get(
    "/{webhookId}/deliveries/{deliveryId}",
    summary="One delivery with every attempt",
    response_model=doc.DeliveryWithAttempts,
    responses=ERRORS,
)
async def get_delivery(
    request: Request, principal: Manager, webhook_id: WebhookId, delivery_id: DeliveryId
) -> Response:
    found, attempts = await service.get_delivery(
        context(request).engine, principal.partner_id, webhook_id, delivery_id
    )
    body = views.delivery(found) | {"attempts": [views.attempt(each) for each in attempts]}
    return views.AbcJSONResponse(body)


@router.get(
    "/{webhookId}/deliveries/{deliveryId}/attempts",
    summary="Every attempt of one delivery, oldest first",
    response_model=doc.Attempts,
    responses=ERRORS,
)
async def list_attempts(
    request: Request, principal: Manager, webhook_id: WebhookId, delivery_id: DeliveryId
) -> Response:
    _found, attempts = await service.get_delivery(
        context(request).engine, principal.partner_id, webhook_id, delivery_id
    )
    return views.AbcJSONResponse({"items": [views.attempt(each) for each in attempts]})


@router.post(
    "/{webhookId}/deliveries/{deliveryId}/replay",
    status_code=202,
    summary="Send a delivery again now (same webhook-id and body, fresh retry schedule)",
    response_model=doc.Delivery,
    responses=RESPONSES,
)
async def replay_delivery(
    request: Request, principal: Manager, webhook_id: WebhookId, delivery_id: DeliveryId
) -> Response:
    found = await service.replay_delivery(
        context(request).engine, principal.partner_id, webhook_id, delivery_id
    )
    return views.AbcJSONResponse(views.delivery(found), status_code=202)
