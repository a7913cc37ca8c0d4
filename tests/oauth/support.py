"""Helpers for tests that need OAuth clients and tokens (used by the dialect tests too)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx
from fastapi import FastAPI

from invoiceport.app import close, create_app
from invoiceport.settings import Settings
from tests.conftest import ADMIN_TOKEN

TOKEN_URL = "/oauth/oauth30/token"


@dataclass(frozen=True)
class Client:
    partner_id: int
    client_id: str
    client_secret: str


async def new_client(
    admin: httpx.AsyncClient,
    customers: Sequence[str] = ("C100",),
    scopes: Sequence[str] | None = None,
    name: str = "Partner",
) -> Client:
    """A partner granted `customers` with one OAuth client, through the admin API."""
    created = await admin.post(
        "/admin/v1/partners", json={"name": name, "customer_numbers": list(customers)}
    )
    assert created.status_code in (200, 201), created.text
    partner_id = created.json()["id"]
    body = {} if scopes is None else {"scopes": list(scopes)}
    issued = await admin.post(f"/admin/v1/partners/{partner_id}/oauth-clients", json=body)
    assert issued.status_code in (200, 201), issued.text
    data = issued.json()
    return Client(partner_id, data["client_id"], data["client_secret"])


async def token_for(http: httpx.AsyncClient, client: Client, scope: str | None = None) -> str:
    form = {
        "grant_type": "client_credentials",
        "client_id": client.client_id,
        "client_secret": client.client_secret,
    }
    if scope is not None:
        form["scope"] = scope
    response = await http.post(TOKEN_URL, data=form, headers={"Authorization": ""})
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@asynccontextmanager
async def app_client(settings: Settings) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    """The real app built from `settings`, and an httpx client over it with the admin token."""
    app = create_app(settings)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://invoiceport.test",
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
    ) as http:
        yield app, http
    await close(app)


def make_settings(database_url: str, **values: object) -> Settings:
    """Settings for one test: the test database, the admin token, no `.env`, plus `values`."""
    return Settings(
        database_url=database_url,
        admin_token=ADMIN_TOKEN,
        _env_file=None,  # type: ignore[call-arg]
        **values,  # type: ignore[arg-type]
    )
