"""Fast paths: the hottest reads answered in front of the framework, on PostgreSQL.

A dialect registers a handler for a path prefix and the route it stands in for
(`register(app, prefix, route, handler)`). For a GET under that prefix, `FastPaths` (the outermost
layer of the app, `app.App`) calls the handler with the raw ASGI scope; the handler either returns
an `Answer` or None, and then the request goes through FastAPI as usual. Handlers answer only the
plain success of their route, a refusal by the rate limiter and the database being unavailable;
everything else (a missing or inactive credential, an unknown invoice, a bad parameter, another
media type) falls through, so every error keeps coming from the one route that defines it, and a
fast path can only give the same answer as its route, sooner. A handler that raises is logged and
falls through too. `tests/scansource/test_fast_path.py` holds the two to the same bytes.

What the framework's middleware does for every request is done here for these: requests over the
size limits fall through (to their 414/431), and each answer is counted in the app's metrics
under its route's template. Off on SQLite and with `INVOICEPORT_FAST_PATH=false`. Why it exists,
and what it costs: docs/performance.md.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from invoiceport.db import RawPool
from invoiceport.metrics import Metrics
from invoiceport.web import size_problem

log = logging.getLogger("invoiceport")

__all__ = ["Answer", "FastPaths", "Handler", "close", "enabled", "install", "pool", "register"]


@dataclass(frozen=True, slots=True)
class Answer:
    """A complete response: `headers` as sent (lower-case names, Content-Length included)."""

    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes

    @classmethod
    def of(cls, response: Response) -> Answer:
        return cls(response.status_code, response.raw_headers, bytes(response.body))


Handler = Callable[[Scope], Awaitable[Answer | None]]


@dataclass(frozen=True, slots=True)
class _Route:
    prefix: str
    template: str  # the route's path template: the metrics' route label
    handler: Handler


class FastPaths:
    """ASGI: the registered handlers first, the app when they pass."""

    def __init__(
        self, app: ASGIApp, routes: list[_Route], metrics: Metrics, max_url: int, max_header: int
    ) -> None:
        self.app = app
        self.routes = routes
        self.metrics = metrics
        self.max_url = max_url
        self.max_header = max_header

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            path: str = scope["path"]
            for route in self.routes:
                if path.startswith(route.prefix):
                    if await self._answer(route, scope, send):
                        return
                    break
        await self.app(scope, receive, send)

    async def _answer(self, route: _Route, scope: Scope, send: Send) -> bool:
        started = time.perf_counter()
        if size_problem(scope, self.max_url, self.max_header) is not None:
            return False
        try:
            answer = await route.handler(scope)
        except Exception:
            log.exception("fast path for %s failed; the route answers instead", route.template)
            return False
        if answer is None:
            return False
        start = {"type": "http.response.start", "status": answer.status, "headers": answer.headers}
        await send(start)
        await send({"type": "http.response.body", "body": answer.body})
        self.metrics.fast_answer(route.template, answer.status, time.perf_counter() - started)
        return True


def enabled(app: Any) -> bool:
    settings = app.state.services.settings
    return bool(settings.fast_path) and not settings.is_sqlite


def install(app: Any) -> None:
    """Called by `create_app`; the dialects then `register` their handlers."""
    app.state.fast_paths = []
    if enabled(app):
        app.state.fast_path_pool = RawPool(app.state.services.settings)


def register(app: Any, prefix: str, template: str, handler: Handler) -> None:
    """Serve GETs under `prefix` with `handler` first (nothing where fast paths are off)."""
    if enabled(app):
        app.state.fast_paths.append(_Route(prefix, template, handler))


def wrap(app: Any, stack: ASGIApp) -> ASGIApp:
    """The app's middleware stack behind its fast paths (`app.App.build_middleware_stack`)."""
    routes: list[_Route] = app.state.fast_paths
    if not routes:
        return stack
    settings = app.state.services.settings
    return FastPaths(
        stack, routes, app.state.metrics, settings.max_url_bytes, settings.max_header_bytes
    )


def pool(app: Any) -> RawPool:
    found: RawPool = app.state.fast_path_pool
    return found


async def close(app: Any) -> None:
    found: RawPool | None = getattr(app.state, "fast_path_pool", None)
    if found is not None:
        await found.close()
