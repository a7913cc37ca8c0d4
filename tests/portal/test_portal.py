"""The partner portal over the real app (both databases): sign-in, sessions, CSRF, every page and
download, and that one partner never sees another's invoices."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

import httpx
import pypdf
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from invoiceport.app import close, create_app
from invoiceport.platform.context import context_of
from invoiceport.settings import Settings
from tests.portal.support import PASSWORD, World, accept, csrf_of, dated, sign_in, store, world


@pytest.fixture
async def portal(settings: Settings) -> AsyncIterator[tuple[httpx.AsyncClient, httpx.AsyncClient]]:
    """Two browsers' worth of clients on one app: partner A's and partner B's."""
    app = create_app(settings.model_copy(update={"cookie_secure": False}))
    transport = httpx.ASGITransport(app=app)
    async with (
        httpx.AsyncClient(transport=transport, base_url="http://portal.test") as a,
        httpx.AsyncClient(transport=transport, base_url="http://portal.test") as b,
    ):
        a.app = app  # type: ignore[attr-defined]
        yield a, b
    await close(app)


@pytest.fixture
async def signed(
    engine: AsyncEngine, portal: tuple[httpx.AsyncClient, httpx.AsyncClient]
) -> tuple[httpx.AsyncClient, httpx.AsyncClient, World]:
    w = await world(engine, invoices_a=5)
    a, b = portal
    assert (await accept(a, w.a_invite)).headers["location"] == "/portal/login"
    assert (await accept(b, w.b_invite)).status_code == 303
    assert (await sign_in(a, "ann@acme.example")).headers["location"] == "/portal/"
    assert (await sign_in(b, "BOB@bolt.example")).status_code == 303  # e-mail case ignored
    return a, b, w


async def test_invitation_is_one_time_and_sets_the_password(
    engine: AsyncEngine, portal: tuple[httpx.AsyncClient, httpx.AsyncClient]
) -> None:
    w = await world(engine)
    a, _ = portal
    weak = await accept(a, w.a_invite, password="short")
    assert weak.status_code == 400 and "at least 12 characters" in weak.text
    assert (await accept(a, w.a_invite)).status_code == 303
    again = await a.get("/portal/invitation", params={"token": w.a_invite})
    assert again.status_code == 404 and "not valid" in again.text
    assert (await sign_in(a, "ann@acme.example")).status_code == 303


async def test_pages_need_a_session(portal: tuple[httpx.AsyncClient, httpx.AsyncClient]) -> None:
    a, _ = portal
    for path in (
        "/portal/",
        "/portal/invoices",
        "/portal/statement",
        "/portal/invoices.csv",
        "/portal/invoices/C100/A-0001",
        "/portal/invoices/C100/A-0001/pdf",
    ):
        answer = await a.get(path)
        assert answer.status_code == 303, path
        assert answer.headers["location"].startswith("/portal/login?next=/portal/")
    forged = await a.get("/portal/invoices", headers={"cookie": "invoiceport_portal=abc.def"})
    assert forged.status_code == 303


async def test_session_cookie_flags(engine: AsyncEngine, settings: Settings) -> None:
    await world(engine)
    app = create_app(settings)  # cookie_secure defaults to true
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="https://portal.test"
    ) as http:
        login = await http.get("/portal/login")
        form_cookie = login.headers["set-cookie"].lower()
        assert (
            "httponly" in form_cookie
            and "secure" in form_cookie
            and "samesite=strict" in form_cookie
        )
        assert login.headers["x-frame-options"] == "DENY"
        assert "frame-ancestors 'none'" in login.headers["content-security-policy"]
    await close(app)


async def test_lockout_after_five_failures(
    signed: tuple[httpx.AsyncClient, httpx.AsyncClient, World],
) -> None:
    a, b, _ = signed
    for _ in range(4):
        assert (await sign_in(b, "ann@acme.example", "wrong password!!")).status_code == 401
    locked = await sign_in(b, "ann@acme.example", "wrong password!!")
    assert locked.status_code == 429 and "locked" in locked.text
    refused = await sign_in(b, "ann@acme.example", PASSWORD)  # even the right password
    assert refused.status_code == 429
    app = a.app  # type: ignore[attr-defined]
    later = datetime.now(UTC) + timedelta(minutes=16)
    context_of(app).clock = lambda: later
    assert (await sign_in(b, "ann@acme.example", PASSWORD)).status_code == 303


