"""The server's notion of "now", replaceable per app so tests can move time without sleeping.

`create_app` never sets a clock; `app.state.clock` (a callable returning an aware UTC datetime) may
be set by a test. Token expiry and availability windows read time only through `now(request)`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from starlette.requests import Request

from invoiceport.db import utcnow

Clock = Callable[[], datetime]


def app_clock(state: object) -> Clock:
    found: Clock | None = getattr(state, "clock", None)
    return found or utcnow


def now(request: Request) -> datetime:
    return app_clock(request.app.state)()
