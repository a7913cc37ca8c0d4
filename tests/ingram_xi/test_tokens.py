"""The XI token flows (`oauth/xi.py`): GET and POST /oauth/oauth20/token, GET /oauth/oauth30/token
with the values in the query string, the spec's `AccesstokenResponse` and error shapes."""

from __future__ import annotations

import httpx
import pytest

from tests.ingram_xi.support import xi_headers
from tests.oauth.support import Client, new_client

NO_ADMIN = {"Authorization": ""}


def _values(client: Client, **extra: str) -> dict[str, str]:
    return {
        "grant_type": "client_credentials",
        "client_id": client.client_id,
        "client_secret": client.client_secret,
        **extra,
    }


async def _works(http: httpx.AsyncClient, response: httpx.Response) -> None:
    """A token answer in the spec's shape whose token authenticates a dialect route."""
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert isinstance(body["expires_in"], str)
    assert int(body["expires_in"]) > 0
    answer = await http.get(
        "/resellers/v6.1/invoices/NOPE",
        headers=xi_headers(body["access_token"]),
    )
    assert answer.status_code == 404, answer.text  # authenticated, granted, no such invoice


async def test_every_xi_flow_issues_a_working_token(client: httpx.AsyncClient) -> None:
    partner = await new_client(client)
    values = _values(partner)
    await _works(client, await client.get("/oauth/oauth20/token", params=values, headers=NO_ADMIN))
    await _works(client, await client.get("/oauth/oauth30/token", params=values, headers=NO_ADMIN))
    await _works(client, await client.post("/oauth/oauth20/token", data=values, headers=NO_ADMIN))
    await _works(client, await client.post("/oauth/oauth20/token", params=values, headers=NO_ADMIN))
    basic = httpx.BasicAuth(partner.client_id, partner.client_secret)
    await _works(
        client,
        await client.get(
            "/oauth/oauth20/token", params={"grant_type": "client_credentials"}, auth=basic
        ),
    )


@pytest.mark.parametrize(
    ("change", "status", "error"),
    [
        ({"client_secret": "wrong"}, 401, "invalid_client"),
        ({"grant_type": "password"}, 400, "unsupported_grant_type"),
        ({"grant_type": ""}, 400, "invalid_request"),
        ({"scope": "invoice.write"}, 400, "invalid_scope"),
    ],
)
async def test_errors_take_the_reference_shape(
    client: httpx.AsyncClient, change: dict[str, str], status: int, error: str
) -> None:
    partner = await new_client(client, scopes=["invoice.read"])
    values = _values(partner) | change
    for method, path in (("GET", "/oauth/oauth20/token"), ("GET", "/oauth/oauth30/token")):
        response = await client.request(method, path, params=values, headers=NO_ADMIN)
        assert response.status_code == status, response.text
        body = response.json()
        assert body["error"] == error
        assert isinstance(body["message"], str)
        assert body["message"]
        assert partner.client_secret not in response.text


async def test_a_value_twice_or_in_both_places_is_refused(client: httpx.AsyncClient) -> None:
    partner = await new_client(client)
    twice: list[tuple[str, str | int | float | bool | None]] = [
        *_values(partner).items(),
        ("client_id", "other"),
    ]
    response = await client.get("/oauth/oauth20/token", params=twice, headers=NO_ADMIN)
    assert response.status_code == 400
    assert "client_id" in response.json()["message"]
    both = await client.post(
        "/oauth/oauth20/token",
        params={"client_id": partner.client_id},
        data=_values(partner),
        headers=NO_ADMIN,
    )
    assert both.status_code == 400
    assert "both" in both.json()["message"]


async def test_other_methods_answer_in_the_xi_shape(client: httpx.AsyncClient) -> None:
    response = await client.put("/oauth/oauth20/token", headers=NO_ADMIN)
    assert response.status_code == 405
    assert "message" in response.json()