async def test_logout_revokes_the_cookie(
    signed: tuple[httpx.AsyncClient, httpx.AsyncClient, World],
) -> None:
    a, _, _ = signed
    cookie = a.cookies["invoiceport_portal"]
    page = await a.get("/portal/invoices")
    assert (await a.post("/portal/logout", data={"csrf": csrf_of(page.text)})).status_code == 303
    a.cookies.clear()
    replay = await a.get("/portal/invoices", headers={"cookie": f"invoiceport_portal={cookie}"})
    assert replay.status_code == 303 and "/portal/login" in replay.headers["location"]


async def test_password_change_ends_other_sessions(
    signed: tuple[httpx.AsyncClient, httpx.AsyncClient, World],
) -> None:
    a, b, _ = signed
    assert (await sign_in(b, "ann@acme.example")).status_code == 303  # b is now Ann too
    page = await a.get("/portal/password")
    new = "another long passphrase"
    changed = await a.post(
        "/portal/password",
        data={"csrf": csrf_of(page.text), "current": PASSWORD, "new": new, "confirm": new},
    )
    assert changed.status_code == 303
    assert (await a.get("/portal/invoices")).status_code == 200  # the new session
    assert (await b.get("/portal/invoices")).status_code == 303  # the other one ended
    assert (await sign_in(b, "ann@acme.example", new)).status_code == 303


async def test_forms_without_the_csrf_token_are_refused(
    signed: tuple[httpx.AsyncClient, httpx.AsyncClient, World],
) -> None:
    a, b, _ = signed
    page = await b.get("/portal/invoices")
    others = csrf_of(page.text)  # a valid token, but of B's session
    for data in ({}, {"csrf": ""}, {"csrf": others}):
        refused = await a.post("/portal/logout", data=data)
        assert refused.status_code == 403 and "CSRF" in refused.text
    assert (await a.get("/portal/invoices")).status_code == 200  # still signed in
    fresh = httpx.AsyncClient(transport=a._transport, base_url="http://portal.test")
    login = await fresh.post(
        "/portal/login", data={"email": "ann@acme.example", "password": PASSWORD}
    )
    assert login.status_code == 403
    await fresh.aclose()
    not_a_form = await a.post(
        "/portal/logout", content=b"{}", headers={"content-type": "application/json"}
    )
    assert not_a_form.status_code == 400


async def test_the_next_parameter_stays_on_the_portal(
    engine: AsyncEngine, portal: tuple[httpx.AsyncClient, httpx.AsyncClient]
) -> None:
    w = await world(engine)
    a, _ = portal
    await accept(a, w.a_invite)
    for target in ("//evil.example/", "https://evil.example/portal/", "/console/"):
        page = await a.get("/portal/login")
        answer = await a.post(
            "/portal/login",
            data={
                "csrf": csrf_of(page.text),
                "email": "ann@acme.example",
                "password": PASSWORD,
                "next": target,
            },
        )
        assert answer.headers["location"] == "/portal/"


async def test_a_partner_never_sees_another_partners_invoices(
    signed: tuple[httpx.AsyncClient, httpx.AsyncClient, World],
) -> None:
    a, b, _ = signed
    own = await b.get("/portal/invoices")
    assert "B-1" in own.text and "A-0001" not in own.text and "C100" not in own.text
    for path in (
        "/portal/invoices?customer=C100",
        "/portal/invoices.csv?customer=C100",
        "/portal/statement?customer=C100",
        "/portal/invoices/C100/A-0001",
        "/portal/invoices/C100/A-0001/pdf",
        "/portal/invoices/C200/A2-1",
        "/portal/invoices?customer=C100&po=PO-55",
    ):
        answer = await b.get(path)
        assert answer.status_code == 404, path
        assert "A-0001" not in answer.text and "PO-C200" not in answer.text
    for path in (
        "/portal/invoices/C300/B-1",
        "/portal/invoices/C300/B-1/pdf",
        "/portal/invoices?customer=C300",
        "/portal/statement?customer=C300",
        "/portal/invoices.csv?customer=C300",
    ):
        assert (await a.get(path)).status_code == 404, path
    assert (await a.get("/portal/invoices/C100/A-0001")).status_code == 200


