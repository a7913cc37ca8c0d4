"""`bearer_principal`: what every OAuth dialect route calls, on both databases."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import select

from invoiceport.db import utcnow
from invoiceport.partners.credentials import digest
from invoiceport.partners.oauth import AuthError, bearer_principal
from invoiceport.partners.tables import oauth_tokens
from tests.oauth.support import Client, app_client, bearer, make_settings, new_client, token_for


def add_probe(app: FastAPI) -> None:
    """A route as a dialect would write it: authenticate, or render the AuthError."""

    @app.get("/probe")
    async def probe(request: Request) -> JSONResponse:
        try:
            who = await bearer_principal(request, scope=request.query_params.get("scope"))
        except AuthError as exc:
            headers = {"WWW-Authenticate": exc.www_authenticate} if exc.www_authenticate else None
            return JSONResponse({"message": exc.message}, exc.status_code, headers=headers)
        return JSONResponse(
            {
                "partner_id": who.partner_id,
                "customers": sorted(who.customer_numbers),
                "scopes": sorted(who.scopes),
                "client_id": who.client_id,
            }
        )


@pytest.fixture
async def probe(database_url: str) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    async with app_client(make_settings(database_url)) as (app, http):
        add_probe(app)
        yield app, http


async def test_a_valid_token_gives_the_partner(probe: tuple[FastAPI, httpx.AsyncClient]) -> None:
    _app, http = probe
    client = await new_client(http, ["C100", "C200"])
    token = await token_for(http, client)
    response = await http.get("/probe", headers=bearer(token))
    assert response.status_code == 200, response.text
    assert response.json() == {
        "partner_id": client.partner_id,
        "customers": ["C100", "C200"],
        "scopes": ["invoice.history.read", "invoice.read", "invoice.webhooks.manage"],
        "client_id": client.client_id,
    }
    lower = await http.get("/probe", headers={"Authorization": f"bearer {token}"})
    assert lower.status_code == 200  # the scheme name is case-insensitive (RFC 6750)


@pytest.mark.parametrize(
    "header", ["", "Bearer", "Bearer ", "Basic abc", "Bearer not-a-token", "Bearer " + "x" * 300]
)
async def test_missing_or_unknown_tokens_are_401(
    probe: tuple[FastAPI, httpx.AsyncClient], header: str
) -> None:
    _app, http = probe
    response = await http.get("/probe", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith('Bearer realm="invoiceport"')
    assert response.json()["message"]


async def test_a_missing_scope_is_403_naming_it(probe: tuple[FastAPI, httpx.AsyncClient]) -> None:
    _app, http = probe
    client = await new_client(http, ["C100"])
    narrow = await token_for(http, client, scope="invoice.history.read")
    ok = await http.get("/probe", params={"scope": "invoice.history.read"}, headers=bearer(narrow))
    assert ok.status_code == 200
    response = await http.get(
        "/probe", params={"scope": "invoice.webhooks.manage"}, headers=bearer(narrow)
    )
    assert response.status_code == 403
    assert "invoice.webhooks.manage" in response.json()["message"]
    assert 'error="insufficient_scope"' in response.headers["www-authenticate"]


async def test_revoking_the_client_stops_its_tokens_at_once(
    probe: tuple[FastAPI, httpx.AsyncClient],
) -> None:
    _app, http = probe
    client: Client = await new_client(http, ["C100"])
    other = await new_client(http, ["C100"], name="Other")
    token, other_token = await token_for(http, client), await token_for(http, other)
    assert (await http.get("/probe", headers=bearer(token))).status_code == 200
    url = f"/admin/v1/partners/{client.partner_id}/oauth-clients/{client.client_id}"
    assert (await http.delete(url)).status_code in (200, 204)
    assert (await http.get("/probe", headers=bearer(token))).status_code == 401
    assert (await http.get("/probe", headers=bearer(other_token))).status_code == 200


async def test_an_expired_token_is_401(probe: tuple[FastAPI, httpx.AsyncClient]) -> None:
    app, http = probe
    client = await new_client(http, ["C100"])
    issued_at = utcnow()
    app.state.clock = lambda: issued_at
    token = await token_for(http, client)

    def at(moment: datetime) -> None:
        app.state.clock = lambda: moment

    at(issued_at + timedelta(seconds=86398))
    assert (await http.get("/probe", headers=bearer(token))).status_code == 200
    at(issued_at + timedelta(seconds=86399))
    response = await http.get("/probe", headers=bearer(token))
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["www-authenticate"]


async def test_expired_tokens_are_purged_when_new_ones_are_issued(
    probe: tuple[FastAPI, httpx.AsyncClient],
) -> None:
    app, http = probe
    client = await new_client(http, ["C100"])
    start = utcnow()
    app.state.clock = lambda: start
    old = await token_for(http, client)
    app.state.clock = lambda: start + timedelta(days=2)
    new = await token_for(http, client)
    engine = app.state.services.engine
    async with engine.connect() as conn:
        hashes = set((await conn.execute(select(oauth_tokens.c.token_hash))).scalars())
    assert hashes == {digest(new)}
    assert digest(old) not in hashes
