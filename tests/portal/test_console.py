"""The supplier console over the real app: console users from the CLI, every partner action
through the admin API's services, rejected documents, webhook deliveries and their replay."""

from __future__ import annotations

import re
import subprocess
from collections.abc import AsyncIterator

import httpx
import orjson
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from invoiceport.accounts import service as accounts
from invoiceport.app import close, create_app
from invoiceport.partners import service as partners
from invoiceport.platform.db import utcnow
from invoiceport.settings import Settings
from invoiceport.webhooks import service as webhooks
from invoiceport.webhooks.schemas import EndpointCreate
from tests.conftest import ADMIN_TOKEN
from tests.factories import invoice_doc
from tests.live import INVOICEPORT, cli_env
from tests.portal.support import PASSWORD, csrf_of, sign_in, store, world

STAFF = "staff@supplier.example"


@pytest.fixture
async def console(settings: Settings, engine: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    await accounts.create_with_password(engine, "console", STAFF, PASSWORD, utcnow())
    test_settings = settings.model_copy(
        update={"cookie_secure": False, "webhook_allow_private": True}
    )
    app = create_app(test_settings)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://console.test"
    ) as http:
        assert (await sign_in(http, STAFF, role="console")).status_code == 303
        yield http
    await close(app)


async def post(http: httpx.AsyncClient, page: str, action: str, **data: str) -> httpx.Response:
    form = await http.get(page)
    return await http.post(action, data={"csrf": csrf_of(form.text), **data})


def test_console_user_from_the_cli(tmp_path: object) -> None:
    url = f"sqlite:///{tmp_path}/cli.db"  # type: ignore[str-bytes-safe]
    made = subprocess.run(
        [INVOICEPORT, "console-user", "create", STAFF, "--password-stdin"],
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        env=cli_env(url),
        check=False,
    )
    assert made.returncode == 0, made.stderr
    assert f"created: {STAFF}" in made.stdout
    again = subprocess.run(
        [INVOICEPORT, "console-user", "create", STAFF, "--password-stdin"],
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        env=cli_env(url),
        check=False,
    )
    assert again.returncode == 2 and "exists already" in again.stderr
    invited = subprocess.run(
        [
            INVOICEPORT,
            "console-user",
            "create",
            "new@supplier.example",
            "--base-url",
            "https://ip.example",
        ],
        capture_output=True,
        text=True,
        env=cli_env(url),
        check=False,
    )
    assert "https://ip.example/console/invitation?token=" in invited.stdout
    weak = subprocess.run(
        [INVOICEPORT, "console-user", "create", "x@supplier.example", "--password-stdin"],
        input="short\n",
        capture_output=True,
        text=True,
        env=cli_env(url),
        check=False,
    )
    assert weak.returncode == 2 and "at least 12" in weak.stderr


async def test_a_portal_user_cannot_use_the_console(
    engine: AsyncEngine, settings: Settings
) -> None:
    w = await world(engine)
    await accounts.accept_invitation(engine, w.a_invite, PASSWORD, utcnow())
    app = create_app(settings.model_copy(update={"cookie_secure": False}))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://c.test"
    ) as http:
        assert (await sign_in(http, "ann@acme.example", role="console")).status_code == 401
        assert (await sign_in(http, "ann@acme.example")).status_code == 303
        assert (await http.get("/console/")).status_code == 303  # the portal cookie is not one
    await close(app)