async def test_switching_between_granted_customers(
    signed: tuple[httpx.AsyncClient, httpx.AsyncClient, World],
) -> None:
    a, _, _ = signed
    first = await a.get("/portal/invoices")
    assert '<option value="C200"' in first.text and "A-0004" in first.text
    second = await a.get("/portal/invoices", params={"customer": "C200"})
    assert "A2-1" in second.text and "A-0004" not in second.text


async def test_filters(
    engine: AsyncEngine, signed: tuple[httpx.AsyncClient, httpx.AsyncClient, World]
) -> None:
    a, _, _ = signed
    await store(
        engine,
        [
            dated(
                "X-1",
                "C100",
                date(2025, 6, 1),
                po_number="PO-X",
                status="paid",
                sales_order_number="SO-X",
            ),
            dated(
                "CM-1",
                "C100",
                date(2026, 2, 1),
                document_type="credit_memo",
                original_invoice_number="A-0001",
                total="4904.90",
            ),
        ],
    )

    async def numbers(**params: str) -> set[str]:
        page = await a.get("/portal/invoices", params=params)
        assert page.status_code == 200, page.text
        return {
            n for n in ("A-0000", "A-0001", "A-0004", "X-1", "CM-1") if f">{n}</a>" in page.text
        }

    assert await numbers(po="PO-X") == {"X-1"}
    assert await numbers(order="SO-X") == {"X-1"}
    assert await numbers(invoice="A-0001") == {"A-0001"}
    assert await numbers(status="paid") == {"X-1"}
    assert await numbers(type="credit_memo") == {"CM-1"}
    assert await numbers(**{"from": "2026-01-02", "to": "2026-01-05"}) == {"A-0001", "A-0004"}
    assert await numbers(serial="S2") == {"A-0000", "A-0001", "A-0004", "X-1", "CM-1"}
    assert await numbers(serial="S9") == set()
    bad = await a.get("/portal/invoices", params={"from": "yesterday"})
    assert bad.status_code == 400 and "not a date" in bad.text
    assert (await a.get("/portal/invoices", params={"status": "lost"})).status_code == 400
    assert (await a.get("/portal/invoices", params={"po": "x" * 300})).status_code == 400
    linked = await a.get("/portal/invoices/C100/A-0001")
    assert "Credit memos" in linked.text and ">CM-1</a>" in linked.text


