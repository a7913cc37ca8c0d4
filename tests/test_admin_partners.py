"""Admin API partner management beyond the stable contract (issue 17): grant and revoke
customers, rename and delete partners. Each change is checked where it matters: through a
partner's real credential on a dialect route, on both databases."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from invoiceport.partners.tables import api_keys, oauth_clients, oauth_tokens, partner_customers
from invoiceport.settings import Settings
from invoiceport.webhooks.tables import webhook_endpoints
from tests.conftest import ADMIN_TOKEN
from tests.factories import invoice_doc

DETAIL = "/api/invoice/detail/{customer}/{invoice}"
KEY_HEADER = "Ocp-Apim-Subscription-Key"


@pytest.fixture
def settings(database_url: str) -> Settings:
    """The suite's settings, with webhooks allowed to name a loopback address (never called)."""
    return Settings(  # type: ignore[call-arg]
        database_url=database_url,
        admin_token=ADMIN_TOKEN,
        webhook_allow_private=True,
        _env_file=None,
    )


async def _partner_with_key(client: httpx.AsyncClient, *customers: str) -> tuple[int, str]:
    created = await client.post(
        "/admin/v1/partners", json={"name": "Acme", "customer_numbers": list(customers)}
    )
    partner_id = created.json()["id"]
    key = (await client.post(f"/admin/v1/partners/{partner_id}/api-keys")).json()["key"]
    return partner_id, key


async def _read(client: httpx.AsyncClient, key: str, customer: str) -> int:
    path = DETAIL.format(customer=customer, invoice="INV-1001")
    return (await client.get(path, headers={KEY_HEADER: key})).status_code


async def test_grant_and_revoke_customers(client: httpx.AsyncClient) -> None:
    for customer in ("C100", "C200"):
        stored = await client.post("/admin/v1/invoices", json=invoice_doc(customer=customer))
        assert stored.status_code == 200
    partner_id, key = await _partner_with_key(client, "C100")
    assert await _read(client, key, "C200") == 403

    granted = await client.post(
        f"/admin/v1/partners/{partner_id}/customers", json={"customer_numbers": ["C200", "C100"]}
    )
    assert granted.status_code == 200
    assert granted.json()["customer_numbers"] == ["C100", "C200"]  # granted twice: kept once
    assert await _read(client, key, "C200") == 200

    revoked = await client.post(
        f"/admin/v1/partners/{partner_id}/customers/revoke",
        json={"customer_numbers": ["C100", "NEVER-GRANTED"]},
    )
    assert revoked.status_code == 200
    assert revoked.json()["customer_numbers"] == ["C200"]
    assert await _read(client, key, "C100") == 403  # from the next request on
    assert await _read(client, key, "C200") == 200


async def test_rename_partner(client: httpx.AsyncClient) -> None:
    partner_id, _ = await _partner_with_key(client, "C100")
    renamed = await client.patch(f"/admin/v1/partners/{partner_id}", json={"name": "  Acme Ltd "})
    assert renamed.status_code == 200
    assert renamed.json()["name"] == "Acme Ltd"  # stripped as on creation
    assert (await client.get(f"/admin/v1/partners/{partner_id}")).json()["name"] == "Acme Ltd"


async def test_delete_partner_removes_everything_it_owns(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    await client.post("/admin/v1/invoices", json=invoice_doc())
    partner_id, key = await _partner_with_key(client, "C100")
    other_id, other_key = await _partner_with_key(client, "C100")
    issued = await client.post(f"/admin/v1/partners/{partner_id}/oauth-clients")
    credentials = (issued.json()["client_id"], issued.json()["client_secret"])
    token = await client.post(
        "/oauth/oauth30/token", data={"grant_type": "client_credentials"}, auth=credentials
    )
    assert token.status_code == 200
    hook = await client.post(
        "/api/invoice/v1/webhooks",
        json={"url": "http://127.0.0.1:9/in", "events": ["invoice.created"]},
        headers={"Authorization": f"Bearer {token.json()['access_token']}"},
    )
    assert hook.status_code in (200, 201), hook.text
    assert await _read(client, key, "C100") == 200

    deleted = await client.delete(f"/admin/v1/partners/{partner_id}")
    assert deleted.status_code == 204
    assert await _read(client, key, "C100") == 401  # its key is gone with it
    assert (
        await client.post(
            "/oauth/oauth30/token", data={"grant_type": "client_credentials"}, auth=credentials
        )
    ).status_code == 401
    async with engine.connect() as conn:
        for table in (api_keys, oauth_clients, partner_customers, webhook_endpoints):
            count = select(func.count()).where(table.c.partner_id == partner_id)
            assert (await conn.execute(count)).scalar_one() == 0, table.name
        assert (await conn.execute(select(func.count()).select_from(oauth_tokens))).scalar() == 0
    # The other partner and the invoices are untouched.
    assert await _read(client, other_key, "C100") == 200
    listed = (await client.get("/admin/v1/partners")).json()["partners"]
    assert [p["id"] for p in listed] == [other_id]

    gone = await client.delete(f"/admin/v1/partners/{partner_id}")
    assert gone.status_code == 404
    assert gone.json() == {"error": f"partner {partner_id} not found"}


async def test_partner_changes_reject_bad_requests(client: httpx.AsyncClient) -> None:
    partner_id, _ = await _partner_with_key(client, "C100")
    base = f"/admin/v1/partners/{partner_id}"
    cases = [
        ("PATCH", base, {"name": ""}, ["name: string should have at least 1 character"]),
        ("PATCH", base, {"name": "A\x00B"}, ["name: must not contain control characters"]),
        ("PATCH", base, {"title": "x"}, ["name: required", "title: unknown field"]),
        ("POST", f"{base}/customers", {"customer_numbers": []}, None),
        ("POST", f"{base}/customers", {"customer_numbers": ["a/b"]}, None),
        ("POST", f"{base}/customers/revoke", {"customer_numbers": [" X"]}, None),
    ]
    for method, path, body, errors in cases:
        response = await client.request(method, path, json=body)
        assert response.status_code == 422, (path, body, response.text)
        assert response.json()["error"] == "invalid request body"
        if errors is not None:
            assert response.json()["errors"] == errors
        else:
            assert response.json()["errors"][0].startswith("customer_numbers")
    not_json = await client.patch(base, content=b"{nope")
    assert not_json.status_code == 422
    for method, path in (
        ("PATCH", "/admin/v1/partners/999"),
        ("DELETE", "/admin/v1/partners/999"),
        ("POST", "/admin/v1/partners/999/customers"),
        ("POST", "/admin/v1/partners/999/customers/revoke"),
    ):
        body = {"name": "X"} if method == "PATCH" else {"customer_numbers": ["C1"]}
        response = await client.request(method, path, json=None if method == "DELETE" else body)
        assert response.status_code == 404, (method, path)
        assert response.json() == {"error": "partner 999 not found"}
    unauthorized = await client.delete(base, headers={"Authorization": "Bearer wrong"})
    assert unauthorized.status_code == 401
    assert (await client.get(base)).status_code == 200  # still there
