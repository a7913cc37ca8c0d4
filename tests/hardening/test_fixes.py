"""One test per bug the hardening runs found (docs/hardening.md lists them), each fast and
deterministic; the corpus and schemathesis runs found them first."""

from __future__ import annotations

import httpx
import pytest


async def test_nul_in_a_path_parameter_is_a_400_naming_it(client: httpx.AsyncClient) -> None:
    """Was a 500 on PostgreSQL (text cannot hold NUL) on the admin invoice lookup, the admin
    OAuth client revocation and ABC Supply's invoice routes."""
    response = await client.get("/admin/v1/invoices/production/a%00b/1")
    assert response.status_code == 400
    assert "customer_number" in response.json()["error"]
    response = await client.get("/api/invoice/v1/invoices/%00", headers={"Authorization": ""})
    assert response.status_code == 400
    assert response.json()["status"] == 400 and "invoiceId" in response.json()["message"]


async def test_nul_in_a_query_value_is_a_400(client: httpx.AsyncClient) -> None:
    response = await client.get("/admin/v1/partners", params={"x": "a\x00"})
    assert response.status_code == 400 and "'x'" in response.json()["error"]


async def test_a_partner_name_with_nul_is_refused(client: httpx.AsyncClient) -> None:
    """Was a 500 on PostgreSQL (found by schemathesis on /admin/openapi.json)."""
    response = await client.post("/admin/v1/partners", json={"name": "a\x00b"})
    assert response.status_code == 422
    assert response.json()["errors"] == ["name: must not contain control characters"]


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/api/invoice/v1/webhooks", "GET, POST"),
        ("/api/invoice/v1/webhooks/1", "GET, DELETE"),
        ("/admin/v1/partners", "GET, POST"),
        ("/healthz", "GET"),
    ],
)
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_405_allow_names_every_method_of_the_path(
    client: httpx.AsyncClient, path: str, allowed: str
) -> None:
    """Starlette named only the first route matching the path (found by schemathesis' ST205)."""
    response = await client.request("PATCH", path)
    assert response.status_code == 405
    assert response.headers["allow"] == allowed


@pytest.mark.parametrize(
    "path", ["/api/invoice/summary/100234/", "/admin/v1/partners/", "/api/invoice/v1/webhooks/"]
)
async def test_a_trailing_slash_is_not_redirected_to_the_host_header(
    client: httpx.AsyncClient, path: str
) -> None:
    """Was a 307 to http://<Host header>/..., answered before authentication: an open redirect
    to any host a client names. Now a plain 404 in the route family's error shape."""
    response = await client.get(path, headers={"Host": "evil.example"})
    assert response.status_code == 404, response.text
    assert "location" not in response.headers
    assert "evil.example" not in response.text
