"""Subscription keys (401), customer grants (403) and tenant isolation on every route."""

from __future__ import annotations

import httpx
import pytest
from tests.scansource.conftest import A_CUSTOMER, B_CUSTOMER, KEY_HEADER, World, make_world

from invoiceport.partners import service as partners
from invoiceport.settings import Settings

MISSING = (
    "Access denied due to missing subscription key. "
    "Make sure to include subscription key when making requests to an API."
)
INVALID = (
    "Access denied due to invalid subscription key. "
    "Make sure to provide a valid key for an active subscription."
)


def routes(customer: str, invoice: str) -> list[str]:
    return [
        f"/api/invoice/summary/{customer}",
        f"/api/invoice/list/{customer}",
        f"/api/invoice/detail/{customer}/{invoice}",
        f"/api/invoice/pdf/{customer}/{invoice}",
    ]


def answer(response: httpx.Response) -> tuple[int, bytes, tuple[tuple[str, str], ...]]:
    """Everything a client can see of a response."""
    return response.status_code, response.content, tuple(sorted(response.headers.multi_items()))


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({}, MISSING),
        ({KEY_HEADER: ""}, MISSING),
        ({KEY_HEADER: "0" * 32}, INVALID),
        ({KEY_HEADER: "x" * 5000}, INVALID),
        ({"Authorization": "Bearer whatever"}, MISSING),
    ],
)
async def test_missing_or_wrong_key_is_401_on_every_route(
    world: World, headers: dict[str, str], message: str
) -> None:
    for path in routes(A_CUSTOMER, "INV-1001"):
        response = await world.get(path, headers=headers)
        assert response.status_code == 401, path
        assert response.json() == {"statusCode": 401, "message": message}
        assert response.headers["www-authenticate"] == 'ApiKey header="Ocp-Apim-Subscription-Key"'


async def test_401_comes_before_403_and_400(world: World) -> None:
    response = await world.get(f"/api/invoice/summary/{B_CUSTOMER}?page=0", headers={})
    assert response.status_code == 401


async def test_a_revoked_key_fails_on_the_next_request(world: World) -> None:
    path = f"/api/invoice/detail/{A_CUSTOMER}/INV-1001"
    assert (await world.get(path)).status_code == 200
    await partners.revoke_api_key(world.engine, world.a_partner, world.a_key_id)
    response = await world.get(path)
    assert response.status_code == 401
    assert response.json()["message"] == INVALID


async def test_a_customer_not_granted_is_403_invalid_customer_number(world: World) -> None:
    for path in routes(B_CUSTOMER, "INV-B1"):
        response = await world.get(path)
        assert response.status_code == 403, path
        assert response.json() == {"statusCode": 403, "message": "invalid customer number"}
    # ... and B's own key reads them.
    assert (await world.get(routes(B_CUSTOMER, "INV-B1")[2], headers=world.b())).status_code == 200


@pytest.mark.parametrize("route", range(4), ids=["summary", "list", "detail", "pdf"])
async def test_nothing_tells_whether_another_tenants_invoice_exists(
    world: World, route: int
) -> None:
    """A's key gets the very same answer for B's real invoice and for ones that do not exist."""
    queries = ["", "?invoiceNumber=INV-B1", "?page=0&pageSize=-1&fromDate=bad"]
    answers = set()
    for customer, invoice in ((B_CUSTOMER, "INV-B1"), (B_CUSTOMER, "NOPE"), ("C999", "INV-B1")):
        for query in queries:
            response = await world.get(routes(customer, invoice)[route] + query)
            answers.add(answer(response))  # status, body and every header
    assert len(answers) == 1
    status, body, _ = answers.pop()
    assert (status, body) == (403, b'{"statusCode":403,"message":"invalid customer number"}')


@pytest.mark.parametrize("route", ["detail", "pdf"])
async def test_another_tenants_invoice_number_under_ones_own_customer_is_just_unknown(
    world: World, route: str
) -> None:
    theirs = await world.get(f"/api/invoice/{route}/{A_CUSTOMER}/INV-B1")
    unknown = await world.get(f"/api/invoice/{route}/{A_CUSTOMER}/INV-B2")
    assert theirs.status_code == 404
    assert answer(theirs) == answer(unknown)


async def test_filters_never_reach_another_tenant(world: World) -> None:
    for path in routes(A_CUSTOMER, "x")[:2]:
        theirs = (await world.get(path, invoiceNumber="INV-B1")).json()
        none = (await world.get(path, invoiceNumber="INV-B2")).json()
        assert theirs == none == {**theirs, "totalCount": 0, "invoices": []}
        shared = (await world.get(path, invoiceNumber="INV-1001")).json()
        assert shared["totalCount"] == 1  # A's own INV-1001, not B's invoice of that number
        assert shared["invoices"][0]["totalAmount"] == 4904.9


async def test_a_configured_rate_limit_counts_per_partner_in_the_apim_shape(
    settings: Settings,
) -> None:
    limited = settings.model_copy(update={"rate_limits": {"scansource": "3/minute"}})
    async with make_world(limited) as world:
        summary = f"/api/invoice/summary/{A_CUSTOMER}"
        ok = await world.get(summary)
        assert ok.headers["x-ratelimit-limit"] == "3"
        assert ok.headers["x-ratelimit-remaining"] == "2"
        forbidden = await world.get(f"/api/invoice/summary/{B_CUSTOMER}")  # counts too
        assert forbidden.status_code == 403
        assert forbidden.headers["x-ratelimit-remaining"] == "1"
        unauthenticated = await world.get(summary, headers={})
        assert "x-ratelimit-limit" not in unauthenticated.headers  # nobody to count yet
        assert (await world.get(f"/api/invoice/pdf/{A_CUSTOMER}/INV-1001")).status_code == 200
        refused = await world.get(summary)
        assert refused.status_code == 429
        retry = refused.headers["retry-after"]
        assert refused.json() == {
            "statusCode": 429,
            "message": f"Rate limit is exceeded. Try again in {retry} seconds.",
        }
        theirs = await world.get(f"/api/invoice/summary/{B_CUSTOMER}", headers=world.b())
        assert theirs.status_code == 200  # partner B counts apart
        assert theirs.headers["x-ratelimit-remaining"] == "2"
