"""Demo data: deterministic, realistic, and covering every scenario DESIGN.md names."""

from __future__ import annotations

from datetime import date, timedelta

from invoiceport.invoices.service import serialize
from invoiceport.invoices.validation import arithmetic_errors, consistency_errors
from invoiceport.ops.demo import demo_invoices
from invoiceport.ops.demo_cast import CUSTOMERS, OTHER_CUSTOMER

TODAY = date(2026, 11, 21)


def test_same_seed_same_data_other_seed_other_data() -> None:
    first = [serialize(i)[1] for i in demo_invoices(seed=5, count=40, today=TODAY)]
    second = [serialize(i)[1] for i in demo_invoices(seed=5, count=40, today=TODAY)]
    other = [serialize(i)[1] for i in demo_invoices(seed=6, count=40, today=TODAY)]
    assert first == second
    assert first != other


def test_every_scenario_is_covered() -> None:
    invoices = list(demo_invoices(seed=1, count=60, today=TODAY))
    production = [i for i in invoices if i.environment == "production"]
    sandbox = [i for i in invoices if i.environment == "sandbox"]
    for group in (production, sandbox):
        kinds = {(i.document_type, i.status) for i in group}
        assert {
            ("invoice", "open"),
            ("invoice", "invoiced"),
            ("credit_memo", "open"),
            ("credit_memo", "invoiced"),
        } <= kinds
    assert any(line.serial_numbers for i in invoices for line in i.lines)
    assert any(i.tracking_numbers for i in invoices)
    assert any(i.misc_fees for i in invoices)
    assert len({i.currency for i in invoices}) >= 4
    assert len({i.country_code for i in invoices}) >= 4
    assert {c.number for c in (*CUSTOMERS, OTHER_CUSTOMER)} == {
        i.customer_number for i in production
    }
    credit_memos = [i for i in invoices if i.document_type == "credit_memo"]
    assert all(i.credit_memo_reason and i.original_invoice_number for i in credit_memos)
    assert any(i.invoice_number == "20-12345-11" for i in production)


def test_dates_are_relative_to_today_and_totals_add_up() -> None:
    for invoice in demo_invoices(seed=2, count=100, today=TODAY):
        assert arithmetic_errors(invoice) == [] and consistency_errors(invoice) == []
        if invoice.invoice_date is not None:
            assert TODAY - timedelta(days=270) <= invoice.invoice_date <= TODAY
        assert invoice.order_date is not None
        assert invoice.order_date.date() <= TODAY


def test_demo_summary_prints_the_web_logins_it_is_given() -> None:
    """`make run` shows the portal and console logins the demo made (ops.demo_setup.demo_logins,
    filled in by the portal and console), each with where to log in."""
    from invoiceport.invoices.service import BulkReport
    from invoiceport.ops.demo_setup import DemoLogin, DemoSummary

    login = DemoLogin("Partner portal (Demo Reseller)", "/portal/", "ap@demo.example", "pw-1")
    summary = DemoSummary(BulkReport(), 1, "key", "cid", "secret", (login,))
    lines = list(summary.describe("http://h:1", None, "invoiceport worker"))
    assert (
        "  Partner portal (Demo Reseller): http://h:1/portal/  user ap@demo.example  password pw-1"
        in lines
    )
    assert lines[lines.index("  invoiceport worker") - 1].startswith("Webhooks are delivered")
    assert "Start page: http://h:1/   API docs (every dialect's spec): http://h:1/docs" in lines
