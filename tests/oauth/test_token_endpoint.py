"""The token endpoint (RFC 6749 client credentials) over the real app, on both databases."""

from __future__ import annotations

import base64
import hashlib
from urllib.parse import quote_plus

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from invoiceport.partners.tables import oauth_tokens
from invoiceport.settings import Settings
from tests.conftest import ADMIN_TOKEN
from tests.oauth.support import TOKEN_URL, Client, app_client, new_client

NO_AUTH = {"Authorization": ""}


def form(client: Client, **extra: str) -> dict[str, str]:
    return {
        "grant_type": "client_credentials",
        "client_id": client.client_id,
        "client_secret": client.client_secret,
        **extra,
    }


def basic(user: str, password: str) -> dict[str, str]:
    raw = f"{quote_plus(user)}:{quote_plus(password)}".encode()
    return {"Authorization": "Basic " + base64.b64encode(raw).decode()}


@pytest.fixture
async def partner(client: httpx.AsyncClient) -> Client:
    return await new_client(client, ["C100"])


def assert_error(response: httpx.Response, status: int, error: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"] == error
    assert body["error_description"]
    assert response.headers["cache-control"] == "no-store"
    if status == 401:
        assert response.headers["www-authenticate"] == 'Basic realm="invoiceport"'


@pytest.mark.parametrize("path", [TOKEN_URL, "/oauth/token"])
async def test_form_credentials_get_a_token_as_the_seed_shows(
    client: httpx.AsyncClient, partner: Client, path: str
) -> None:
    response = await client.post(path, data=form(partner), headers=NO_AUTH)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == "86399"  # a string, as Ingram sends it
    assert len(body["access_token"]) >= 40
    assert body["scope"] == "invoice.history.read invoice.webhooks.manage invoice.read"
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["pragma"] == "no-cache"


async def test_http_basic_credentials_work_too(client: httpx.AsyncClient, partner: Client) -> None:
    response = await client.post(
        TOKEN_URL,
        data={"grant_type": "client_credentials"},
        headers=basic(partner.client_id, partner.client_secret),
    )
    assert response.status_code == 200, response.text


async def test_tokens_are_stored_only_as_digests(
    client: httpx.AsyncClient, partner: Client, engine: AsyncEngine
) -> None:
    token = (await client.post(TOKEN_URL, data=form(partner), headers=NO_AUTH)).json()[
        "access_token"
    ]
    async with engine.connect() as conn:
        rows = (await conn.execute(select(oauth_tokens))).mappings().all()
    assert len(rows) == 1
    assert rows[0]["token_hash"] == hashlib.sha256(token.encode()).hexdigest()
    assert all(token not in str(value) for value in rows[0].values())
    assert (rows[0]["expires_at"] - rows[0]["created_at"]).total_seconds() == 86399


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"client_secret": "wrong"}, "wrong secret"),
        ({"client_id": "nobody"}, "unknown client"),
        ({"client_id": "x" * 65}, "over-long client id"),
    ],
)
async def test_bad_client_credentials_are_invalid_client(
    client: httpx.AsyncClient, partner: Client, change: dict[str, str], why: str
) -> None:
    response = await client.post(TOKEN_URL, data={**form(partner), **change}, headers=NO_AUTH)
    assert_error(response, 401, "invalid_client")


async def test_missing_or_malformed_credentials_are_invalid_client(
    client: httpx.AsyncClient, partner: Client
) -> None:
    grant = {"grant_type": "client_credentials"}
    assert_error(await client.post(TOKEN_URL, data=grant, headers=NO_AUTH), 401, "invalid_client")
    for header in ("Basic !!!notbase64", "Basic " + base64.b64encode(b"no-colon").decode()):
        response = await client.post(TOKEN_URL, data=grant, headers={"Authorization": header})
        assert_error(response, 401, "invalid_client")
    wrong = basic(partner.client_id, "wrong")
    assert_error(await client.post(TOKEN_URL, data=grant, headers=wrong), 401, "invalid_client")


async def test_a_revoked_client_gets_no_token(client: httpx.AsyncClient, partner: Client) -> None:
    url = f"/admin/v1/partners/{partner.partner_id}/oauth-clients/{partner.client_id}"
    assert (await client.delete(url)).status_code in (200, 204)
    response = await client.post(TOKEN_URL, data=form(partner), headers=NO_AUTH)
    assert_error(response, 401, "invalid_client")


