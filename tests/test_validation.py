"""Ingest checks: every rule of DESIGN.md, each problem named with its field path."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from invoiceport.invoices.schemas import CanonicalInvoice
from invoiceport.invoices.service import serialize
from invoiceport.invoices.validation import (
    MAX_NESTING,
    InvoiceRejected,
    parse_document,
    validate_document,
)
from invoiceport.ops.demo import demo_invoices
from tests.factories import invoice_doc, with_every_field


def errors_of(doc: Any, **kwargs: Any) -> list[str]:
    raw = doc if isinstance(doc, bytes | str) else json.dumps(doc)
    with pytest.raises(InvoiceRejected) as caught:
        parse_document(raw, **kwargs)
    return caught.value.errors


def test_valid_document_is_accepted_with_defaults() -> None:
    invoice = parse_document(json.dumps(invoice_doc()))
    assert invoice.environment == "production"
    assert invoice.document_type == "invoice"
    assert invoice.bill_to_account == "C100"
    assert invoice.lines[1].unit_price == Decimal("7.5000")


def test_every_field_of_the_contract_is_accepted() -> None:
    full = next(iter(demo_invoices(seed=3, count=1))).model_dump(mode="json")
    full = with_every_field(full)
    invoice = validate_document(json.loads(json.dumps(full), parse_float=Decimal))
    dumped = invoice.model_dump(mode="json", exclude_none=True)
    for name in CanonicalInvoice.model_fields:
        assert name in dumped, name
    line_fields = set(dumped["lines"][0])
    assert {
        "category_code",
        "backorder_eta",
        "extended_specs",
        "delivery_line_number",
        "vat_category",
        "vat_rate",
        "unit_code",
    } <= line_fields


def test_line_arithmetic_error_names_the_line_and_the_numbers() -> None:
    doc = invoice_doc()
    doc["lines"][0]["extended_price"] = "4600.00"
    errors = errors_of(doc)
    assert "lines[0].extended_price: expected 4500.00 = 6 x 750.00, got 4600.00" in errors


def test_every_problem_is_listed_at_once() -> None:
    doc = invoice_doc(subtotal="1.00", total="2.00", due_date="2026-09-01")
    doc["lines"][1]["line_number"] = 1
    errors = errors_of(doc)
    assert any(e.startswith("subtotal: expected 4530.00") for e in errors)
    assert any(e.startswith("total: expected 375.90 = subtotal 1.00 + tax 362.40") for e in errors)
    assert "due_date: 2026-09-01 is before invoice_date 2026-10-01" in errors
    assert "lines[1].line_number: 1 is used by more than one line" in errors


def test_total_takes_every_term_into_account() -> None:
    doc = invoice_doc(
        insurance="3.00",
        discount="10.00",
        misc_fees=[{"code": "ENV", "amount": "2.50"}],
        total=str(Decimal("4904.90") + 3 - 10 + Decimal("2.50")),
    )
    assert parse_document(json.dumps(doc)).total == Decimal("4900.40")


def test_tolerance_is_one_cent() -> None:
    assert parse_document(json.dumps(invoice_doc(total="4904.91")))
    assert errors_of(invoice_doc(total="4904.92"))


def test_subtotal_defaults_to_the_sum_of_the_lines() -> None:
    doc = invoice_doc()
    del doc["subtotal"]
    assert parse_document(json.dumps(doc)).subtotal is None


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("currency", "usd", "currency: unknown ISO 4217 currency code 'usd'"),
        ("currency", "XYZ", "currency: unknown ISO 4217 currency code 'XYZ'"),
        ("country_code", "UK", "country_code: unknown ISO 3166-1 alpha-2 country code 'UK'"),
        ("hold_reason", "ZZ", "hold_reason: unknown hold reason code 'ZZ'"),
        ("credit_memo_reason", "XX", "credit_memo_reason: unknown credit memo reason code 'XX'"),
        ("order_status", "Q", "order_status: unknown order status code 'Q'"),
        ("status", "lost", "status: input should be 'open', 'invoiced', 'paid' or 'cancelled'"),
        ("environment", "staging", "environment: input should be 'production' or 'sandbox'"),
        ("invoice_number", "A/B", "invoice_number: must not contain '/'"),
        ("invoice_number", "", "invoice_number: string should have at least 1 character"),
        ("customer_number", " C1", "customer_number: must not start or end with white space"),
        ("bogus", 1, "bogus: unknown field"),
        ("entered_by_email", "not-an-email", "entered_by_email: string should match pattern"),
        ("invoice_date", "9999-99-99", "invoice_date: input should be a valid date"),
        ("invoice_date", "0000-00-00", "invoice_date: input should be a valid date"),
        ("total", "NaN", "total: input should be a finite number"),
        ("total", "1e400", "total: decimal input should have no more than 20 digits"),
        ("total", True, "total: decimal input should be an integer, float, string or Decimal"),
        # The year is checked in UTC, the form stored; and the conversion never overflows.
        ("cancelled_at", "1900-01-01T00:30:00+01:00", "cancelled_at: year must be 1900 or later"),
        ("order_date", "9999-12-31T23:59:59-01:00", "order_date: out of range once converted"),
    ],
)
def test_format_errors_name_the_field(field: str, value: Any, expected: str) -> None:
    errors = errors_of(invoice_doc(**{field: value}))
    assert any(e.startswith(expected) for e in errors), errors


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (".", "must not be only dots"),
        ("..", "must not be only dots"),
        ("C\u2028100", "must not contain U+2028"),  # line separator
        ("C\u200b100", "must not contain U+200B"),  # zero-width space
        ("\u202eC100", "must not contain U+202E"),  # right-to-left override
        ("C\u2066100", "must not contain U+2066"),  # bidi isolate
        ("C\u00a0100", "must not contain U+00A0"),  # no-break space
        ("C\u00ad100", "must not contain U+00AD"),  # soft hyphen
        ("C\x85100", "must not contain U+0085"),  # C1 control
    ],
)
def test_look_alike_customer_numbers_are_refused(value: str, expected: str) -> None:
    """Numbers no ERP issues and nobody can tell from another customer's on a screen."""
    errors = errors_of(invoice_doc(customer_number=value))
    assert any(e.startswith(f"customer_number: {expected}") for e in errors), errors