async def test_partner_actions(console: httpx.AsyncClient, engine: AsyncEngine) -> None:
    http = console
    created = await post(
        http, "/console/partners", "/console/partners", name="Cobalt", customers="C1, C2"
    )
    assert created.status_code == 303
    here = created.headers["location"]
    partner_id = int(here.rsplit("/", 1)[1])
    assert (await post(http, here, f"{here}/rename", name="Cobalt Ltd")).status_code == 303
    assert (await post(http, here, f"{here}/grant", customers="C3")).status_code == 303
    assert (await post(http, here, f"{here}/revoke", customers="C1")).status_code == 303
    partner = await partners.get_partner(engine, partner_id)
    assert partner.name == "Cobalt Ltd" and partner.customer_numbers == ["C2", "C3"]
    bad = await post(http, here, f"{here}/grant", customers="bad\x01number")
    assert bad.status_code == 400
    issued = await post(http, here, f"{here}/api-key")
    key = re.search(r'class="secret">([0-9a-f]{32})<', issued.text)
    assert issued.status_code == 200 and key is not None and "shown once" in issued.text
    assert key.group(1) not in (await http.get(here)).text
    key_id = (await partners.get_partner(engine, partner_id)).api_keys[0].id
    assert (await post(http, here, f"{here}/revoke-api-key", key_id=str(key_id))).status_code == 303
    assert (await partners.get_partner(engine, partner_id)).api_keys[0].revoked_at is not None
    client = await post(http, here, f"{here}/oauth-client", **{"scope_invoice.read": "1"})
    assert "client_secret" in client.text
    client_id = (await partners.get_partner(engine, partner_id)).oauth_clients[0].client_id
    assert (await partners.get_partner(engine, partner_id)).oauth_clients[0].scopes == [
        "invoice.read"
    ]
    await post(http, here, f"{here}/revoke-oauth-client", client_id=client_id)
    assert (await partners.get_partner(engine, partner_id)).oauth_clients[0].revoked_at is not None
    invited = await post(http, here, f"{here}/portal-user", email="pat@cobalt.example")
    link = re.search(r"/portal/invitation\?token=([\w-]+)", invited.text)
    assert link is not None
    user = await accounts.invitation_user(engine, link.group(1), utcnow())
    assert user is not None and user.partner_id == partner_id
    assert (
        await post(http, here, f"{here}/disable-portal-user", user_id=str(user.id))
    ).status_code == 303
    assert (await post(http, here, f"{here}/delete")).headers["location"] == "/console/partners"
    assert (await http.get(here)).status_code == 404
    forged = await http.post(f"/console/partners/{partner_id}/delete", data={"csrf": "nope"})
    assert forged.status_code == 403


async def test_dashboard_shows_rejected_documents_and_lookup(
    console: httpx.AsyncClient, settings: Settings, engine: AsyncEngine
) -> None:
    await store(engine, [invoice_doc("INV-9", "C100"), invoice_doc("INV-9", "C200", status="paid")])
    app = create_app(settings)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://admin.test",
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
    ) as admin:
        bad = invoice_doc("BAD-1", "C100", total="1.00")
        assert (
            await admin.post("/admin/v1/invoices", content=orjson.dumps(bad))
        ).status_code == 422
        lines = (
            orjson.dumps(invoice_doc("OK-2"))
            + b"\n"
            + orjson.dumps(invoice_doc("BAD-2", currency="XXX1"))
        )
        assert (await admin.post("/admin/v1/invoices/bulk", content=lines)).status_code == 200
    await close(app)
    board = await console.get("/console/")
    assert board.status_code == 200
    assert "BAD-1" in board.text and "total" in board.text and "BAD-2" in board.text
    assert "admin-bulk" in board.text
    found = await console.get("/console/invoices", params={"number": "INV-9"})
    assert found.text.count("<td>INV-9") == 0 and "C100" in found.text and "C200" in found.text


async def test_webhook_deliveries_and_replay(
    console: httpx.AsyncClient, settings: Settings, engine: AsyncEngine
) -> None:
    w = await world(engine)
    allow = settings.model_copy(update={"webhook_allow_private": True})
    issued = await webhooks.create_endpoint(
        engine,
        allow,
        w.a,
        EndpointCreate(url="http://127.0.0.1:9/hook", events=["invoice.created"]),
    )
    await store(engine, [invoice_doc("HOOK-1", "C100")])
    await webhooks.dispatch(engine)
    here = f"/console/partners/{w.a}/webhooks/{issued.endpoint.id}"
    page = await console.get(here)
    assert page.status_code == 200 and "HOOK-1" in page.text
    delivery = re.search(r'name="delivery_id" value="(\d+)"', page.text)
    assert delivery is not None
    replayed = await post(console, here, f"{here}/replay", delivery_id=delivery.group(1))
    assert replayed.status_code == 303
    other = await console.get(f"/console/partners/{w.b}/webhooks/{issued.endpoint.id}")
    assert other.status_code == 404


async def test_the_admin_api_invites_portal_users(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    w = await world(engine)
    made = await client.post(
        f"/admin/v1/partners/{w.a}/portal-users", json={"email": "Pia@Acme.example"}
    )
    assert made.status_code == 201, made.text
    token = made.json()["invitation_url"].split("token=")[1]
    user = await accounts.invitation_user(engine, token, utcnow())
    assert user is not None and user.email == "pia@acme.example" and user.partner_id == w.a
    again = await client.post(
        f"/admin/v1/partners/{w.a}/portal-users", json={"email": "pia@acme.example"}
    )
    assert again.status_code == 409
    assert (
        await client.post("/admin/v1/partners/999/portal-users", json={"email": "x@y.example"})
    ).status_code == 404
    bad = await client.post(
        f"/admin/v1/partners/{w.a}/portal-users", json={"email": "not an address"}
    )
    assert bad.status_code == 422
    assert (await client.post(f"/admin/v1/partners/{w.a}/portal-users", json={})).status_code == 422
