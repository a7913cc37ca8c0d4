"""`/api/invoice/v1/webhooks`: subscribe, list, read, delete, rotate; scopes and ownership."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator

import pytest

from tests.abcsupply.support import Abc
from tests.oauth.support import bearer, new_client, token_for
from tests.webhooks.support import ALL_EVENTS, HOOKS, hooks_app, subscribe

URL = "https://hooks.example.com/invoices"


@pytest.fixture
async def abc(database_url: str) -> AsyncIterator[Abc]:
    async with hooks_app(database_url, ["C100"]) as found:
        yield found


async def test_the_secret_is_shown_once(abc: Abc) -> None:
    response = await abc.http.post(
        HOOKS, json={"url": URL, "events": ["invoice.created"]}, headers=abc.auth
    )
    assert response.status_code == 201, response.text
    assert response.headers["cache-control"] == "no-store"
    created = response.json()
    assert created["secret"].startswith("whsec_")
    assert len(base64.b64decode(created["secret"].removeprefix("whsec_"))) == 32
    assert created | {"secret": None, "createdAt": None, "updatedAt": None} == {
        "id": created["id"],
        "url": URL,
        "events": ["invoice.created"],
        "environment": "production",
        "status": "enabled",
        "disabledReason": None,
        "disabledAt": None,
        "failingSince": None,
        "createdAt": None,
        "updatedAt": None,
        "previousSecretExpiresAt": None,
        "secret": None,
    }
    listed = (await abc.http.get(HOOKS, headers=abc.auth)).json()["items"]
    one = (await abc.http.get(f"{HOOKS}/{created['id']}", headers=abc.auth)).json()
    assert [item["id"] for item in listed] == [created["id"]]
    for shown in (listed[0], one):
        assert "secret" not in shown
        assert created["secret"] not in str(shown)


async def test_rotate_and_delete(abc: Abc) -> None:
    created = await subscribe(abc, URL)
    rotated = await abc.http.post(f"{HOOKS}/{created['id']}/rotate-secret", headers=abc.auth)
    assert rotated.status_code == 200
    body = rotated.json()
    assert body["secret"].startswith("whsec_") and body["secret"] != created["secret"]
    assert body["previousSecretExpiresAt"] is not None
    deleted = await abc.http.delete(f"{HOOKS}/{created['id']}", headers=abc.auth)
    assert deleted.status_code == 204
    gone = await abc.http.get(f"{HOOKS}/{created['id']}", headers=abc.auth)
    assert gone.status_code == 404
    assert (await abc.http.delete(f"{HOOKS}/{created['id']}", headers=abc.auth)).status_code == 404


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({"url": URL, "events": ["invoice.paid"]}, "events"),
        ({"url": URL, "events": []}, "events"),
        ({"events": ALL_EVENTS}, "url"),
        ({"url": URL, "events": ALL_EVENTS, "color": "red"}, "color"),
        ({"url": "ftp://example.com/x", "events": ALL_EVENTS}, "url"),
        ({"url": "https://me:pw@example.com/x", "events": ALL_EVENTS}, "user name"),
        ({"url": "https://x" * 700, "events": ALL_EVENTS}, "url"),
        ({"url": URL, "events": ALL_EVENTS, "environment": "staging"}, "environment"),
    ],
)
async def test_bad_subscriptions_are_400_naming_the_problem(
    abc: Abc, body: dict[str, object], named: str
) -> None:
    response = await abc.http.post(HOOKS, json=body, headers=abc.auth)
    assert response.status_code == 400, response.text
    assert named in response.json()["message"]


async def test_a_body_that_is_not_json_is_400(abc: Abc) -> None:
    response = await abc.http.post(HOOKS, content=b"{url", headers=abc.auth)
    assert response.status_code == 400
    assert response.json()["error"] == "Bad Request"


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://127.0.0.1:8000/admin", "loopback"),
        ("http://localhost/hooks", "loopback"),
        ("http://10.0.0.5/hooks", "private"),
        ("http://169.254.169.254/latest/meta-data", "link-local"),
        ("http://[::1]/hooks", "loopback"),
        ("http://[64:ff9b::7f00:1]:8000/", "loopback"),  # NAT64 of 127.0.0.1
        ("http://[64:ff9b::a9fe:a9fe]/latest/meta-data", "link-local"),
        ("http://[64:ff9b:1::a00:5]/", "local-use NAT64"),
        ("http://[::7f00:1]/", "loopback"),  # IPv4-compatible
        ("http://[2002:a00:5::1]/", "private"),  # 6to4 of 10.0.0.5
        ("http://[::ffff:0:7f00:1]/", "loopback"),  # IPv4-translated
        ("http://[::ffff:7f00:1]/", "loopback"),  # IPv4-mapped
    ],
)
async def test_private_and_loopback_targets_are_refused_unless_allowed(
    database_url: str, url: str, why: str
) -> None:
    async with hooks_app(database_url, ["C100"], webhook_allow_private=False) as abc:
        response = await abc.http.post(
            HOOKS, json={"url": url, "events": ALL_EVENTS}, headers=abc.auth
        )
        assert response.status_code == 400, response.text
        assert why in response.json()["message"]
        assert "INVOICEPORT_WEBHOOK_ALLOW_PRIVATE" in response.json()["message"]


async def test_a_partner_sees_only_its_own_webhooks(abc: Abc) -> None:
    mine = await subscribe(abc, URL)
    other = await new_client(abc.http, ["C200"], name="Other")
    theirs = bearer(await token_for(abc.http, other))
    assert (await abc.http.get(HOOKS, headers=theirs)).json() == {"items": []}
    for method, suffix in [
        ("GET", ""),
        ("DELETE", ""),
        ("POST", "/rotate-secret"),
        ("POST", "/enable"),
        ("GET", "/deliveries"),
        ("GET", "/deliveries/1"),
        ("GET", "/deliveries/1/attempts"),
        ("POST", "/deliveries/1/replay"),
    ]:
        response = await abc.http.request(method, f"{HOOKS}/{mine['id']}{suffix}", headers=theirs)
        assert response.status_code == 404, (method, suffix, response.text)
    assert (await abc.http.get(f"{HOOKS}/{mine['id']}", headers=abc.auth)).status_code == 200


async def test_the_manage_scope_is_required(abc: Abc) -> None:
    reader = await new_client(abc.http, ["C100"], ["invoice.history.read"], name="Reader")
    token = bearer(await token_for(abc.http, reader))
    denied = await abc.http.get(HOOKS, headers=token)
    assert denied.status_code == 403
    assert "invoice.webhooks.manage" in denied.json()["message"]
    assert (await abc.http.get(HOOKS, headers={"Authorization": ""})).status_code == 401


async def test_delivery_listing_parameters_are_checked(abc: Abc) -> None:
    created = await subscribe(abc, URL)
    path = f"{HOOKS}/{created['id']}/deliveries"
    listed = await abc.http.get(path, headers=abc.auth)
    assert listed.json() == {
        "pagination": {"pageNumber": 1, "itemsPerPage": 20, "totalPages": 0, "totalItems": 0},
        "items": [],
    }
    for params, named in [({"status": "lost"}, "status"), ({"itemsPerPage": "0"}, "itemsPerPage")]:
        response = await abc.http.get(path, params=params, headers=abc.auth)
        assert response.status_code == 400 and named in response.json()["message"]
    missing = await abc.http.get(f"{path}/999", headers=abc.auth)
    assert missing.status_code == 404 and "delivery 999" in missing.json()["message"]


async def test_a_partner_has_at_most_twenty_webhooks(abc: Abc) -> None:
    for n in range(20):
        await subscribe(abc, f"{URL}/{n}")
    refused = await abc.http.post(HOOKS, json={"url": URL, "events": ALL_EVENTS}, headers=abc.auth)
    assert refused.status_code == 409
    assert "at most 20" in refused.json()["message"]
