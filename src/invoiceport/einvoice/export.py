"""Export a canonical invoice in one e-invoice format, validated, or refuse it with the rules.

    supplier = supplier_from_settings(settings)
    done = export_invoice(invoice, "peppol-bis3", supplier)   # raises Refused

Nothing unvalidated is ever returned: the XML (the CII, for Factur-X) is checked against its XSD
and every applicable rule set (`FORMATS`) first.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Final

from invoiceport.einvoice.cii import build_cii
from invoiceport.einvoice.model import Document, Supplier, build
from invoiceport.einvoice.ubl import build_ubl
from invoiceport.einvoice.validate import Failure, Report, runner
from invoiceport.invoices.schemas import CanonicalInvoice


@dataclass(frozen=True, slots=True)
class Format:
    name: str
    title: str
    syntax: str  # "ubl" or "cii"
    rule_sets: tuple[str, ...]
    media_type: str
    suffix: str


FORMATS: Final = {
    "peppol-bis3": Format(
        "peppol-bis3",
        "Peppol BIS Billing 3.0 (UBL)",
        "ubl",
        ("EN16931-UBL", "PEPPOL-BIS3"),
        "application/xml",
        ".xml",
    ),
    "xrechnung": Format(
        "xrechnung",
        "XRechnung 3.0 (UBL)",
        "ubl",
        ("EN16931-UBL", "XRECHNUNG"),
        "application/xml",
        ".xml",
    ),
    "cii": Format(
        "cii", "UN/CEFACT CII D16B (EN 16931)", "cii", ("EN16931-CII",), "application/xml", ".xml"
    ),
    "facturx": Format(
        "facturx",
        "Factur-X / ZUGFeRD EN 16931 (PDF/A-3)",
        "cii",
        ("EN16931-CII",),
        "application/pdf",
        ".pdf",
    ),
}
FORMAT_NAMES: Final = tuple(FORMATS)


class UnknownFormat(ValueError):
    def __init__(self, name: str) -> None:
        super().__init__(f"unknown e-invoice format {name!r}: use one of {', '.join(FORMAT_NAMES)}")


class Refused(Exception):
    """The document cannot be a valid e-invoice in this format: every failed rule."""

    def __init__(self, fmt: str, failures: tuple[Failure, ...]) -> None:
        super().__init__(f"{fmt}: " + ", ".join(sorted({f.rule for f in failures})))
        self.format = fmt
        self.failures = failures

    def errors(self) -> list[dict[str, str]]:
        return [f.as_json() for f in self.failures]

    def rule_ids(self) -> list[str]:
        return sorted({f.rule for f in self.failures})


@dataclass(frozen=True, slots=True)
class Exported:
    format: Format
    body: bytes
    filename: str
    report: Report

    @property
    def media_type(self) -> str:
        return self.format.media_type


def get_format(name: str) -> Format:
    fmt = FORMATS.get(name)
    if fmt is None:
        raise UnknownFormat(name)
    return fmt


def build_xml(doc: Document, fmt: Format) -> tuple[bytes, str]:
    """The XML of `fmt` and the name of its XSD."""
    if fmt.syntax == "cii":
        return build_cii(doc), "cii"
    schema = "ubl-creditnote" if doc.credit_note else "ubl-invoice"
    return build_ubl(doc, xrechnung=fmt.name == "xrechnung"), schema


def safe_part(text: str) -> str:
    """ASCII letters, digits, `-`, `_` and `.` only: safe in a header and as a file name."""
    return "".join(c if (c.isascii() and c.isalnum()) or c in "-_." else "_" for c in text)


def filename(invoice: CanonicalInvoice, fmt: Format) -> str:
    kind = "credit-memo" if invoice.is_credit_memo else "invoice"
    return f"{kind}-{safe_part(invoice.invoice_number)}-{fmt.name}{fmt.suffix}"


def check_invoice(invoice: CanonicalInvoice, name: str, supplier: Supplier) -> tuple[bytes, Report]:
    """The validated XML of `invoice` in format `name` (the CII for Factur-X), or `Refused`."""
    fmt = get_format(name)
    xml, schema = build_xml(build(invoice, supplier), fmt)
    report = runner().check(xml, schema, fmt.rule_sets)
    if not report.ok:
        raise Refused(name, report.failures)
    return xml, report


def _finish(
    invoice: CanonicalInvoice,
    fmt: Format,
    xml: bytes,
    report: Report,
    pdf: bytes | None,
    supplier: Supplier,
) -> Exported:
    body = xml
    if fmt.name == "facturx":
        from invoiceport.einvoice.facturx import facturx_pdf

        assert pdf is not None
        kind = "Credit memo" if invoice.is_credit_memo else "Invoice"
        body = facturx_pdf(
            pdf,
            xml,
            title=f"{kind} {invoice.invoice_number}",
            author=supplier.name,
            subject=f"Factur-X {kind.lower()} {invoice.invoice_number} from {supplier.name}",
        )
    return Exported(fmt, body, filename(invoice, fmt), report)


def export_invoice(
    invoice: CanonicalInvoice, name: str, supplier: Supplier, *, pdf: bytes | None = None
) -> Exported:
    """`invoice` exported in format `name`; `pdf`: its rendered PDF (Factur-X only). Raises
    `Refused` (with every failed rule) or `UnknownFormat`."""
    fmt = get_format(name)
    xml, report = check_invoice(invoice, name, supplier)
    return _finish(invoice, fmt, xml, report, pdf, supplier)


async def export_invoice_async(
    invoice: CanonicalInvoice, name: str, supplier: Supplier, *, pdf: bytes | None = None
) -> Exported:
    """`export_invoice` off the event loop: the rules on the rule thread, the PDF on another."""
    fmt = get_format(name)
    xml, schema = build_xml(build(invoice, supplier), fmt)
    report = await runner().check_async(xml, schema, fmt.rule_sets)
    if not report.ok:
        raise Refused(name, report.failures)
    if fmt.name != "facturx":
        return Exported(fmt, xml, filename(invoice, fmt), report)
    return await asyncio.to_thread(_finish, invoice, fmt, xml, report, pdf, supplier)
