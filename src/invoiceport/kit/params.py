"""Request values every dialect checks the same way: whole numbers in bounds (paging), ISO dates,
and whether a key or number could exist at all. A bad value is a 400 that names the parameter,
in the dialect's own error shape (the pipeline renders the `ApiError`)."""

from __future__ import annotations

import re
from datetime import date

from invoiceport.web import ApiError

MAX_KEY = 64
"""The canonical model's limit for invoice and customer numbers: nothing longer can exist."""
MAX_TEXT = 255
"""The canonical model's limit for other text fields (order and PO numbers...)."""
CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")
"""No stored key or text has one (and PostgreSQL text cannot hold NUL)."""

_DIGITS = re.compile(r"[0-9]{1,12}")
_SIGNED_DIGITS = re.compile(r"\+?[0-9]{1,12}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def shown(value: str) -> str:
    """A client's value quoted in a message: at most 40 characters of it."""
    return repr(value[:40] + ("..." if len(value) > 40 else ""))


def whole_number(
    name: str,
    raw: str | None,
    *,
    default: int,
    low: int,
    high: int,
    empty_is_default: bool = True,
    plus_sign: bool = False,
) -> int:
    """`raw` as a whole number from `low` to `high` (paging), `default` when absent."""
    if raw is None or (empty_is_default and raw == ""):
        return default
    text = raw.strip()
    pattern = _SIGNED_DIGITS if plus_sign else _DIGITS
    if not pattern.fullmatch(text) or not low <= int(text) <= high:
        raise ApiError(
            400, f"{name}: expected a whole number from {low} to {high}, got {shown(raw)}"
        )
    return int(text)


def iso_date(name: str, raw: str | None) -> date | None:
    """`YYYY-MM-DD`, None when absent or blank."""
    if raw is None or raw.strip() == "":
        return None
    text = raw.strip()
    try:
        if not _DATE.fullmatch(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise ApiError(400, f"{name}: expected a date YYYY-MM-DD, got {shown(raw)}") from None


def can_be_stored(value: str, limit: int = MAX_TEXT) -> bool:
    """Whether a stored invoice could hold this value (the canonical model's text rules)."""
    return len(value) <= limit and not CONTROL_CHARS.search(value)


def can_be_key(value: str) -> bool:
    """Whether an invoice or customer number with this text can exist at all."""
    return 0 < len(value) <= MAX_KEY and value == value.strip() and can_be_stored(value)
