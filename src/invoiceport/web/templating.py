"""Jinja2 pages: autoescaped, with the headers every page carries (no framing, no caching)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from jinja2.filters import do_urlencode
from starlette.requests import Request
from starlette.responses import HTMLResponse

PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def money(value: Decimal | None, currency: str = "") -> str:
    if value is None:
        return ""
    text = f"{value:,.2f}"
    return f"{text} {currency}".strip()


def day(value: date | None) -> str:
    return "" if value is None else value.isoformat()


_URL_SAFE = re.compile(r"[A-Za-z0-9_.~/-]*")
"""What Jinja's `urlencode` leaves as it is in a string (`urllib.parse.quote`, "/" safe)."""


def urlencode(value: Any) -> str:
    """Jinja's `urlencode`, answered without quoting when there is nothing to quote (an invoice
    or customer number, on every row of a list): the same text, a tenth of the time."""
    if isinstance(value, str) and _URL_SAFE.fullmatch(value):
        return value
    return do_urlencode(value)


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("invoiceport.web", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        # Templates are package files: compiled once, never checked for changes (a check is a
        # stat of each template of a page, on every page).
        auto_reload=False,
    )
    env.filters["money"] = money
    env.filters["day"] = day
    env.filters["urlencode"] = urlencode
    return env


def render(request: Request, name: str, status: int = 200, **values: Any) -> HTMLResponse:
    html = environment().get_template(name).render(request=request, **values)
    return HTMLResponse(html, status_code=status, headers=PAGE_HEADERS)
