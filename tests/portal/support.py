"""Two partners with portal users and invoices, for the portal's HTTP and browser tests."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import httpx
import orjson
from sqlalchemy.ext.asyncio import AsyncEngine

from invoiceport.accounts import service as accounts
from invoiceport.invoices import service as ingest
from invoiceport.invoices.validation import parse_document
from invoiceport.partners import service as partners
from invoiceport.partners.schemas import PartnerCreate
from invoiceport.platform.db import utcnow
from tests.factories import invoice_doc

PASSWORD = "correct horse battery staple"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass(frozen=True, slots=True)
class World:
    a: int  # partner A: customers C100 and C200
    b: int  # partner B: customer C300
    a_invite: str
    b_invite: str


def dated(number: str, customer: str, day: date, **overrides: Any) -> dict[str, Any]:
    due = (day + timedelta(days=30)).isoformat()
    fields = {"invoice_date": day.isoformat(), "due_date": due, **overrides}
    return invoice_doc(number, customer, **fields)


async def store(engine: AsyncEngine, docs: list[dict[str, Any]]) -> None:
    await ingest.store_batch(engine, [parse_document(orjson.dumps(d)) for d in docs])


async def world(engine: AsyncEngine, *, invoices_a: int = 5) -> World:
    a = await partners.create_partner(
        engine, PartnerCreate(name="Acme", customer_numbers=["C100", "C200"])
    )
    b = await partners.create_partner(engine, PartnerCreate(name="Bolt", customer_numbers=["C300"]))
    start = date(2026, 1, 1)
    docs = [dated(f"A-{i:04d}", "C100", start + timedelta(days=i)) for i in range(invoices_a)]
    docs.append(dated("A2-1", "C200", start, po_number="PO-C200"))
    docs.append(dated("B-1", "C300", start, po_number="PO-SECRET-B"))
    await store(engine, docs)
    now = utcnow()
    a_invite = await accounts.invite(engine, "portal", "ann@acme.example", a, now)
    b_invite = await accounts.invite(engine, "portal", "bob@bolt.example", b, now)
    return World(a, b, a_invite.token, b_invite.token)


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found is not None, html[:500]
    return found.group(1)


async def accept(http: httpx.AsyncClient, token: str, password: str = PASSWORD) -> httpx.Response:
    page = await http.get("/portal/invitation", params={"token": token})
    assert page.status_code == 200, page.text
    return await http.post(
        "/portal/invitation",
        data={
            "csrf": csrf_of(page.text),
            "token": token,
            "password": password,
            "confirm": password,
        },
    )


async def sign_in(
    http: httpx.AsyncClient, email: str, password: str = PASSWORD, role: str = "portal"
) -> httpx.Response:
    page = await http.get(f"/{role}/login")
    return await http.post(
        f"/{role}/login",
        data={"csrf": csrf_of(page.text), "email": email, "password": password, "next": ""},
    )
