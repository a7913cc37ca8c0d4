"""The console's partner pages: create, rename, delete, grants, API keys, OAuth clients, portal
users, and each partner's webhook subscriptions with their deliveries and a replay button."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import Response

from invoiceport.accounts import service as accounts
from invoiceport.invoices.validation import validation_errors
from invoiceport.partners import service as partners
from invoiceport.partners.schemas import ALL_SCOPES, CustomerGrant, PartnerCreate
from invoiceport.platform.context import context
from invoiceport.web.auth import checked_form, redirect
from invoiceport.web.console import me_of, page
from invoiceport.web.portal import NotFound
from invoiceport.webhooks import service as webhooks
from invoiceport.webhooks.service import WebhookRequestRefused

router = APIRouter(include_in_schema=False)


def _numbers(text: str) -> list[str]:
    return [n for n in text.replace(",", " ").split() if n]


@router.get("/console/partners")
async def partner_list(request: Request) -> Response:
    me = await me_of(request)
    found = await partners.list_partners(context(request).engine)
    return page(request, "console/partners.html", me, partners=found, error=None)


@router.post("/console/partners")
async def partner_create(request: Request) -> Response:
    me = await me_of(request)
    form = await checked_form(request, me)
    engine = context(request).engine
    try:
        body = PartnerCreate(
            name=form.get("name", ""), customer_numbers=_numbers(form.get("customers", ""))
        )
    except ValidationError as exc:
        found = await partners.list_partners(engine)
        error = "; ".join(validation_errors(exc))
        return page(request, "console/partners.html", me, 400, partners=found, error=error)
    partner_id = await partners.create_partner(engine, body)
    return redirect(f"/console/partners/{partner_id}")


async def _detail(request: Request, partner_id: int, status: int = 200, **shown: Any) -> Response:
    me = await me_of(request)
    svc = context(request)
    try:
        partner = await partners.get_partner(svc.engine, partner_id)
    except partners.PartnerNotFound:
        raise NotFound() from None
    users = await accounts.portal_users(svc.engine, partner_id)
    endpoints = await webhooks.list_endpoints(svc.engine, partner_id)
    values = {"error": None, "secret": None, **shown}
    return page(
        request,
        "console/partner.html",
        me,
        status,
        partner=partner,
        users=users,
        endpoints=endpoints,
        scopes=ALL_SCOPES,
        **values,
    )


@router.get("/console/partners/{partner_id:int}")
async def partner_page(request: Request, partner_id: int) -> Response:
    return await _detail(request, partner_id)


@router.post("/console/partners/{partner_id:int}/{action}")
async def partner_action(request: Request, partner_id: int, action: str) -> Response:
    me = await me_of(request)
    form = await checked_form(request, me)
    svc = context(request)
    engine = svc.engine
    here = f"/console/partners/{partner_id}"
    try:
        if action == "rename":
            name = PartnerCreate(name=form.get("name", "")).name
            await partners.rename_partner(engine, partner_id, name)
        elif action in ("grant", "revoke"):
            numbers = CustomerGrant(customer_numbers=_numbers(form.get("customers", "")))
            call = partners.grant_customers if action == "grant" else partners.revoke_customers
            await call(engine, partner_id, list(numbers.customer_numbers))
        elif action == "delete":
            await partners.delete_partner(engine, partner_id)
            return redirect("/console/partners")
        elif action == "api-key":
            issued = await partners.issue_api_key(engine, partner_id)
            return await _detail(request, partner_id, secret=("API key", issued.key))
        elif action == "revoke-api-key":
            await partners.revoke_api_key(engine, partner_id, _int(form.get("key_id")))
        elif action == "oauth-client":
            scopes = [s for s in ALL_SCOPES if form.get(f"scope_{s}")] or list(ALL_SCOPES)
            client = await partners.issue_oauth_client(engine, partner_id, scopes)
            text = f"client_id {client.client_id}  client_secret {client.client_secret}"
            return await _detail(request, partner_id, secret=("OAuth client", text))
        elif action == "revoke-oauth-client":
            await partners.revoke_oauth_client(engine, partner_id, form.get("client_id", "")[:64])
        elif action == "portal-user":
            invite = await accounts.invite(
                engine, "portal", form.get("email", ""), partner_id, svc.clock()
            )
            link = f"{request.base_url}portal/invitation?token={invite.token}"
            return await _detail(request, partner_id, secret=("Invitation link", link))
        elif action == "disable-portal-user":
            await _own_user(engine, partner_id, _int(form.get("user_id")))
            await accounts.disable(engine, _int(form.get("user_id")), svc.clock())
        else:
            return await _detail(request, partner_id, 404, error=f"no such action: {action[:40]}")
    except ValidationError as exc:
        return await _detail(request, partner_id, 400, error="; ".join(validation_errors(exc)))
    except partners.PartnerNotFound:
        raise NotFound() from None
    except (accounts.AccountError, partners.CredentialNotFound, ValueError) as exc:
        return await _detail(request, partner_id, 400, error=str(exc))
    return redirect(here)


def _int(value: str | None) -> int:
    if value is None or not value.isdigit() or len(value) > 9:
        raise ValueError(f"not an id: {str(value)[:20]!r}")
    return int(value)


async def _own_user(engine: Any, partner_id: int, user_id: int) -> None:
    if user_id not in {u.id for u in await accounts.portal_users(engine, partner_id)}:
        raise ValueError(f"user {user_id} is not a portal user of partner {partner_id}")


@router.get("/console/partners/{partner_id:int}/webhooks/{endpoint_id:int}")
async def endpoint_page(request: Request, partner_id: int, endpoint_id: int) -> Response:
    return await _endpoint(request, partner_id, endpoint_id)


async def _endpoint(
    request: Request, partner_id: int, endpoint_id: int, status: int = 200, error: str | None = None
) -> Response:
    me = await me_of(request)
    engine = context(request).engine
    failed_only = request.query_params.get("failed") == "1"
    statuses = ["failed", "pending"] if failed_only else []
    try:
        partner = await partners.get_partner(engine, partner_id)
    except partners.PartnerNotFound:
        raise NotFound() from None
    try:
        endpoint = await webhooks.get_endpoint(engine, partner_id, endpoint_id)
        found = await webhooks.list_deliveries(
            engine, partner_id, endpoint_id, statuses, page=1, page_size=50
        )
    except webhooks.EndpointNotFound as exc:
        return await _detail(request, partner_id, 404, error=str(exc))
    attempts = {}
    for delivery in found.items:
        if delivery.status != "delivered" and delivery.attempt_count:
            _, attempts[delivery.id] = await webhooks.get_delivery(
                engine, partner_id, endpoint_id, delivery.id
            )
    return page(
        request,
        "console/endpoint.html",
        me,
        status,
        partner=partner,
        endpoint=endpoint,
        deliveries=found,
        attempts=attempts,
        failed_only=failed_only,
        error=error,
    )


@router.post("/console/partners/{partner_id:int}/webhooks/{endpoint_id:int}/replay")
async def replay(request: Request, partner_id: int, endpoint_id: int) -> Response:
    me = await me_of(request)
    form = await checked_form(request, me)
    engine = context(request).engine
    try:
        await webhooks.replay_delivery(
            engine, partner_id, endpoint_id, _int(form.get("delivery_id"))
        )
    except (WebhookRequestRefused, webhooks.DeliveryNotFound, ValueError) as exc:
        return await _endpoint(request, partner_id, endpoint_id, 409, str(exc))
    return redirect(f"/console/partners/{partner_id}/webhooks/{endpoint_id}")
