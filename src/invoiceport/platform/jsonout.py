"""JSON out: orjson with exact decimals, for HTTP bodies and webhook payloads alike.

No HTTP here, so that the commands which only render (an import writing its webhook events)
do not load the web framework; `platform.web` re-exports both for the routes.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import orjson


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def dump_json(content: Any) -> bytes:
    """JSON via orjson, Decimals as exact decimal strings ("0.10")."""
    return orjson.dumps(content, default=_default)


def _decimal_as_number(value: Any) -> Any:
    if isinstance(value, Decimal):
        return orjson.Fragment(format(value, "f").encode())
    return _default(value)


def dump_json_numbers(content: Any) -> bytes:
    """JSON with Decimals as JSON numbers carrying exactly their digits (`732.41`, `0.10`),
    never through float: for vendor contracts whose schemas type amounts as `number`."""
    return orjson.dumps(content, default=_decimal_as_number)
