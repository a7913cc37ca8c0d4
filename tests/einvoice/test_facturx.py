"""Factur-X read back with pypdf: PDF/A-3 pieces in place, the attachment is the CII export."""

from __future__ import annotations

import io
from datetime import date

from pypdf import PdfReader
from pypdf.generic import IndirectObject

from invoiceport.einvoice.export import check_invoice, export_invoice
from invoiceport.einvoice.seller import supplier_from_settings
from invoiceport.ops.demo_eu import eu_invoices
from invoiceport.pdf import DEFAULT_LETTERHEAD, render_invoice_pdf
from invoiceport.settings import Settings

SUPPLIER = supplier_from_settings(Settings(_env_file=None))  # type: ignore[call-arg]


def _resolve(value: object) -> object:
    return value.get_object() if isinstance(value, IndirectObject) else value


def test_facturx_pdf_carries_the_cii_and_declares_pdfa3_and_facturx() -> None:
    for invoice in eu_invoices(date(2026, 11, 30))[:2]:  # an invoice and a credit memo
        pdf = render_invoice_pdf(invoice, letterhead=DEFAULT_LETTERHEAD, version=1)
        done = export_invoice(invoice, "facturx", SUPPLIER, pdf=pdf)
        assert done.media_type == "application/pdf"
        assert done.body.startswith(b"%PDF-1.6")
        # one PDF, whose cross-reference table is right (strict: no repair on reading)
        assert done.body.count(b"%PDF-") == 1 and done.body.count(b"%%EOF") == 1
        PdfReader(io.BytesIO(done.body), strict=True).trailer["/Root"]
        cii, _ = check_invoice(invoice, "cii", SUPPLIER)
        reader = PdfReader(io.BytesIO(done.body))
        assert reader.attachments["factur-x.xml"] == [cii]
        root = reader.trailer["/Root"]
        (spec,) = [_resolve(x) for x in _resolve(root["/AF"])]  # type: ignore[attr-defined]
        assert spec["/AFRelationship"] == "/Data"  # type: ignore[index]
        assert spec["/F"] == "factur-x.xml"  # type: ignore[index]
        (intent,) = [_resolve(x) for x in _resolve(root["/OutputIntents"])]  # type: ignore[attr-defined]
        assert intent["/S"] == "/GTS_PDFA1"  # type: ignore[index]
        profile = _resolve(intent["/DestOutputProfile"]).get_data()  # type: ignore[index, attr-defined]
        assert profile[36:40] == b"acsp"  # an ICC profile
        metadata = _resolve(root["/Metadata"])
        assert "/Filter" not in metadata  # type: ignore[operator]
        xmp = metadata.get_data().decode()  # type: ignore[attr-defined]
        assert "<pdfaid:part>3</pdfaid:part>" in xmp
        assert "<pdfaid:conformance>B</pdfaid:conformance>" in xmp
        assert "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#" in xmp
        assert "<fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>" in xmp
        assert "<fx:DocumentFileName>factur-x.xml</fx:DocumentFileName>" in xmp
        # PDF/A: every font embedded
        for page in reader.pages:
            fonts = page["/Resources"]["/Font"]  # type: ignore[index]
            for ref in fonts.values():  # type: ignore[union-attr]
                font = _resolve(ref)
                descendants = font.get("/DescendantFonts")  # type: ignore[union-attr]
                target = _resolve(descendants[0]) if descendants else font  # type: ignore[index]
                descriptor = _resolve(target["/FontDescriptor"])  # type: ignore[index]
                assert "/FontFile2" in descriptor  # type: ignore[operator]
        # the page text is the invoice's
        assert invoice.invoice_number in reader.pages[0].extract_text()
