"""The PDF route: the shared renderer's bytes, an ETag per stored version, 304, a download name."""

from __future__ import annotations

import asyncio
import io
import threading

import pytest
from pypdf import PdfReader
from tests.factories import invoice_doc
from tests.scansource.conftest import A_CUSTOMER, World

from invoiceport.invoices.service import upsert
from invoiceport.invoices.validation import validate_document

PDF = f"/api/invoice/pdf/{A_CUSTOMER}/INV-1001"


async def test_the_invoice_as_pdf(world: World) -> None:
    response = await world.get(PDF)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == 'attachment; filename="INV-1001.pdf"'
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "INV-1001" in text and "4,904.90" in text


async def test_etag_follows_the_stored_version(world: World) -> None:
    first = await world.get(PDF)
    etag = first.headers["etag"]
    again = await world.get(PDF, headers={**world.a(), "If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    await upsert(world.engine, validate_document(invoice_doc(po_number="PO-CHANGED")))
    changed = await world.get(PDF, headers={**world.a(), "If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag


async def test_a_304_still_needs_the_key_and_the_grant(world: World) -> None:
    etag = (await world.get(PDF)).headers["etag"]
    anonymous = await world.get(PDF, headers={"If-None-Match": etag})
    assert anonymous.status_code == 401
    other = await world.get(PDF, headers={**world.b(), "If-None-Match": etag})
    assert other.status_code == 403


async def test_rendering_runs_off_the_event_loop(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from invoiceport.pdf import http as pdf_http

    threads: list[threading.Thread] = []
    real = pdf_http.render_invoice_pdf

    def spy(*args: object, **kwargs: object) -> bytes:
        threads.append(threading.current_thread())
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pdf_http, "render_invoice_pdf", spy)
    assert (await world.get(PDF)).status_code == 200
    assert threads and threads[0] is not threading.main_thread()


async def test_a_rendered_version_is_served_from_the_cache(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rendered once per stored version (the issue's 16 requests for one long PDF rendered it 16
    times); a new version is rendered anew."""
    from invoiceport.pdf import http as pdf_http

    rendered: list[int] = []
    real = pdf_http.render_invoice_pdf

    def counting(*args: object, **kwargs: object) -> bytes:
        rendered.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pdf_http, "render_invoice_pdf", counting)
    first, second = await world.get(PDF), await world.get(PDF)
    assert first.content == second.content and len(rendered) == 1
    await upsert(world.engine, validate_document(invoice_doc(po_number="PO-NEW")))
    third = await world.get(PDF)
    assert third.status_code == 200 and len(rendered) == 2
    assert third.headers["etag"] != first.headers["etag"]


async def test_a_pdf_that_waited_too_long_for_its_turn_is_a_429(world: World) -> None:
    """Another partner's renders are not touched; this partner is told when to come back."""
    from invoiceport.pdf.renders import PdfRenders

    app = world.transport.app
    renders: PdfRenders = app.state.context.pdf_renders
    app.state.context.pdf_renders = PdfRenders(0, per_partner=1, wait_seconds=0.05)
    try:
        slot = asyncio.Semaphore(1)
        app.state.context.pdf_renders._slots[world.a_partner] = slot  # type: ignore[attr-defined]
        await slot.acquire()  # the partner's only slot is busy
        busy = await world.get(PDF)
        slot.release()
        freed = await world.get(PDF)
    finally:
        app.state.context.pdf_renders = renders  # type: ignore[attr-defined]
    assert busy.status_code == 429 and busy.headers["retry-after"] == "5"
    assert "too many PDFs" in busy.text
    assert freed.status_code == 200
