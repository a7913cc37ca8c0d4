"""Jinja2 pages: autoescaped, with the headers every page carries (no framing, no caching)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from jinja2.filters import do_urlencode
from markupsafe import Markup, escape
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


# --- the rows of the portal's invoice list ---------------------------------------------------
# Fifty rows of ten values are most of an invoice list's rendering: in the template each value
# costs an autoescape call, an attribute lookup and a filter call through Jinja (about 7.5 us a
# row, 380 of a page's 470). Here a row is one format string, and each text value is escaped
# exactly as Jinja's autoescape does (markupsafe: & < > ' "), the call skipped when there is
# nothing to escape. Dates and URL-quoted numbers hold no such character. The markup is what
# the template's loop gave, byte for byte (tests/portal/test_rows.py renders both).

_SPECIAL = re.compile(r"[&<>'\"]")
_ROW = (
    '  <tr>\n    <td><a href="/portal/invoices/{customer}/{number}">{text}</a></td>\n'
    "    <td>{kind}</td>\n    <td>{date}</td>\n    <td>{due}</td>\n"
    "    <td>{order}</td>\n    <td>{po}</td>\n    <td>{status}</td>\n"
    '    <td class="num">{total}</td>\n  </tr>\n'
)


def _html(text: str) -> str:
    """`text` as Jinja's autoescape writes it."""
    return str(escape(text)) if _SPECIAL.search(text) else text


def invoice_rows(items: Iterable[Any]) -> Markup:
    """The `<tr>` of each listed invoice (`reads.service.Listed`), in the order given."""
    # Every value below is escaped by `_html` or cannot hold a character to escape (an ISO date,
    # URL-quoted text): tests/portal/test_rows.py compares this with the autoescaped template.
    return Markup(  # noqa: S704
        "".join(
            _ROW.format(
                customer=urlencode(i.customer_number),
                number=urlencode(i.invoice_number),
                text=_html(i.invoice_number),
                kind=_html(i.document_type.replace("_", " ")),
                date=day(i.invoice_date),
                due=day(i.due_date),
                order=_html(i.sales_order_number or ""),
                po=_html(i.po_number or ""),
                status=_html(i.status or ""),
                total=_html(money(i.total, i.currency)),
            )
            for i in items
        )
    )


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
    env.globals["invoice_rows"] = invoice_rows
    return env


def render(request: Request, name: str, status: int = 200, **values: Any) -> HTMLResponse:
    html = environment().get_template(name).render(request=request, **values)
    return HTMLResponse(html, status_code=status, headers=PAGE_HEADERS)
