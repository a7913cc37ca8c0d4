"""The invoice list's rows, rendered in Python (`templating.invoice_rows`), are byte for byte
what the template's autoescaped loop gave, for values holding everything HTML or a URL must
escape."""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from invoiceport.reads.repository.listings import LISTED_COLUMNS
from invoiceport.reads.service import Listed
from invoiceport.web.templating import environment, invoice_rows

# The loop of portal/invoices.html before it called invoice_rows (the reference).
TEMPLATE_LOOP = """\
  <tbody>
  {% for i in items %}
  <tr>
    <td><a href="/portal/invoices/{{ i.customer_number|urlencode }}/{{ i.invoice_number|urlencode }}">{{ i.invoice_number }}</a></td>
    <td>{{ i.document_type|replace('_', ' ') }}</td>
    <td>{{ i.invoice_date|day }}</td>
    <td>{{ i.due_date|day }}</td>
    <td>{{ i.sales_order_number or '' }}</td>
    <td>{{ i.po_number or '' }}</td>
    <td>{{ i.status or '' }}</td>
    <td class="num">{{ i.total|money(i.currency) }}</td>
  </tr>
  {% endfor %}
  </tbody>"""  # noqa: E501

HOSTILE = [
    "IN-1",
    "a&b",
    "<script>alert(1)</script>",
    "it's",
    'say "hi"',
    "x > y < z",
    "&amp;",
    "slash/and%percent",
    "space in it",
    "café ünïcode 請求書",
    "?query=1&b=2#frag",
    "",
]


def listed(number: str, text: str, **changes: Any) -> Listed:
    values: dict[str, Any] = {
        "customer_number": "C/1 & <2>",
        "invoice_number": number,
        "document_type": "credit_memo",
        "status": text or None,
        "sales_order_number": text or None,
        "po_number": text,
        "invoice_date": date(2026, 12, 2),
        "due_date": None,
        "currency": "USD",
        "total": Decimal("-1234567.891"),
    }
    values.update(changes)
    return Listed(**values)


def template_rows(items: list[Listed]) -> str:
    return environment().from_string(TEMPLATE_LOOP).render(items=items)


def python_rows(items: list[Listed]) -> str:
    return "  <tbody>\n" + str(invoice_rows(items)) + "  </tbody>"


@pytest.mark.parametrize("text", HOSTILE)
def test_rows_are_the_templates_rows(text: str) -> None:
    items = [
        listed(text or "N", text),
        listed("N2" + text, text, document_type="invoice", status=None, due_date=date(2027, 1, 1)),
        listed("N3", text, customer_number=text or "C", currency=text[:3] or "EUR"),
        listed("N4", text, invoice_date=None, total=Decimal("0"), po_number=None),
    ]
    assert python_rows(items) == template_rows(items)


def test_no_rows() -> None:
    assert python_rows([]) == template_rows([])


def test_the_comparison_sees_a_missing_escape() -> None:
    """The reference escapes what the rows must: a row written unescaped would differ."""
    items = [listed("<b>", "<b>")]
    assert "&lt;b&gt;" in template_rows(items)
    assert "<b>" not in template_rows(items).replace("<tbody>", "")


def test_listed_fields_are_the_listed_columns_in_order() -> None:
    """`reads.service` builds a `Listed` from a row's listed columns by name."""
    assert [f.name for f in fields(Listed)] == list(LISTED_COLUMNS)
