"""`/api/notification/v2/webhooks[/{webhookId}]`: ABC Supply's v2 notification subscriptions
(scope `invoice.webhooks.manage`), at most 5 per OAuth client, the secret shown once.

They are webhook endpoints of the core (`invoiceport.webhooks`) in the `notification` style:
the same outbox, worker, retries and replay as every subscription; deliveries carry the secret
in `Authorization` besides the Standard Webhooks headers. This API sees only its own
subscriptions: any other id (another partner's, or one made under `/api/invoice/v1/webhooks`)
is a 404.
"""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response
from pydantic import BaseModel, ValidationError

from invoiceport.dialects.abcsupply import errors
from invoiceport.dialects.abcsupply.live import notification_views as views
from invoiceport.dialects.abcsupply.live.dialect import NOTIFICATIONS
from invoiceport.dialects.abcsupply.routes import ERRORS
from invoiceport.dialects.abcsupply.views import AbcJSONResponse
from invoiceport.invoices.validation import InvoiceRejected, decode_json, validation_errors
from invoiceport.kit import Caller, route_class
from invoiceport.partners.schemas import Principal
from invoiceport.platform.context import context
from invoiceport.platform.web import read_body
from invoiceport.webhooks import changes, service
from invoiceport.webhooks.schemas import NOTIFICATION, Endpoint, EndpointCreate

router = APIRouter(
    prefix="/api/notification/v2/webhooks",
    tags=["notifications"],
    route_class=route_class(NOTIFICATIONS),
)
WebhookId = Annotated[int, Path(alias="webhookId", ge=1, le=2**31 - 1)]
Model = TypeVar("Model", bound=BaseModel)
RESPONSES: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    409: {"description": "Five subscriptions already (delete one first)"},
}


def _body_schema(model: type[BaseModel]) -> dict[str, Any]:
    schema = model.model_json_schema()
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


async def _body(request: Request, model: type[Model]) -> Model:
    raw = await read_body(request, context(request).settings.max_body_bytes)
    try:
        return model.model_validate(decode_json(raw))
    except InvoiceRejected as exc:
        raise errors.bad_request("invalid request body: " + "; ".join(exc.errors)) from None
    except ValidationError as exc:
        problems = validation_errors(exc)
        message = "invalid request body: " + "; ".join(problems)
        raise errors.bad_request(message, problems) from None


async def _own(request: Request, principal: Principal, webhook_id: int) -> Endpoint:
    found = await service.get_endpoint(context(request).engine, principal.partner_id, webhook_id)
    if found.style != NOTIFICATION:
        raise service.EndpointNotFound(webhook_id)
    return found


@router.post(
    "",
    status_code=201,
    summary="Subscribe a URL to order events (the secret is shown once)",
    responses=RESPONSES,
    openapi_extra=_body_schema(views.NotificationCreate),
)
async def create_webhook(request: Request, principal: Caller) -> Response:
    body = await _body(request, views.NotificationCreate)
    svc = context(request)
    wanted = EndpointCreate.model_validate(
        {"url": body.url, "events": views.core_events(list(body.events))}
    )
    issued = await service.create_endpoint(
        svc.engine,
        svc.settings,
        principal.partner_id,
        wanted,
        style=NOTIFICATION,
        client_id=principal.client_id,
    )
    answer = views.subscription(issued.endpoint) | {"secret": issued.secret}
    return AbcJSONResponse(answer, status_code=201, headers={"Cache-Control": "no-store"})


@router.get("", summary="The application's notification webhooks", responses=ERRORS)
async def list_webhooks(request: Request, principal: Caller) -> Response:
    found = await service.list_endpoints(context(request).engine, principal.partner_id)
    mine = [views.subscription(each) for each in found if each.style == NOTIFICATION]
    return AbcJSONResponse(mine)


@router.get("/{webhookId}", summary="One notification webhook", responses=ERRORS)
async def get_webhook(request: Request, principal: Caller, webhook_id: WebhookId) -> Response:
    return AbcJSONResponse(views.subscription(await _own(request, principal, webhook_id)))


@router.patch(
    "/{webhookId}",
    summary="Change a webhook's URL or events",
    responses=ERRORS,
    openapi_extra=_body_schema(views.NotificationChange),
)
async def change_webhook(request: Request, principal: Caller, webhook_id: WebhookId) -> Response:
    body = await _body(request, views.NotificationChange)
    await _own(request, principal, webhook_id)
    svc = context(request)
    events = None if body.events is None else views.core_events(list(body.events))
    changed = await changes.update_endpoint(
        svc.engine, svc.settings, principal.partner_id, webhook_id, url=body.url, events=events
    )
    return AbcJSONResponse(views.subscription(changed))


@router.delete("/{webhookId}", status_code=204, summary="Remove a webhook", responses=ERRORS)
async def delete_webhook(request: Request, principal: Caller, webhook_id: WebhookId) -> Response:
    await _own(request, principal, webhook_id)
    await service.delete_endpoint(context(request).engine, principal.partner_id, webhook_id)
    return Response(status_code=204)