async def test_a_look_alike_customer_number_is_a_422_at_ingest(client: httpx.AsyncClient) -> None:
    response = await client.post("/admin/v1/invoices", json=invoice_doc(customer_number="C\u200b1"))
    assert response.status_code == 422
    assert response.json()["errors"][0].startswith("customer_number: must not contain U+200B")


def test_required_fields() -> None:
    errors = errors_of({"lines": [{}]})
    for name in ("invoice_number", "customer_number", "currency", "total"):
        assert f"{name}: required" in errors
    for name in ("line_number", "quantity", "unit_price", "extended_price"):
        assert f"lines[0].{name}: required" in errors


def test_blank_codes_mean_no_code() -> None:
    invoice = parse_document(json.dumps(invoice_doc(hold_reason="", order_status="")))
    assert invoice.hold_reason is None
    assert invoice.order_status is None


def test_credit_memos_carry_positive_amounts() -> None:
    doc = invoice_doc(document_type="credit_memo", tax="-362.40", total="4179.10")
    errors = errors_of(doc)
    assert "tax: credit memos carry positive amounts, got -362.40" in errors


def test_arithmetic_checks_can_be_turned_off_but_format_checks_cannot() -> None:
    doc = invoice_doc(total="1.00")
    assert parse_document(json.dumps(doc), verify_totals=False).total == Decimal("1.00")
    doc["currency"] = "EURO"
    errors = errors_of(doc, verify_totals=False)
    assert errors == ["currency: unknown ISO 4217 currency code 'EURO'"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"", "body: empty, expected a JSON object"),
        (b"\xff\xfe{}", "body: not UTF-8 (invalid byte at offset 0)"),
        (b'{"invoice_number": ', "body: invalid JSON at line 1 column 20"),
        (b"[1, 2]", "body: expected a JSON object, got list"),
        (b'{"total": NaN}', "body: invalid JSON: NaN is not a number"),
        (b'{"a":' * 100_000, "body: JSON nested too deeply"),
        (b'{"a":' * 40 + b"1" + b"}" * 40, "body: JSON nested deeper than 32 levels"),
    ],
)
def test_undecodable_bodies(raw: bytes, expected: str) -> None:
    errors = errors_of(raw)
    assert any(e.startswith(expected) for e in errors), errors


def _deep(levels: int) -> Any:
    value: Any = "x"
    for _ in range(levels):
        value = [value]
    return value


@pytest.mark.parametrize("where", ["unknown field", "a text field", "a line's serial numbers"])
def test_a_document_nested_too_deep_is_refused_for_that_alone(where: str) -> None:
    """The depth is looked at once the model refuses (validation.validate_document): the answer
    is the one reason, wherever the nesting is, as when it was checked first."""
    doc = invoice_doc()
    if where == "unknown field":
        doc["extra"] = _deep(40)
    elif where == "a text field":
        doc["po_number"] = _deep(40)
    else:
        doc["lines"][0]["serial_numbers"] = _deep(40)
    assert errors_of(doc) == ["body: JSON nested deeper than 32 levels"]
    with pytest.raises(InvoiceRejected) as caught:
        validate_document(json.loads(json.dumps(doc)))
    assert caught.value.errors == ["body: JSON nested deeper than 32 levels"]
    doc_ok = invoice_doc()
    doc_ok["po_number"] = _deep(3)  # refused by the model, not for its depth
    assert errors_of(doc_ok) != ["body: JSON nested deeper than 32 levels"]


