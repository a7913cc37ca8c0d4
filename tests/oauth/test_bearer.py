"""Bearer tokens as the dialect kit checks them for every OAuth dialect route, on both databases."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import httpx
import pytest
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import select

from invoiceport import kit
from invoiceport.kit import Bearer, Dialect
from invoiceport.partners.credentials import digest
from invoiceport.partners.schemas import ALL_SCOPES
from invoiceport.partners.tables import oauth_tokens
from invoiceport.platform.db import utcnow
from tests.oauth.support import Client, app_client, bearer, make_settings, new_client, token_for


def _render(
    status: int, message: str, _errors: list[str] | None, headers: dict[str, str] | None
) -> Response:
    return JSONResponse({"message": message}, status, headers=headers)


def add_probe(app: FastAPI) -> None:
    """Routes as a dialect declares them (the kit authenticates, or renders the refusal): one
    without a scope, and one for each scope a client can hold. Each checks the grant of the
    account named by `?account=`, as a dialect route checks the one account it serves."""
    for scope in (None, *ALL_SCOPES):
        dialect = Dialect("probe", Bearer(scope), _render, prefixes=("/probe",))
        router = APIRouter(route_class=kit.route_class(dialect))

        @router.get("/probe" if scope is None else f"/probe/{scope}")
        @kit.reads(lambda request: kit.Read(account=request.query_params.get("account")))
        async def probe(request: Request, who: kit.Caller) -> JSONResponse:
            account = request.query_params.get("account")
            return JSONResponse(
                {
                    "partner_id": who.partner_id,
                    "granted": account is not None and who.may_see(account),
                    "scopes": sorted(who.scopes),
                    "client_id": who.client_id,
                }
            )

        app.include_router(router)


@pytest.fixture
async def probe(database_url: str) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    async with app_client(make_settings(database_url)) as (app, http):
        add_probe(app)
        yield app, http


async def test_a_valid_token_gives_the_partner(probe: tuple[FastAPI, httpx.AsyncClient]) -> None:
    _app, http = probe
    client = await new_client(http, ["C100", "C200"])
    token = await token_for(http, client)
    for account, granted in (("C100", True), ("C200", True), ("C300", False)):
        response = await http.get("/probe", params={"account": account}, headers=bearer(token))
        assert response.status_code == 200, response.text
        assert response.json() == {
            "partner_id": client.partner_id,
            "granted": granted,
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
    ok = await http.get("/probe/invoice.history.read", headers=bearer(narrow))
    assert ok.status_code == 200
    response = await http.get("/probe/invoice.webhooks.manage", headers=bearer(narrow))
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
    app.state.context.clock = lambda: issued_at
    token = await token_for(http, client)

    def at(moment: datetime) -> None:
        app.state.context.clock = lambda: moment

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
    app.state.context.clock = lambda: start
    old = await token_for(http, client)
    app.state.context.clock = lambda: start + timedelta(days=2)
    new = await token_for(http, client)
    engine = app.state.context.engine
    async with engine.connect() as conn:
        hashes = set((await conn.execute(select(oauth_tokens.c.token_hash))).scalars())
    assert hashes == {digest(new)}
    assert digest(old) not in hashes
