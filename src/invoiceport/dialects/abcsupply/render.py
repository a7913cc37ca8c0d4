"""The ABC dialect's JSON and date-time formats, with no HTTP: shared by its views, its webhook
event payloads (`events.py`) and its notification bodies, which an import renders for every
document it stores without loading the web framework."""

from __future__ import annotations

from datetime import UTC, date, datetime

from invoiceport.platform.jsonout import dump_json_numbers

dumps = dump_json_numbers
"""ABC's JSON: amounts as numbers written from their exact decimal text (`732.41`)."""


def timestamp(value: datetime | date | None) -> str | None:
    """`2025-11-12T00:00:00.000Z`: UTC, milliseconds, `Z` (a date is midnight UTC)."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        return f"{value.isoformat()}T00:00:00.000Z"
    value = value.astimezone(UTC)
    return f"{value:%Y-%m-%dT%H:%M:%S}.{value.microsecond // 1000:03d}Z"
