"""What an invoice or customer number, or another stored text, can be at all: a value that fails
these can match nothing stored, so it never needs to reach a query (PostgreSQL text cannot even
hold NUL)."""

from __future__ import annotations

import re

MAX_KEY = 64
"""The canonical model's limit for invoice and customer numbers: nothing longer can exist."""
MAX_TEXT = 255
"""The canonical model's limit for other text fields (order and PO numbers...)."""
CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")
"""No stored key or text has one."""


def can_be_stored(value: str, limit: int = MAX_TEXT) -> bool:
    """Whether a stored invoice could hold this value (the canonical model's text rules)."""
    return len(value) <= limit and not CONTROL_CHARS.search(value)


def can_be_key(value: str) -> bool:
    """Whether an invoice or customer number with this text can exist at all."""
    return 0 < len(value) <= MAX_KEY and value == value.strip() and can_be_stored(value)
