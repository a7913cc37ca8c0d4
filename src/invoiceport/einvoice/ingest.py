"""The ingest check for suppliers that must issue e-invoices (`einvoice_ingest_formats`).

With formats set, the admin API (one document and bulk) and `invoiceport import` refuse a document
that cannot become a valid e-invoice in each of them, with the messages an export's 422 gives
("field: [rule] text", prefixed by the format). Factur-X is checked as its CII.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from invoiceport.einvoice.export import Refused, check_invoice
from invoiceport.einvoice.seller import supplier_from_settings
from invoiceport.invoices.schemas import CanonicalInvoice

if TYPE_CHECKING:
    from invoiceport.settings import Settings

Check = Callable[[CanonicalInvoice], list[str]]


def ingest_check(settings: Settings) -> Check | None:
    """The check the settings ask for, or None (the default: no check)."""
    formats = tuple(
        dict.fromkeys("cii" if f == "facturx" else f for f in settings.einvoice_ingest_formats)
    )
    if not formats:
        return None
    supplier = supplier_from_settings(settings)

    def check(invoice: CanonicalInvoice) -> list[str]:
        errors: list[str] = []
        for fmt in formats:
            try:
                check_invoice(invoice, fmt, supplier)
            except Refused as refused:
                errors += [f"{f.field}: [{fmt} {f.rule}] {f.text}" for f in refused.failures]
        return errors

    return check
