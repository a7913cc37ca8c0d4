"""Property tests: generated canonical invoices either export valid or are refused with named
rules, never served invalid; consistent single-rate documents always pass; broken totals never do.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from invoiceport.einvoice.export import FORMATS, Refused, export_invoice
from invoiceport.einvoice.seller import supplier_from_settings
from invoiceport.einvoice.validate import runner
from invoiceport.invoices.schemas import CanonicalInvoice
from invoiceport.ops.demo_eu import BUYERS, PAYMENT, SELLER
from invoiceport.settings import Settings
from tests.conftest import share

SUPPLIER = supplier_from_settings(Settings(_env_file=None))  # type: ignore[call-arg]
CENT = Decimal("0.01")
CATEGORIES = [("S", "19"), ("S", "7"), ("Z", None), ("E", None), ("AE", None), ("K", None)]
XML = ("peppol-bis3", "xrechnung", "cii")

money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999"), places=2)
quantity = st.decimals(min_value=Decimal("0.5"), max_value=Decimal("500"), places=1)


@st.composite
def invoices(
    draw: st.DrawFn, categories: list[tuple[str, str | None]] = CATEGORIES
) -> dict[str, Any]:
    customer = draw(st.sampled_from(sorted(BUYERS)))
    basis: dict[tuple[str, str | None], Decimal] = {}
    lines = []
    for number in range(1, draw(st.integers(1, 5)) + 1):
        category, rate = draw(st.sampled_from(categories))
        qty, price = draw(quantity), draw(money)
        amount = (qty * price).quantize(CENT, rounding=ROUND_HALF_UP)
        basis[(category, rate)] = basis.get((category, rate), Decimal(0)) + amount
        lines.append(
            {
                "line_number": number,
                "description": f"Item {number}",
                "quantity": qty,
                "unit_price": price,
                "extended_price": amount,
                "vat_category": category,
                "unit_of_measure": draw(st.sampled_from(["EA", "HR", "BOX", "kg", None])),
            }
            | ({"vat_rate": Decimal(rate)} if rate else {})
        )
    doc: dict[str, Any] = {}
    charges = Decimal(0)
    if draw(st.booleans()):
        category, rate = draw(st.sampled_from(categories))
        amount = draw(money)
        doc["freight"] = amount
        doc["freight_vat"] = {"category": category} | ({"rate": Decimal(rate)} if rate else {})
        basis[(category, rate)] = basis.get((category, rate), Decimal(0)) + amount
        charges += amount
    tax = sum(
        (
            (v * Decimal(r or 0) / 100).quantize(CENT, rounding=ROUND_HALF_UP)
            for (_, r), v in basis.items()
        ),
        Decimal(0),
    )
    subtotal = sum((line["extended_price"] for line in lines), Decimal(0))
    exemptions = [{"category": "E", "reason": "Exempt"}] if any(c == "E" for c, _ in basis) else []
    credit = draw(st.booleans())
    doc |= {
        "invoice_number": f"P-{draw(st.integers(1, 10**6))}",
        "customer_number": customer,
        "document_type": "credit_memo" if credit else "invoice",
        "currency": "EUR",
        "invoice_date": date(2026, 11, 2),
        "due_date": date(2026, 12, 2),
        "ship_date": date(2026, 11, 1),
        "po_number": "PO-1",
        "seller": SELLER,
        "payment_means": PAYMENT,
        "lines": lines,
        "subtotal": subtotal,
        "tax": tax,
        "total": subtotal + charges + tax,
        "vat_exemptions": exemptions,
        "ship_to": BUYERS[customer]["bill_to"],
        **BUYERS[customer],
    }
    if credit:
        doc["original_invoice_number"] = "EU-DE-0001"
    return doc


def _check_served(body: bytes, fmt: str, invoice: CanonicalInvoice) -> None:
    """What was served is valid on its own, and carries the stored total."""
    if fmt in XML:
        schema = (
            "cii"
            if fmt == "cii"
            else ("ubl-creditnote" if invoice.is_credit_memo else "ubl-invoice")
        )
        assert runner().check(body, schema, FORMATS[fmt].rule_sets).ok
        tree = etree.fromstring(body)
        payable = tree.xpath("//*[local-name()='PayableAmount' or local-name()='DuePayableAmount']")
        assert Decimal(payable[0].text) == invoice.total


@settings(max_examples=share(12, 150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=invoices(), fmt=st.sampled_from(XML))
def test_every_export_is_valid_or_refused_with_named_rules(doc: dict[str, Any], fmt: str) -> None:
    invoice = CanonicalInvoice.model_validate(doc)
    try:
        done = export_invoice(invoice, fmt, SUPPLIER)
    except Refused as refused:
        assert refused.failures
        assert all(f.rule and f.text and f.field for f in refused.failures)
    else:
        _check_served(done.body, fmt, invoice)


@settings(max_examples=share(8, 100), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=invoices(categories=[("S", "19"), ("S", "7"), ("Z", None)]), fmt=st.sampled_from(XML))
def test_consistent_domestic_documents_always_pass(doc: dict[str, Any], fmt: str) -> None:
    doc |= {"customer_number": "EU-DE-1001", **BUYERS["EU-DE-1001"]}
    invoice = CanonicalInvoice.model_validate(doc)
    _check_served(export_invoice(invoice, fmt, SUPPLIER).body, fmt, invoice)


@settings(max_examples=share(8, 100), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    doc=invoices(),
    fmt=st.sampled_from(XML),
    delta=st.sampled_from(["0.01", "1", "-0.05"]),
    field=st.sampled_from(["subtotal", "tax", "total"]),
)
def test_broken_totals_are_always_refused(
    doc: dict[str, Any], fmt: str, delta: str, field: str
) -> None:
    doc[field] += Decimal(delta)
    if doc[field] < 0:
        return
    invoice = CanonicalInvoice.model_validate(doc)
    try:
        export_invoice(invoice, fmt, SUPPLIER)
    except Refused as refused:
        assert {"BR-CO-10", "BR-CO-14", "BR-CO-15"} & set(refused.rule_ids())
    else:
        raise AssertionError(f"served with {field} off by {delta}")
