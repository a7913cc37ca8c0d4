"""The admin e-invoice route over the real app on both databases, and `invoiceport export`."""

from __future__ import annotations

import asyncio
import io
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import httpx
import orjson
from pypdf import PdfReader

from invoiceport.app import close, create_app
from invoiceport.invoices.prepare import serialize
from invoiceport.invoices.schemas import CanonicalInvoice
from invoiceport.invoices.service import BulkIngest
from invoiceport.ops.demo_eu import eu_invoices
from invoiceport.ops.export import export_invoices
from invoiceport.ops.migrate import upgrade
from invoiceport.platform.db import create_engine
from invoiceport.settings import Settings
from tests.conftest import ADMIN_TOKEN
from tests.factories import invoice_doc
from tests.test_cli import run

TODAY = date(2026, 11, 30)
BASE = "/admin/v1/invoices/production"


def _eu_json(index: int = 0) -> bytes:
    return serialize(eu_invoices(TODAY)[index])[0]


async def test_admin_einvoice_formats_etag_and_refusals(client: httpx.AsyncClient) -> None:
    assert (await client.post("/admin/v1/invoices", content=_eu_json(0))).status_code == 200
    url = f"{BASE}/EU-DE-1001/EU-DE-0001/einvoice"
    for fmt, media in (
        ("peppol-bis3", "application/xml"),
        ("xrechnung", "application/xml"),
        ("cii", "application/xml"),
        ("facturx", "application/pdf"),
    ):
        answer = await client.get(url, params={"format": fmt})
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"].startswith(media)
        suffix = "pdf" if fmt == "facturx" else "xml"
        assert answer.headers["content-disposition"] == (
            f'attachment; filename="invoice-EU-DE-0001-{fmt}.{suffix}"'
        )
        etag = answer.headers["etag"]
        again = await client.get(url, params={"format": fmt}, headers={"If-None-Match": etag})
        assert again.status_code == 304
        assert again.content == b""
        if fmt == "facturx":
            cii = (await client.get(url, params={"format": "cii"})).content
            assert PdfReader(io.BytesIO(answer.content)).attachments["factur-x.xml"] == [cii]
    etags = {
        (await client.get(url, params={"format": f})).headers["etag"] for f in ("cii", "xrechnung")
    }
    assert len(etags) == 2

    bad = await client.get(url, params={"format": "edifact"})
    assert bad.status_code == 400
    assert "peppol-bis3" in bad.json()["error"]
    assert (await client.get(url)).status_code == 400
    missing = await client.get(f"{BASE}/EU-DE-1001/NOPE/einvoice", params={"format": "cii"})
    assert missing.status_code == 404

    # a document whose line totals do not add up, stored without the arithmetic check
    broken = orjson.loads(_eu_json(2))
    broken["invoice_number"] = "EU-DE-BROKEN"
    broken["subtotal"] = str(Decimal(broken["subtotal"]) + 5)
    stored = await client.post(
        "/admin/v1/invoices", params={"verify_totals": "false"}, content=orjson.dumps(broken)
    )
    assert stored.status_code == 200
    refused = await client.get(
        f"{BASE}/EU-DE-1001/EU-DE-BROKEN/einvoice", params={"format": "peppol-bis3"}
    )
    assert refused.status_code == 422
    body = refused.json()
    assert "BR-CO-10" in body["error"]
    assert any(f["rule"] == "BR-CO-10" and f["field"] == "subtotal" for f in body["failures"])
    assert all(f["text"] for f in body["failures"])
    assert any(e.startswith("subtotal: [BR-CO-10]") for e in body["errors"])


async def _load(url: str, docs: list[CanonicalInvoice]) -> None:
    settings = Settings(database_url=url, _env_file=None)  # type: ignore[call-arg]
    engine = create_engine(settings)
    try:
        await upgrade(engine)
        bulk = BulkIngest(engine)
        for doc in docs:
            await bulk.add(doc)
        await bulk.finish()
    finally:
        await engine.dispose()


async def test_export_cli_writes_valid_files_and_reports_refusals(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/export.db"
    us_style = CanonicalInvoice.model_validate(invoice_doc("US-1", "C100"))  # no VAT data
    await _load(url, [*eu_invoices(TODAY), us_style])
    out = tmp_path / "out"
    result = await asyncio.to_thread(
        run, "export", "--format", "peppol-bis3", "--out", str(out), database_url=url
    )
    assert result.returncode == 1, result.stderr
    assert f"exported 8 peppol-bis3 document(s) to {out}, refused 1" in result.stdout
    assert "refused C100/US-1: " in result.stderr
    assert "lines[0].vat_category: [BR-CO-04] Each Invoice line" in result.stderr
    files = sorted(p.name for p in out.iterdir())
    assert "EU-DE-1001_invoice-EU-DE-0001-peppol-bis3.xml" in files
    assert "EU-DE-1001_credit-memo-EU-DE-0002-peppol-bis3.xml" in files
    assert len(files) == 8
    bad = await asyncio.to_thread(
        run, "export", "--format", "edi", "--out", str(tmp_path / "x"), database_url=url
    )
    assert bad.returncode == 2
    assert "--format: unknown e-invoice format 'edi'" in bad.stderr


async def test_export_selects_by_customer_and_date(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/export.db"
    await _load(url, eu_invoices(TODAY))
    settings = Settings(database_url=url, _env_file=None)  # type: ignore[call-arg]
    engine = create_engine(settings)
    try:
        summary = await export_invoices(
            engine,
            settings,
            "facturx",
            tmp_path / "fx",
            customer="EU-FR-2001",
            since=TODAY - timedelta(days=20),
        )
    finally:
        await engine.dispose()
    assert summary.exported == 1
    assert not summary.refused
    assert [p.name for p in summary.files] == ["EU-FR-2001_invoice-EU-FR-0001-facturx.pdf"]
    assert summary.files[0].read_bytes().startswith(b"%PDF-1.")


async def test_ingest_setting_refuses_what_cannot_be_an_einvoice(settings: Settings) -> None:
    strict = settings.model_copy(update={"einvoice_ingest_formats": ("peppol-bis3", "facturx")})
    app = create_app(strict)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://invoiceport.test",
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
    ) as http:
        good = await http.post("/admin/v1/invoices", content=_eu_json(3))
        assert good.status_code == 200, good.text
        us_style = orjson.dumps(invoice_doc("US-1", "C100"))
        refused = await http.post("/admin/v1/invoices", content=us_style)
        assert refused.status_code == 422
        errors = refused.json()["errors"]
        assert "lines[0].vat_category: [peppol-bis3 BR-CO-04] Each Invoice line" in " ".join(errors)
        assert any("[cii BR-CO-04]" in e for e in errors)  # Factur-X is checked as its CII
        bulk = await http.post(
            "/admin/v1/invoices/bulk", content=_eu_json(4) + b"\n" + us_style + b"\n"
        )
        report = bulk.json()
        assert report["created"] == 1
        assert [r["line"] for r in report["rejected"]] == [2]
        missing = await http.get("/admin/v1/invoices/production/C100/US-1")
        assert missing.status_code == 404
    await close(app)