async def test_grant_type_errors(client: httpx.AsyncClient, partner: Client) -> None:
    no_grant = {k: v for k, v in form(partner).items() if k != "grant_type"}
    response = await client.post(TOKEN_URL, data=no_grant, headers=NO_AUTH)
    assert_error(response, 400, "invalid_request")
    assert "grant_type" in response.json()["error_description"]
    for grant in ("password", "authorization_code", "CLIENT_CREDENTIALS"):
        response = await client.post(
            TOKEN_URL, data=form(partner, grant_type=grant), headers=NO_AUTH
        )
        assert_error(response, 400, "unsupported_grant_type")


async def test_scopes(client: httpx.AsyncClient, engine: AsyncEngine) -> None:
    reader = await new_client(client, ["C100"], scopes=["invoice.history.read"])
    response = await client.post(
        TOKEN_URL, data=form(reader, scope="invoice.history.read"), headers=NO_AUTH
    )
    assert response.status_code == 200
    assert response.json()["scope"] == "invoice.history.read"
    for scope in ("invoice.webhooks.manage", "invoice.history.read admin", "bad\\scope"):
        response = await client.post(TOKEN_URL, data=form(reader, scope=scope), headers=NO_AUTH)
        assert_error(response, 400, "invalid_scope")
    # An empty scope counts as no scope (RFC 6749 3.1): all of the client's scopes.
    for empty in ("", "   "):
        response = await client.post(TOKEN_URL, data=form(reader, scope=empty), headers=NO_AUTH)
        assert response.json()["scope"] == "invoice.history.read"


async def test_malformed_requests_are_invalid_request(
    client: httpx.AsyncClient, partner: Client
) -> None:
    as_json = await client.post(TOKEN_URL, json=form(partner), headers=NO_AUTH)
    assert_error(as_json, 400, "invalid_request")
    twice = "grant_type=client_credentials&grant_type=client_credentials"
    response = await client.post(
        TOKEN_URL,
        content=f"{twice}&client_id={partner.client_id}&client_secret={partner.client_secret}",
        headers={**NO_AUTH, "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert_error(response, 400, "invalid_request")
    bad_utf8 = await client.post(
        TOKEN_URL,
        content=b"grant_type=\xff\xfe",
        headers={**NO_AUTH, "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert_error(bad_utf8, 400, "invalid_request")
    both = await client.post(
        TOKEN_URL, data=form(partner), headers=basic(partner.client_id, partner.client_secret)
    )
    assert_error(both, 400, "invalid_request")
    huge = await client.post(TOKEN_URL, data=form(partner, padding="x" * 10_000), headers=NO_AUTH)
    assert_error(huge, 413, "invalid_request")


async def test_other_errors_under_oauth_use_the_rfc_shape(client: httpx.AsyncClient) -> None:
    # (GET is an Ingram XI token flow since issue 13: oauth/xi.py, tests/ingram_xi.)
    wrong_method = await client.put(TOKEN_URL, headers=NO_AUTH)
    assert_error(wrong_method, 405, "invalid_request")
    unknown = await client.post("/oauth/nothing-here", headers=NO_AUTH)
    assert_error(unknown, 404, "invalid_request")


async def test_lifetime_is_a_setting(database_url: str) -> None:
    settings = Settings(
        database_url=database_url,
        admin_token=ADMIN_TOKEN,
        oauth_token_lifetime_seconds=600,
        _env_file=None,  # type: ignore[call-arg]
    )
    async with app_client(settings) as (_app, http):
        partner = await new_client(http, ["C100"])
        response = await http.post(TOKEN_URL, data=form(partner), headers=NO_AUTH)
        assert response.json()["expires_in"] == "600"


async def test_the_spec_is_served(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/oauth/openapi.json")).json()
    assert set(spec["paths"]) == {"/oauth/oauth30/token", "/oauth/token", "/oauth/oauth20/token"}
    assert set(spec["paths"]["/oauth/oauth30/token"]) == {"post", "get"}  # get: XI (issue 13)


async def test_nul_and_control_characters_are_just_wrong_credentials(
    client: httpx.AsyncClient, partner: Client
) -> None:
    """PostgreSQL text cannot hold NUL: such input must never reach a query as it is."""
    for bad in ("\x00", partner.client_id + "\x00", "a\nb"):
        response = await client.post(TOKEN_URL, data=form(partner, client_id=bad), headers=NO_AUTH)
        assert_error(response, 401, "invalid_client")


async def test_unknown_fields_are_ignored(client: httpx.AsyncClient, partner: Client) -> None:
    """RFC 6749 3.1: unrecognised parameters are ignored, even when repeated."""
    body = "&".join(f"{k}={v}" for k, v in form(partner).items()) + "&extra=1&extra=2&=x"
    response = await client.post(
        TOKEN_URL,
        content=body,
        headers={**NO_AUTH, "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 200, response.text
