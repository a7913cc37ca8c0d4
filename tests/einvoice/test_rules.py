"""E-invoice exports against the official rule sets: the EU demo passes every format, broken
documents fail with the expected rule ids, the official examples pass the project's validator."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from invoiceport.einvoice.export import FORMATS, Refused, check_invoice, export_invoice
from invoiceport.einvoice.model import Supplier
from invoiceport.einvoice.seller import supplier_from_settings
from invoiceport.einvoice.units import UNIT_CODES, unit_code
from invoiceport.einvoice.validate import runner
from invoiceport.invoices.schemas import CanonicalInvoice
from invoiceport.ops.demo import demo_invoices
from invoiceport.ops.demo_eu import eu_invoices
from invoiceport.settings import Settings

EXAMPLES = Path(__file__).parent / "examples"
TODAY = date(2026, 11, 30)
XML_FORMATS = ("peppol-bis3", "xrechnung", "cii")


def _settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


SUPPLIER = supplier_from_settings(_settings())


@pytest.mark.parametrize(
    ("name", "schema", "rule_sets"),
    [
        ("peppol-base-invoice.xml", "ubl-invoice", ("EN16931-UBL", "PEPPOL-BIS3")),
        ("peppol-base-creditnote.xml", "ubl-creditnote", ("EN16931-UBL", "PEPPOL-BIS3")),
        ("cii-example1.xml", "cii", ("EN16931-CII",)),
    ],
)
def test_official_examples_pass_the_validator(
    name: str, schema: str, rule_sets: tuple[str, ...]
) -> None:
    report = runner().check((EXAMPLES / name).read_bytes(), schema, rule_sets)
    assert report.ok, report.failures


def test_a_tampered_official_example_fails() -> None:
    """The validator is not a yes-machine: the official invoice with a line total changed."""
    xml = (EXAMPLES / "peppol-base-invoice.xml").read_bytes()
    tampered = xml.replace(
        b'<cbc:LineExtensionAmount currencyID= "EUR">2800</cbc:LineExtensionAmount>',
        b'<cbc:LineExtensionAmount currencyID= "EUR">2801</cbc:LineExtensionAmount>',
        1,
    )
    assert tampered != xml
    report = runner().check(tampered, "ubl-invoice", ("EN16931-UBL", "PEPPOL-BIS3"))
    assert "BR-CO-10" in {f.rule for f in report.failures}


@pytest.mark.parametrize("fmt", XML_FORMATS)
def test_every_eu_demo_document_passes(fmt: str) -> None:
    documents = eu_invoices(TODAY)
    kinds = {(d.document_type, line.vat_category) for d in documents for line in d.lines}
    assert {("invoice", c) for c in ("S", "Z", "E", "AE", "K")} <= kinds
    assert ("credit_memo", "S") in kinds
    assert {d.bill_to.country for d in documents if d.bill_to} == {"DE", "FR", "NL"}
    for invoice in documents:
        done = export_invoice(invoice, fmt, SUPPLIER)
        assert done.report.ok
        assert done.body.startswith(b"<?xml")
        assert invoice.invoice_number.encode() in done.body


def test_credit_note_is_a_ubl_credit_note_referencing_the_invoice() -> None:
    memo = next(d for d in eu_invoices(TODAY) if d.is_credit_memo)
    body = export_invoice(memo, "peppol-bis3", SUPPLIER).body
    assert b"<CreditNote" in body
    assert b"<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>" in body
    reference = f"<cac:InvoiceDocumentReference><cbc:ID>{memo.original_invoice_number}</cbc:ID>"
    assert reference.encode() in body


def test_totals_are_the_stored_ones() -> None:
    invoice = eu_invoices(TODAY)[0]
    body = export_invoice(invoice, "peppol-bis3", SUPPLIER).body.decode()
    assert f'<cbc:PayableAmount currencyID="EUR">{invoice.total:.2f}</cbc:PayableAmount>' in body
    assert f'<cbc:TaxAmount currencyID="EUR">{invoice.tax:.2f}</cbc:TaxAmount>' in body


def _refused(invoice: CanonicalInvoice, fmt: str, supplier: Supplier = SUPPLIER) -> Refused:
    with pytest.raises(Refused) as caught:
        check_invoice(invoice, fmt, supplier)
    return caught.value


@pytest.mark.parametrize("fmt", XML_FORMATS)
def test_line_totals_that_do_not_add_up_fail_br_co_10(fmt: str) -> None:
    invoice = eu_invoices(TODAY)[0]
    assert invoice.subtotal is not None
    broken = invoice.model_copy(update={"subtotal": invoice.subtotal + Decimal("10.00")})
    refused = _refused(broken, fmt)
    fields = {f.rule: f.field for f in refused.failures}
    assert fields["BR-CO-10"] == "subtotal"
    assert "BR-CO-15" in fields  # and the total no longer adds up either
    assert all(f.text for f in refused.failures)


def test_missing_vat_category_and_wrong_tax_name_line_and_field() -> None:
    invoice = eu_invoices(TODAY)[0]
    lines = list(invoice.lines)
    lines[1] = lines[1].model_copy(update={"vat_category": None, "vat_rate": None})
    assert invoice.tax is not None
    broken = invoice.model_copy(update={"lines": lines, "tax": invoice.tax + 1})
    fields = {f.rule: f.field for f in _refused(broken, "peppol-bis3").failures}
    assert fields["BR-CO-04"] == "lines[1].vat_category"
    assert fields["BR-CO-14"] == "tax"


def test_xrechnung_needs_buyer_reference_and_seller_contact() -> None:
    invoice = eu_invoices(TODAY)[0]
    assert invoice.seller is not None
    seller = invoice.seller.model_copy(update={"contact": None})
    broken = invoice.model_copy(update={"buyer_reference": None, "seller": seller})
    rules = set(_refused(broken, "xrechnung").rule_ids())
    assert {"BR-DE-15", "BR-DE-2"} <= rules
    # Peppol takes the order reference instead of a buyer reference (PEPPOL-EN16931-R003) but
    # between two German parties wants it too (DE-R-015); a French buyer may leave it out
    assert "DE-R-015" in _refused(broken, "peppol-bis3").rule_ids()
    french = eu_invoices(TODAY)[3]
    assert french.bill_to is not None and french.bill_to.country == "FR"
    check_invoice(french.model_copy(update={"buyer_reference": None}), "peppol-bis3", SUPPLIER)


def test_a_us_style_invoice_is_refused_with_named_rules() -> None:
    invoice = next(iter(demo_invoices(seed=3, count=1, today=TODAY)))
    for fmt in FORMATS:
        refused = _refused(invoice, fmt)
        assert refused.failures
        assert all(f.rule and f.field and f.text for f in refused.failures)


def test_the_seller_defaults_to_the_supplier_settings() -> None:
    supplier = supplier_from_settings(
        _settings(
            seller_name="Beispiel Lieferant GmbH",
            seller_tax_id="DE111222333",
            seller_street="Am Markt 1",
            seller_city="Leipzig",
            seller_postal_code="04109",
            seller_country="DE",
            seller_electronic_address="DE111222333",
            seller_electronic_address_scheme="9930",
            seller_contact_name="Ops",
            seller_contact_phone="+49 341 1",
            seller_contact_email="ops@example.de",
            seller_iban="DE89370400440532013000",
        )
    )
    invoice = eu_invoices(TODAY)[0].model_copy(update={"seller": None, "payment_means": None})
    _refused(invoice, "xrechnung")  # the demo settings are no seller
    body = export_invoice(invoice, "xrechnung", supplier).body
    assert b"Beispiel Lieferant GmbH" in body
    assert b"<cbc:ID>DE89370400440532013000</cbc:ID>" in body


def test_units_map_by_the_documented_table() -> None:
    assert unit_code(None, "ea") == "EA"
    assert unit_code(None, "Box.") == "XBX"
    assert unit_code(None, "HR") == "HUR"
    assert unit_code(None, "bags of rocks") == "C62"
    assert unit_code(None, None) == "C62"
    assert unit_code("KGM", "EA") == "KGM"
    documented = (Path(__file__).parents[2] / "docs" / "canonical-invoice.md").read_text()
    for name, code in UNIT_CODES.items():
        assert f"| `{name}` | `{code}` |" in documented
