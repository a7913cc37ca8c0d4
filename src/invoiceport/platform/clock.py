"""The server's notion of "now", replaceable per app so tests can move time without sleeping.

`create_app` sets the context's clock to the real one; a test may replace
`context_of(app).clock` (a callable returning an aware UTC datetime). Token expiry, the Ingram
lookback and availability windows read time only through `now(request)`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from starlette.requests import Request

Clock = Callable[[], datetime]


def now(request: Request) -> datetime:
    clock: Clock = request.app.state.context.clock
    return clock()
