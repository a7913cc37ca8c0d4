"""Request values every dialect checks the same way: whole numbers in bounds (paging), ISO dates,
and whether a key or number could exist at all. A bad value is a 400 that names the parameter,
in the dialect's own error shape (the pipeline renders the `ApiError`)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from starlette.requests import Request

from invoiceport.invoices.keys import CONTROL_CHARS, MAX_KEY, MAX_TEXT, can_be_key, can_be_stored
from invoiceport.platform.web import ApiError

__all__ = [
    "CONTROL_CHARS",
    "MAX_KEY",
    "MAX_TEXT",
    "can_be_key",
    "can_be_stored",
    "iso_date",
    "once",
    "shown",
    "whole_number",
]

T = TypeVar("T")


def once(request: Request, key: str, parse: Callable[[Request, Any], T], arg: Any) -> T:
    """`parse(request, arg)`, run once a request: a route's read plan and the route itself both
    parse its parameters, and share the answer (kept in the request's scope under `key`). A
    refusal is not kept: the route raises it again, in its own order of checks."""
    parsed: T | None = request.scope.get(key)
    if parsed is None:
        parsed = request.scope[key] = parse(request, arg)
    return parsed


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
