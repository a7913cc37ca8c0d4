"""The text checks that run as pydantic-core patterns (invoices/schemas.py) accept exactly what
their Python checks accept, and name a refusal as the check does (messages: test_validation.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic_core import SchemaValidator, core_schema

from invoiceport.invoices.textchecks import (
    _PATTERN_CHECKS,
    EMAIL_PATTERN,
    KEY_PART_PATTERN,
    NO_CONTROL_PATTERN,
)
from invoiceport.invoices.validation import InvoiceRejected, parse_document
from tests.factories import invoice_doc

PATTERNS = (NO_CONTROL_PATTERN, KEY_PART_PATTERN, EMAIL_PATTERN)
# Every control character, every kind of white space str.strip() knows, the separators the
# checks look for, and ordinary text.
SPECIAL = [chr(c) for c in range(0x21)] + ["\x7f", "\x85", "\xa0", "\u1680", "\u2000", "\u200b"]
SPECIAL += ["\u2028", "\u2029", "\u202f", "\u205f", "\u3000", "\ufeff", "/", "@", "a", "é", "日"]
SPECIAL += [".", "\x9b", "\u200e", "\u202e", "\ufe0f"]  # dots and look-alikes (issue 18)


def _matches(pattern: str, value: str) -> bool:
    return bool(SchemaValidator(core_schema.str_schema(pattern=pattern)).isinstance_python(value))


def _checks_pass(pattern: str, value: str) -> bool:
    if pattern == KEY_PART_PATTERN and not value:
        return False  # never asked: min_length=1 refuses it first ("at least 1 character")
    try:
        for check in _PATTERN_CHECKS[pattern]:
            check(value)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("pattern", PATTERNS)
def test_each_pattern_matches_what_its_checks_accept_exhaustively(pattern: str) -> None:
    """Every string of up to three of the special characters."""
    values = ["", *SPECIAL]
    values += [a + b for a in SPECIAL for b in SPECIAL]
    values += [a + b + c for a in SPECIAL[::3] for b in SPECIAL for c in SPECIAL[::2]]
    for value in values:
        assert _matches(pattern, value) == _checks_pass(pattern, value), (pattern, value)


@settings(max_examples=300)
# Without lone surrogates: the string validation refuses them before any pattern, as before.
@given(st.text(st.sampled_from(SPECIAL) | st.characters(exclude_categories=["Cs"]), max_size=12))
def test_each_pattern_matches_what_its_checks_accept(value: str) -> None:
    for pattern in PATTERNS:
        assert _matches(pattern, value) == _checks_pass(pattern, value), (pattern, value)


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("po_number", "a\x1fb", "po_number: must not contain control characters"),
        ("invoice_number", "a\x00/ ", "invoice_number: must not contain control characters"),
        ("invoice_number", "\u3000A", "invoice_number: must not start or end with white space"),
        ("invoice_number", " A/B", "invoice_number: must not start or end with white space"),
        ("bill_to_account", "A/B", "bill_to_account: must not contain '/'"),
        ("entered_by_email", "a\x1c@b", "entered_by_email: must not contain control characters"),
        ("entered_by_email", "a @b", "entered_by_email: string should match pattern '^[^@\\s]+"),
        ("po_number", 12, None),  # numbers are taken as their text...
        ("tracking_numbers", [7, "T"], None),
        ("po_number", 1.5, "po_number: input should be a valid string"),  # ...integers only
        ("po_number", True, "po_number: input should be a valid string"),
        ("tracking_numbers", [False], "tracking_numbers[0]: input should be a valid string"),
        ("currency", 840, "currency: input should be a valid string"),
    ],
)
def test_messages_of_the_pattern_checks(field: str, value: Any, expected: str | None) -> None:
    raw = json.dumps(invoice_doc(**{field: value}))
    if expected is None:
        parse_document(raw)
        return
    with pytest.raises(InvoiceRejected) as caught:
        parse_document(raw)
    assert any(e.startswith(expected) for e in caught.value.errors), caught.value.errors