async def test_keyset_paging_visits_every_invoice_once(
    engine: AsyncEngine, signed: tuple[httpx.AsyncClient, httpx.AsyncClient, World]
) -> None:
    a, _, _ = signed
    start = date(2024, 1, 1)
    # 120 more: several on the same day, and two without an invoice date (they come last).
    docs = [dated(f"P-{i:04d}", "C100", start + timedelta(days=i // 3)) for i in range(118)]
    for n in ("N-1", "N-2"):
        doc = dated(n, "C100", start)
        del doc["invoice_date"]
        docs.append(doc)
    await store(engine, docs)
    seen: list[str] = []
    url = "/portal/invoices?customer=C100"
    pages = 0
    while url and pages < 6:
        page = await a.get(url)
        assert page.status_code == 200
        if pages == 0:
            assert "125 matching documents" in page.text
        rows = [
            line for line in page.text.splitlines() if '<td><a href="/portal/invoices/C100/' in line
        ]
        seen += [r.split(">")[2].split("<")[0] for r in rows]
        nxt = re.search(r'rel="next" href="([^"]+)"', page.text)
        url = nxt.group(1).replace("&amp;", "&") if nxt else ""
        pages += 1
    assert pages == 3, (url, seen)
    assert len(seen) == 125 and len(set(seen)) == 125
    assert seen[-2:] == ["N-2", "N-1"] and seen[0] == "A-0004"


async def test_invoice_page_pdf_and_csv(
    signed: tuple[httpx.AsyncClient, httpx.AsyncClient, World],
) -> None:
    a, _, _ = signed
    page = await a.get("/portal/invoices/C100/A-0002")
    for text in ("Barcode scanner", "S1, S2", "4,904.90 USD", "362.40 USD", "12.50 USD", "PO-55"):
        assert text in page.text, text
    pdf = await a.get("/portal/invoices/C100/A-0002/pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.content)).pages)
    assert "A-0002" in text
    again = await a.get(
        "/portal/invoices/C100/A-0002/pdf", headers={"if-none-match": pdf.headers["etag"]}
    )
    assert again.status_code == 304
    assert (await a.get("/portal/invoices/C100/NOPE")).status_code == 404
    exported = await a.get(
        "/portal/invoices.csv", params={"customer": "C100", "from": "2026-01-03"}
    )
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [r["invoice_number"] for r in rows] == ["A-0004", "A-0003", "A-0002"]
    assert rows[0]["total"] == "4904.90" and rows[0]["currency"] == "USD"


async def test_csv_streams_past_one_batch_and_defuses_formulas(
    engine: AsyncEngine, signed: tuple[httpx.AsyncClient, httpx.AsyncClient, World]
) -> None:
    a, _, _ = signed
    docs = [
        dated(f"Q-{i:05d}", "C200", date(2025, 1, 1), po_number="=HYPERLINK(1)")
        for i in range(1_100)
    ]
    await store(engine, docs)
    exported = await a.get("/portal/invoices.csv", params={"customer": "C200"})
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert len(rows) == 1_101 and len({r["invoice_number"] for r in rows}) == 1_101
    assert rows[-1]["po_number"] == "'=HYPERLINK(1)"


async def test_statement_ages_open_items_per_currency(
    engine: AsyncEngine, signed: tuple[httpx.AsyncClient, httpx.AsyncClient, World]
) -> None:
    a, _, _ = signed
    today = date(2026, 6, 30)
    context_of(a.app).clock = lambda: datetime(2026, 6, 30, 12, tzinfo=UTC)  # type: ignore[attr-defined]

    def due(days_past: int, number: str, **more: str) -> dict[str, object]:
        d = today - timedelta(days=days_past)
        return dated(number, "C200", d - timedelta(days=30), due_date=d.isoformat(), **more)

    await store(
        engine,
        [
            due(-5, "S-CUR"),
            due(0, "S-CUR2"),
            due(1, "S-1"),
            due(30, "S-30"),
            due(31, "S-31"),
            due(90, "S-90"),
            due(91, "S-91"),
            due(200, "S-PAID", status="paid"),
            due(10, "S-EUR", currency="EUR"),
            due(10, "S-CM", document_type="credit_memo", total="4904.90"),
        ],
    )
    page = await a.get("/portal/statement", params={"customer": "C200"})
    assert page.status_code == 200
    assert "S-PAID" not in page.text
    html = page.text
    usd = html[html.index('<th scope="row">USD</th>') :].split("</tr>")[0]
    cells = [c.split("<")[0] for c in usd.split('<td class="num">')[1:]]
    # current: A2-1 (due long ago? no: 2026-01-31, so over 90) ... count exactly:
    # current S-CUR, S-CUR2; 1-30: S-1, S-30, minus the memo (10 days); 31-60: S-31; 61-90: S-90;
    # over 90: S-91 and A2-1 (due 2026-01-31).
    assert cells[:5] == ["9,809.80", "4,904.90", "4,904.90", "4,904.90", "9,809.80"]
    assert "<strong>34,334.30</strong>" in usd
    assert '<th scope="row">EUR</th>' in html
