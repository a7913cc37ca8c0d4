"""Untrusted bytes into a `CanonicalInvoice`, or into the list of everything wrong with them.

Every problem is reported as one line, `path: message`, where the path uses JSON-path style with
zero-based list indexes: `lines[3].extended_price: expected 4500.00 = 6 x 750.00, got 4600.00`.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import jiter
from pydantic import ValidationError

from invoiceport.invoices.schemas import CanonicalInvoice
from invoiceport.invoices.textchecks import error_msg

TOLERANCE = Decimal("0.01")
MAX_NESTING = 32


class InvoiceRejected(Exception):
    """A document that cannot be stored, with every reason why."""

    def __init__(self, errors: Sequence[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = list(errors)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


def decode_json(raw: bytes | str) -> Any:
    """Decode JSON keeping every decimal digit (numbers with a fraction or an exponent become
    `Decimal`, from their exact text).

    jiter decodes: in Rust, and it makes the decimals itself, so that nothing has to walk the
    result looking for floats (`invoiceport import` decodes every line with it). Everything it
    refuses (invalid JSON, NaN and Infinity, lone surrogates, a BOM, nesting past its recursion
    limit, text that is not UTF-8) goes through the standard decoder with `parse_float=Decimal`,
    which also words the errors. Both keep the last of duplicate keys
    (tests/test_bulk_import.py holds the two to the same answers)."""
    try:
        data = raw.encode() if isinstance(raw, str) else raw
        return jiter.from_json(data, allow_inf_nan=False, float_mode="decimal")
    except ValueError:  # jiter's refusals; UnicodeEncodeError (a lone surrogate in a str)
        return _decode_exactly(raw)


def _decode_exactly(raw: bytes | str) -> Any:
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvoiceRejected(
                [f"body: not UTF-8 (invalid byte at offset {exc.start})"]
            ) from None
    else:
        text = raw
    if not text.strip():
        raise InvoiceRejected(["body: empty, expected a JSON object"])
    try:
        return json.loads(text, parse_float=Decimal, parse_constant=_reject_constant)
    except RecursionError:
        raise InvoiceRejected(["body: JSON nested too deeply"]) from None
    except json.JSONDecodeError as exc:
        raise InvoiceRejected(
            [f"body: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"]
        ) from None
    except ValueError as exc:  # a NaN or Infinity constant, or an over-long integer
        raise InvoiceRejected([f"body: invalid JSON: {exc}"]) from None


def _too_deep(value: Any, limit: int) -> bool:
    """Whether some value is more than `limit` levels deep (scalars count: in `{"a": 1}` the 1 is
    at level two). Recursive over containers only, and never goes below level `limit`."""
    if isinstance(value, dict):
        children: Iterable[Any] = value.values()
    elif isinstance(value, list):
        children = value
    else:
        return limit < 1
    if limit < 1:
        return True
    if not value:
        return False
    if limit < 2:
        return True  # a non-empty container's children are one level further down
    return any(isinstance(c, dict | list) and _too_deep(c, limit - 1) for c in children)


def format_path(loc: Iterable[int | str]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else part
    return path or "body"


_MESSAGES = {
    "missing": "required",
    "extra_forbidden": "unknown field",
}


def _message(error: Any) -> str:
    kind = error["type"]
    if kind in _MESSAGES:
        return _MESSAGES[kind]
    message = error_msg(error)  # a check done as a pattern is worded as the check words it
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    return message[:1].lower() + message[1:]


def validation_errors(exc: ValidationError) -> list[str]:
    return [f"{format_path(e['loc'])}: {_message(e)}" for e in exc.errors(include_url=False)]


def _money(value: Decimal) -> str:
    return format(value, "f")


def _sum(values: Iterable[Decimal | None]) -> Decimal:
    return sum((v for v in values if v is not None), Decimal(0))


def arithmetic_errors(invoice: CanonicalInvoice) -> list[str]:
    """Line and document totals must add up, each within one cent."""
    errors: list[str] = []
    for i, line in enumerate(invoice.lines):
        expected = line.quantity * line.unit_price
        if abs(expected - line.extended_price) > TOLERANCE:
            errors.append(
                f"lines[{i}].extended_price: expected {_money(expected)} = "
                f"{_money(line.quantity)} x {_money(line.unit_price)}, "
                f"got {_money(line.extended_price)}"
            )
    lines_sum = _sum(line.extended_price for line in invoice.lines)
    if invoice.subtotal is not None and abs(invoice.subtotal - lines_sum) > TOLERANCE:
        errors.append(
            f"subtotal: expected {_money(lines_sum)} = sum of {len(invoice.lines)} "
            f"line extended prices, got {_money(invoice.subtotal)}"
        )
    subtotal = invoice.subtotal if invoice.subtotal is not None else lines_sum
    fees = _sum(fee.amount for fee in invoice.misc_fees)
    terms = [invoice.tax, invoice.freight, invoice.insurance]
    expected_total = subtotal + _sum(terms) + fees - (invoice.discount or Decimal(0))
    if abs(expected_total - invoice.total) > TOLERANCE:
        errors.append(
            f"total: expected {_money(expected_total)} = subtotal {_money(subtotal)}"
            f" + tax {_money(invoice.tax or Decimal(0))}"
            f" + freight {_money(invoice.freight or Decimal(0))}"
            f" + insurance {_money(invoice.insurance or Decimal(0))}"
            f" + misc fees {_money(fees)}"
            f" - discount {_money(invoice.discount or Decimal(0))}, got {_money(invoice.total)}"
        )
    return errors


_CREDIT_MEMO_AMOUNTS = ("total", "subtotal", "tax", "freight", "foreign_freight", "insurance")
_CREDIT_MEMO_LINE_AMOUNTS = ("quantity", "unit_price", "extended_price")


def consistency_errors(invoice: CanonicalInvoice) -> list[str]:
    """Checks that always apply, whatever `verify_totals` says."""
    errors: list[str] = []
    if (
        invoice.invoice_date is not None
        and invoice.due_date is not None
        and invoice.due_date < invoice.invoice_date
    ):
        errors.append(
            f"due_date: {invoice.due_date.isoformat()} is before invoice_date "
            f"{invoice.invoice_date.isoformat()}"
        )
    counts = Counter(line.line_number for line in invoice.lines)
    for i, line in enumerate(invoice.lines):
        if counts[line.line_number] > 1:
            errors.append(
                f"lines[{i}].line_number: {line.line_number} is used by more than one line"
            )
    if invoice.is_credit_memo:
        for name in _CREDIT_MEMO_AMOUNTS:
            value = getattr(invoice, name)
            if value is not None and value < 0:
                errors.append(f"{name}: credit memos carry positive amounts, got {_money(value)}")
        for i, fee in enumerate(invoice.misc_fees):
            if fee.amount < 0:
                errors.append(
                    f"misc_fees[{i}].amount: credit memos carry positive amounts, "
                    f"got {_money(fee.amount)}"
                )
        for i, line in enumerate(invoice.lines):
            for name in _CREDIT_MEMO_LINE_AMOUNTS:
                value = getattr(line, name)
                if value < 0:
                    errors.append(
                        f"lines[{i}].{name}: credit memos carry positive amounts, "
                        f"got {_money(value)}"
                    )
    return errors


def validate_document(data: Any, *, verify_totals: bool = True) -> CanonicalInvoice:
    """Validate decoded JSON; raise `InvoiceRejected` naming every problem.

    A document nested deeper than `MAX_NESTING` levels is refused with that reason alone. The
    depth is only looked at once the model has refused the document: no valid invoice is that
    deep (the schema's own depth is far less; tests/test_validation.py holds it so), so a
    document too deep is always refused by the model first, and a valid one is never walked."""
    if not isinstance(data, dict):
        raise InvoiceRejected([f"body: expected a JSON object, got {type(data).__name__}"])
    try:
        invoice = CanonicalInvoice.model_validate(data)
    except ValidationError as exc:
        if _too_deep(data, MAX_NESTING):
            raise InvoiceRejected([f"body: JSON nested deeper than {MAX_NESTING} levels"]) from None
        raise InvoiceRejected(validation_errors(exc)) from None
    errors = consistency_errors(invoice)
    if verify_totals:
        errors.extend(arithmetic_errors(invoice))
    if errors:
        raise InvoiceRejected(errors)
    return invoice


def parse_document(raw: bytes | str, *, verify_totals: bool = True) -> CanonicalInvoice:
    """Decode and validate one JSON document."""
    return validate_document(decode_json(raw), verify_totals=verify_totals)
