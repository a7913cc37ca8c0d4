"""Invoice and credit memo PDFs: one renderer for every dialect's PDF route.

    from invoiceport.pdf import DEFAULT_LETTERHEAD, render_invoice_pdf
    pdf = render_invoice_pdf(invoice, letterhead=DEFAULT_LETTERHEAD, version=3)

The pipeline is `view.build_view` (canonical invoice -> formatted strings), `layout.lay_out`
(strings -> positioned pages) and `render.paint` (pages -> PDF bytes with ReportLab).
`http.pdf_response` sends the bytes with an ETag, 304 answers and a download filename.

Importing this package is cheap: ReportLab and the fonts are loaded on the first render.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from invoiceport.pdf.letterhead import DEFAULT_LETTERHEAD, Letterhead

if TYPE_CHECKING:
    from invoiceport.invoices.schemas import CanonicalInvoice


def render_invoice_pdf(
    invoice: CanonicalInvoice, *, letterhead: Letterhead, version: int = 1
) -> bytes:
    """The invoice or credit memo as PDF bytes; one invoice version always gives the same bytes."""
    from invoiceport.pdf.render import render_invoice_pdf as render

    return render(invoice, letterhead=letterhead, version=version)


__all__ = ["DEFAULT_LETTERHEAD", "Letterhead", "render_invoice_pdf"]