def _schema_depth(node: dict[str, Any], defs: dict[str, Any], seen: tuple[str, ...]) -> int:
    """Levels of the deepest JSON a schema admits, counted as `_too_deep` counts them (the
    outermost container is level 1, a scalar in it level 2)."""
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[1]
        assert name not in seen, f"{name} nests itself: no depth bound"
        return _schema_depth(defs[name], defs, (*seen, name))
    choices = node.get("anyOf", []) + node.get("oneOf", []) + node.get("allOf", [])
    if choices:
        return max(_schema_depth(c, defs, seen) for c in choices)
    if node.get("type") == "object" or "properties" in node:
        inner = [_schema_depth(p, defs, seen) for p in node.get("properties", {}).values()]
        extra = node.get("additionalProperties")
        assert extra in (None, False), "an object of free-form values has no depth bound"
        return 1 + max(inner, default=0)
    if node.get("type") == "array":
        return 1 + _schema_depth(node.get("items", {}), defs, seen)
    assert "type" in node or "const" in node or "enum" in node, node
    return 1


def test_no_valid_document_is_deeper_than_the_nesting_limit() -> None:
    """What lets validate_document look at the depth only when the model refuses: a document
    the model accepts is never deeper than `MAX_NESTING`."""
    schema = CanonicalInvoice.model_json_schema()
    depth = _schema_depth(schema, schema.get("$defs", {}), ())
    assert 3 < depth <= MAX_NESTING


def test_json_numbers_keep_every_digit() -> None:
    raw = json.dumps(invoice_doc()).replace('"750.00"', "750.00").replace('"4500.00"', "4500.00")
    invoice = parse_document(raw)
    assert str(invoice.lines[0].unit_price) == "750.00"
    document, _ = serialize(invoice)
    assert b'"unit_price":"750.00"' in document


def test_server_managed_fields_are_ignored_on_input() -> None:
    invoice = parse_document(json.dumps(invoice_doc(version=9, created_at="x", updated_at="y")))
    assert "version" not in invoice.model_dump()


# Property-based: documents built to add up are accepted and survive a round trip exactly;
# any single line that does not add up is named.

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.9999"), places=4)
quantities = st.integers(min_value=1, max_value=500)


@st.composite
def consistent_documents(draw: st.DrawFn) -> dict[str, Any]:
    count = draw(st.integers(min_value=0, max_value=8))
    lines = []
    for number in range(1, count + 1):
        quantity, price = draw(quantities), draw(amounts)
        lines.append(
            {
                "line_number": number,
                "quantity": quantity,
                "unit_price": str(price),
                "extended_price": str(quantity * price),
            }
        )
    subtotal = sum((Decimal(line["extended_price"]) for line in lines), Decimal(0))
    tax = draw(st.decimals(min_value=0, max_value=Decimal("9999.99"), places=2))
    discount = min(
        draw(st.decimals(min_value=0, max_value=Decimal("99.99"), places=2)), subtotal + tax
    )
    return {
        "invoice_number": draw(st.from_regex(r"[A-Z0-9][A-Z0-9\-]{0,20}", fullmatch=True)),
        "customer_number": "C1",
        "currency": draw(st.sampled_from(["USD", "EUR", "GBP", "JPY", "PLN"])),
        "document_type": draw(st.sampled_from(["invoice", "credit_memo"])),
        "lines": lines,
        "tax": str(tax),
        "discount": str(discount),
        "total": str(subtotal + tax - discount),
    }


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(consistent_documents())
def test_consistent_documents_are_accepted_and_round_trip(doc: dict[str, Any]) -> None:
    invoice = parse_document(json.dumps(doc))
    document, digest = serialize(invoice)
    again = parse_document(document)
    assert serialize(again) == (document, digest)
    assert again.total == Decimal(doc["total"])


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow])
@given(consistent_documents(), st.data())
def test_a_line_off_by_more_than_a_cent_is_named(doc: dict[str, Any], data: st.DataObject) -> None:
    if not doc["lines"]:
        return
    index = data.draw(st.integers(min_value=0, max_value=len(doc["lines"]) - 1))
    delta = data.draw(st.decimals(min_value=Decimal("0.02"), max_value=Decimal(1000), places=2))
    line = doc["lines"][index]
    line["extended_price"] = str(Decimal(line["extended_price"]) + delta)
    errors = errors_of(doc)
    assert any(e.startswith(f"lines[{index}].extended_price: expected ") for e in errors)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=200)
@given(st.dictionaries(st.sampled_from([*invoice_doc(), "x"]), json_values))
def test_arbitrary_json_is_rejected_cleanly_never_crashes(doc: dict[str, Any]) -> None:
    try:
        parse_document(json.dumps(doc))
    except InvoiceRejected as exc:
        assert exc.errors
        assert all(":" in error for error in exc.errors)


@settings(max_examples=200)
@given(st.binary(max_size=200))
def test_arbitrary_bytes_are_rejected_cleanly(raw: bytes) -> None:
    with pytest.raises(InvoiceRejected):
        parse_document(raw)
