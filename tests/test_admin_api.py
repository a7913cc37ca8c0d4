"""The admin API contract of DESIGN.md, over the real app, on both databases."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from invoiceport.app import close, create_app
from invoiceport.partners.tables import api_keys, oauth_clients
from invoiceport.settings import Settings
from tests.conftest import ADMIN_TOKEN
from tests.factories import invoice_doc

INVOICE_URL = "/admin/v1/invoices/production/C100/INV-1001"


async def test_admin_api_needs_the_token(client: httpx.AsyncClient) -> None:
    for headers in (
        {"Authorization": ""},
        {"Authorization": "Bearer wrong"},
        {"Authorization": "Basic x"},
    ):
        response = await client.get(INVOICE_URL, headers=headers)
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"
        assert "admin token" in response.json()["error"]


async def test_admin_api_is_absent_without_a_token(database_url: str) -> None:
    app = create_app(Settings(database_url=database_url, admin_token=None, _env_file=None))  # type: ignore[call-arg]
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as http:
        response = await http.post("/admin/v1/invoices", json=invoice_doc())
        assert response.status_code == 404
        assert (await http.get("/admin/v1/partners")).status_code == 404
    await close(app)


async def test_upsert_created_unchanged_updated(client: httpx.AsyncClient) -> None:
    created = await client.post("/admin/v1/invoices", json=invoice_doc())
    assert created.status_code == 200
    assert created.json() == {"result": "created", "version": 1}
    first = (await client.get(INVOICE_URL)).json()

    again = await client.post("/admin/v1/invoices", json=invoice_doc())
    assert again.json() == {"result": "unchanged", "version": 1}
    assert (await client.get(INVOICE_URL)).json()["updated_at"] == first["updated_at"]

    # The stored document, sent back as it is, changes nothing either.
    assert (await client.post("/admin/v1/invoices", json=first)).json()["result"] == "unchanged"

    updated = await client.post("/admin/v1/invoices", json=invoice_doc(po_number="PO-99"))
    assert updated.json() == {"result": "updated", "version": 2}
    second = (await client.get(INVOICE_URL)).json()
    assert second["version"] == 2
    assert second["po_number"] == "PO-99"
    assert second["updated_at"] > first["updated_at"]
    assert second["created_at"] == first["created_at"]


async def test_rejected_document_lists_every_problem_and_stores_nothing(
    client: httpx.AsyncClient,
) -> None:
    doc = invoice_doc(currency="usd")
    doc["lines"][0]["extended_price"] = "4600.00"
    response = await client.post("/admin/v1/invoices", json=doc)
    assert response.status_code == 422
    assert response.json() == {
        "error": "invoice rejected",
        "errors": ["currency: unknown ISO 4217 currency code 'usd'"],
    }
    doc["currency"] = "USD"
    response = await client.post("/admin/v1/invoices", json=doc)
    assert response.status_code == 422
    assert (
        "lines[0].extended_price: expected 4500.00 = 6 x 750.00, got 4600.00"
        in (response.json()["errors"])
    )
    assert (await client.get(INVOICE_URL)).status_code == 404


async def test_verify_totals_false_skips_the_arithmetic(client: httpx.AsyncClient) -> None:
    doc = invoice_doc(total="1.00")
    assert (await client.post("/admin/v1/invoices", json=doc)).status_code == 422
    response = await client.post("/admin/v1/invoices?verify_totals=false", json=doc)
    assert response.json()["result"] == "created"
    bad = await client.post("/admin/v1/invoices?verify_totals=maybe", json=doc)
    assert bad.status_code == 400
    assert bad.json()["error"] == "verify_totals: expected true or false, got 'maybe'"


@pytest.mark.parametrize(
    "body",
    [b"", b"not json", b"\xff\xfe", b"[]", b'{"invoice_number": "A"', b'{"a":' * 50_000],
)
async def test_bad_bodies_get_422_never_500(client: httpx.AsyncClient, body: bytes) -> None:
    response = await client.post(
        "/admin/v1/invoices", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0].startswith("body: ")


async def test_bulk_stores_good_lines_and_names_rejected_ones(client: httpx.AsyncClient) -> None:
    lines = [
        json.dumps(invoice_doc("A")),
        json.dumps(invoice_doc("B", total="9.99")),
        "",
        "{not json",
        json.dumps(invoice_doc("C")),
        json.dumps(invoice_doc("A")),
    ]
    response = await client.post("/admin/v1/invoices/bulk", content="\n".join(lines) + "\n")
    assert response.status_code == 200
    body = response.json()
    assert (body["created"], body["updated"], body["unchanged"]) == (2, 0, 1)
    assert [r["line"] for r in body["rejected"]] == [2, 4]
    assert body["rejected"][0]["errors"][0].startswith("total: expected 4904.90")
    assert body["rejected"][1]["errors"][0].startswith("body: invalid JSON")
    for number, status in (("A", 200), ("B", 404), ("C", 200)):
        found = await client.get(f"/admin/v1/invoices/production/C100/{number}")
        assert found.status_code == status


@pytest.fixture
async def small_client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    limited = settings.model_copy(update={"max_body_bytes": 2048, "max_bulk_bytes": 4096})
    app = create_app(limited)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://t",
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
    ) as http:
        yield http
    await close(app)


async def test_bodies_over_the_limit_get_413(small_client: httpx.AsyncClient) -> None:
    big = json.dumps(invoice_doc(order_name="x" * 3000)).encode()
    response = await small_client.post("/admin/v1/invoices", content=big)
    assert response.status_code == 413
    assert response.json()["error"] == "request body too large: the limit is 2048 bytes"

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted while streaming
        for _ in range(10):
            yield b" " * 500

    streamed = await small_client.post("/admin/v1/invoices/bulk", content=chunks())
    assert streamed.status_code == 413
    assert "4096 bytes" in streamed.json()["error"]
    # A bulk line over the single-document limit is rejected on its own line.
    ok = json.dumps(invoice_doc("OK"))
    response = await small_client.post(
        "/admin/v1/invoices/bulk", content=f"{ok}\n{'{' + ' ' * 2100 + '}'}"
    )
    assert response.json()["created"] == 1
    assert response.json()["rejected"][0]["line"] == 2


async def test_get_unknown_invoice_is_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/admin/v1/invoices/sandbox/C100/INV-1001")
    assert response.status_code == 404
    assert response.json() == {"error": "invoice sandbox/C100/INV-1001 not found"}


async def test_partners_keys_and_clients(client: httpx.AsyncClient, engine: AsyncEngine) -> None:
    created = await client.post(
        "/admin/v1/partners", json={"name": "Acme", "customer_numbers": ["C1", "C2"]}
    )
    assert created.status_code == 201
    partner_id = created.json()["id"]

    key = await client.post(f"/admin/v1/partners/{partner_id}/api-keys")
    assert key.status_code == 201
    key_id, secret = key.json()["id"], key.json()["key"]
    assert len(secret) == 32

    issued = await client.post(
        f"/admin/v1/partners/{partner_id}/oauth-clients", json={"scopes": ["invoice.history.read"]}
    )
    assert issued.status_code == 201
    client_id, client_secret = issued.json()["client_id"], issued.json()["client_secret"]
    assert issued.json()["scopes"] == ["invoice.history.read"]
    default = await client.post(f"/admin/v1/partners/{partner_id}/oauth-clients")
    assert default.json()["scopes"] == [
        "invoice.history.read",
        "invoice.webhooks.manage",
        "invoice.read",
    ]

    partner = (await client.get(f"/admin/v1/partners/{partner_id}")).json()
    assert partner["name"] == "Acme" and partner["customer_numbers"] == ["C1", "C2"]
    assert partner["api_keys"][0]["prefix"] == secret[:6]
    text = json.dumps(partner) + (await client.get("/admin/v1/partners")).text
    assert secret not in text and client_secret not in text

    # Secrets are stored only as hashes.
    async with engine.connect() as conn:
        stored = [
            *(await conn.execute(select(api_keys))).all(),
            *(await conn.execute(select(oauth_clients))).all(),
        ]
    assert secret not in repr(stored) and client_secret not in repr(stored)

    revoke = await client.delete(f"/admin/v1/partners/{partner_id}/api-keys/{key_id}")
    assert revoke.status_code == 204
    revoked = await client.delete(f"/admin/v1/partners/{partner_id}/oauth-clients/{client_id}")
    assert revoked.status_code == 204
    partner = (await client.get(f"/admin/v1/partners/{partner_id}")).json()
    assert partner["api_keys"][0]["revoked_at"] is not None
    assert partner["oauth_clients"][0]["revoked_at"] is not None


async def test_partner_errors(client: httpx.AsyncClient) -> None:
    missing = await client.post("/admin/v1/partners/999/api-keys")
    assert missing.status_code == 404
    assert missing.json() == {"error": "partner 999 not found"}
    bad = await client.post(
        "/admin/v1/partners", json={"name": "", "customer_numbers": ["a/b"], "x": 1}
    )
    assert bad.status_code == 422
    assert bad.json()["errors"] == [
        "name: string should have at least 1 character",
        "customer_numbers[0]: must not contain '/'",
        "x: unknown field",
    ]
    partner_id = (await client.post("/admin/v1/partners", json={"name": "P"})).json()["id"]
    scope = await client.post(
        f"/admin/v1/partners/{partner_id}/oauth-clients", json={"scopes": ["admin"]}
    )
    assert scope.status_code == 422
    assert scope.json()["errors"][0].startswith("scopes[0]: input should be")
    unknown_key = await client.delete(f"/admin/v1/partners/{partner_id}/api-keys/77")
    assert unknown_key.status_code == 404
    assert unknown_key.json() == {"error": f"API key 77 of partner {partner_id} not found"}
    not_a_number = await client.get("/admin/v1/partners/abc")
    assert not_a_number.status_code == 400
    assert not_a_number.json()["errors"][0].startswith("path.partner_id:")


async def test_operations_routes(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json()["status"] == "ok"
    ready = await client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["database"] == "ok"
    assert (await client.get("/no/such/route")).status_code == 404


async def test_metrics_count_requests_by_route_template(client: httpx.AsyncClient) -> None:
    await client.get("/admin/v1/invoices/production/C1/NOPE")
    await client.get("/admin/v1/invoices/production/C2/NOPE2")
    text = (await client.get("/metrics")).text
    template = "/admin/v1/invoices/{environment}/{customer_number}/{invoice_number}"
    assert f'invoiceport_requests_total{{method="GET",route="{template}",status="404"}} 2.0' in text
    assert "NOPE" not in text


@pytest.mark.parametrize("bad", ["\x00", "abc\x00def", "é" * 300, ""])
async def test_implausible_credentials_never_reach_the_database(
    engine: AsyncEngine, bad: str
) -> None:
    from invoiceport.oauth.tokens import InvalidClient, issue_token
    from invoiceport.platform.db import utcnow
    from invoiceport.reads.service import ByKey, Presented, access

    for kind in ("api_key", "bearer"):
        lookup = ByKey("production", "C1", "1")
        assert (await access(engine, Presented(kind, bad), utcnow(), lookup)).principal is None
    for client_id, secret in ((bad, "secret"), ("client", bad)):
        with pytest.raises(InvalidClient):
            await issue_token(engine, client_id, secret, None, lifetime_seconds=60, now=utcnow())
