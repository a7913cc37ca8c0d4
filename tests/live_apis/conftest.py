"""One live server per database for the live-API tests, with the data real clients read.

Partner A is granted ABC bill-to account 2011865 and ScanSource customer C100, and holds an
OAuth client with every scope plus a subscription key; partner B is granted C200 only. The
package's tests share the server and its data (they only read, or add what they name).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.conftest import ADMIN_TOKEN, _truncate
from tests.factories import invoice_doc
from tests.live import live_server

ABC_ACCOUNT = "2011865"
ABC_INVOICE = "2010452632-001"
ABC_LINES = 12  # more than the 10 the vendor's live API caps at


@dataclass(frozen=True)
class Creds:
    partner_id: int
    client_id: str
    client_secret: str
    api_key: str


@dataclass(frozen=True)
class World:
    base: str
    a: Creds
    b: Creds
    url: str = ""
    """The server's database (the webhook worker runs in the test process)."""

    def admin(self) -> httpx.Client:
        headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        return httpx.Client(base_url=self.base, headers=headers, timeout=30)


def abc_invoice() -> dict[str, Any]:
    lines = [
        {
            "line_number": n,
            "item_number": f"SHG-{n}",
            "description": f"Shingles bundle {n}",
            "unit_of_measure": "BD",
            "quantity": 3,
            "quantity_shipped": 3,
            "unit_price": "7.5000",
            "extended_price": "22.50",
        }
        for n in range(1, ABC_LINES + 1)
    ]
    return invoice_doc(
        ABC_INVOICE,
        ABC_ACCOUNT,
        bill_to={"name": "Team Dm Construction", "city": "Beloit"},
        ship_to_account={"number": "2011865-2", "name": "Team Dm Constructionshop"},
        branch_number="118",
        order_date="2026-10-01T08:30:00Z",
        sales_order_number="2010452632",
        po_number="123445533",
        subtotal="270.00",
        tax="0.10",
        freight=None,
        total="270.10",
        lines=lines,
    )


def scansource_invoices() -> list[dict[str, Any]]:
    first = invoice_doc(
        "INV-1001",
        "C100",
        ship_date="2026-10-02",
        tracking_numbers=["1Z999"],
    )
    first["lines"][0]["tracking_numbers"] = ["1Z999", "1Z998"]
    first["lines"][0]["delivery_number"] = "D-77"
    second = invoice_doc("INV-1002", "C100", po_number="PO-66", invoice_date="2026-10-05")
    other = invoice_doc("INV-2001", "C200")
    return [first, second, other]


def _partner(admin: httpx.Client, name: str, customers: list[str]) -> Creds:
    created = admin.post("/admin/v1/partners", json={"name": name, "customer_numbers": customers})
    assert created.status_code == 201, created.text
    partner_id = created.json()["id"]
    client = admin.post(f"/admin/v1/partners/{partner_id}/oauth-clients", json={})
    assert client.status_code == 201, client.text
    key = admin.post(f"/admin/v1/partners/{partner_id}/api-keys")
    assert key.status_code == 201, key.text
    issued = client.json()
    return Creds(partner_id, issued["client_id"], issued["client_secret"], key.json()["key"])


def new_client(world: World, partner: Creds, scopes: list[str]) -> tuple[str, str]:
    """Another OAuth client of `partner` with only `scopes` (the admin API's check included)."""
    with world.admin() as admin:
        path = f"/admin/v1/partners/{partner.partner_id}/oauth-clients"
        issued = admin.post(path, json={"scopes": scopes})
    assert issued.status_code == 201, issued.text
    return issued.json()["client_id"], issued.json()["client_secret"]


@pytest.fixture(scope="package", params=["sqlite", "postgresql"])
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("live") / "live.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("postgres_database")
        _truncate(url)
    settings = {"admin_token": ADMIN_TOKEN, "webhook_allow_private": "true"}
    with live_server(url, timeout=120, **settings) as base:
        with World(base, None, None).admin() as admin:  # type: ignore[arg-type]
            a = _partner(admin, "Partner A", [ABC_ACCOUNT, "C100"])
            b = _partner(admin, "Partner B", ["C200"])
            for doc in [abc_invoice(), *scansource_invoices()]:
                stored = admin.post("/admin/v1/invoices", json=doc)
                assert stored.status_code in (200, 201), stored.text
        yield World(base, a, b, url)
