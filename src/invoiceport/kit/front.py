"""The kit's dispatch in front of the app's middleware stack, doing what its layers do.

FastAPI runs every request through eight layers before its router: `ServerErrorMiddleware` (the
500 handler), an exception hook for its telemetry, a body-limit wrapper, the app's own
middleware (metrics, then URL and header size limits), `ExceptionMiddleware` (the exception
handlers, with a `Request` of its own) and an exit stack for uploaded files. Each is a coroutine,
most a closure for `send` and a `try`; together they cost about a quarter of a detail request's
CPU (docs/performance.md). `KitFront` is the outermost layer instead: a request that is a whole
match of a kit route (`kit.dispatch`) and within the size limits is served by calling what
those layers would have done for it, in their order and with their own configuration (read from
the built stack): the exception handlers, metrics under the route's template, the 500 handler
(whose answer is sent, and the error raised again for the server to log, as Starlette does).
Anything else (another route, a 404, a 405, an over-long URL, a mounted app) goes through the
whole stack as before, so no answer changes (tests/replay).

The app's stack is recognised layer by layer; when it holds a layer this module does not know
(a middleware added later, an app-wide body limit), the kit's dispatch is put in front of the
router instead, inside every layer, and serves the same routes more slowly.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from fastapi._body_limit import AppBodyLimitMiddleware
from fastapi.middleware.asyncexitstack import AsyncExitStackMiddleware
from fastapi.telemetry._asgi import ExceptionTelemetryMiddleware, _exception
from starlette._exception_handler import _lookup_exception_handler
from starlette._utils import is_async_callable
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware.body_limit import MAX_BODY_SIZE_SCOPE_KEY
from starlette.middleware.errors import ServerErrorMiddleware
from starlette.middleware.exceptions import ExceptionMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from invoiceport.kit.dispatch import KitDispatch, Target
from invoiceport.platform.metrics import Metrics, MetricsMiddleware
from invoiceport.platform.web import RequestSizeLimits, size_problem

_LAYERS = (
    ServerErrorMiddleware,
    ExceptionTelemetryMiddleware,
    AppBodyLimitMiddleware,
    MetricsMiddleware,
    RequestSizeLimits,
    ExceptionMiddleware,
    AsyncExitStackMiddleware,
)
"""The stack `create_app` builds, outermost first, down to the router."""


@dataclass(frozen=True, slots=True)
class Layers:
    """The configuration of the layers the front stands in for, taken from the built stack."""

    server_error: ServerErrorMiddleware
    metrics: Metrics
    max_url_bytes: int
    max_header_bytes: int
    handlers: dict[Any, Any]
    status_handlers: dict[int, Any]


def layers(stack: ASGIApp, router: Any) -> Layers | None:
    """The layers of `stack`, when they are exactly `_LAYERS` around `router`; else None."""
    found: dict[type, Any] = {}
    current: Any = stack
    for kind in _LAYERS:
        if type(current) is not kind:
            return None
        found[kind] = current
        current = current.app
    if current is not router:
        return None
    sizes: RequestSizeLimits = found[RequestSizeLimits]
    exceptions: ExceptionMiddleware = found[ExceptionMiddleware]
    return Layers(
        found[ServerErrorMiddleware],
        found[MetricsMiddleware].metrics,
        sizes.max_url_bytes,
        sizes.max_header_bytes,
        exceptions._exception_handlers,
        exceptions._status_handlers,
    )


class KitFront(KitDispatch):
    """ASGI, outermost: a kit route's request served with its layers' logic; any other to the
    whole stack (`app`)."""

    def __init__(self, app: ASGIApp, router: Any, found: Layers) -> None:
        super().__init__(app, router)
        self.layers = found

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and MAX_BODY_SIZE_SCOPE_KEY not in scope:
            matched = self._match(scope)
            limits = self.layers
            if (
                matched is not None
                and size_problem(scope, limits.max_url_bytes, limits.max_header_bytes) is None
            ):
                await self._serve(scope, receive, send, *matched)
                return
        await self.app(scope, receive, send)

    async def _serve(
        self, scope: Scope, receive: Receive, send: Send, target: Target, params: dict[str, Any]
    ) -> None:
        started = time.perf_counter()
        status = 500
        response_started = False

        async def sender(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status = message["status"]
                response_started = True
            await send(message)

        try:
            try:  # MetricsMiddleware
                self._enter(scope, target, params)
                try:  # ExceptionMiddleware
                    response = await target.handler(Request(scope, receive, send))
                    await response(scope, receive, sender)
                except Exception as exc:
                    await self._handle(exc, response_started, scope, receive, sender)
            finally:
                route: Any = scope.get("route")
                template = getattr(route, "path", None) or "unmatched"
                elapsed = time.perf_counter() - started
                self.layers.metrics.observe(scope["method"], template, status, elapsed)
        except Exception as exc:
            _exception(scope=scope, exc=exc)  # ExceptionTelemetryMiddleware
            await self._server_error(exc, response_started, scope, receive, send)
            raise

    async def _handle(
        self, exc: Exception, started: bool, scope: Scope, receive: Receive, send: Send
    ) -> None:
        """What `ExceptionMiddleware` does with an exception: the app's handler for it answers,
        or it goes on (to the 500 handler)."""
        handler: Any = None
        if isinstance(exc, HTTPException):
            handler = self.layers.status_handlers.get(exc.status_code)
        if handler is None:
            handler = _lookup_exception_handler(self.layers.handlers, exc)
        if handler is None:
            raise exc
        if started:
            raise RuntimeError("Caught handled exception, but response already started.") from exc
        request = Request(scope, receive, send)
        if is_async_callable(handler):
            response = await handler(request, exc)
        else:
            response = await run_in_threadpool(handler, request, exc)
        if response is not None:
            await response(scope, receive, send)
        exc.__traceback__ = None  # reused exception instances accumulate tracebacks

    async def _server_error(
        self, exc: Exception, started: bool, scope: Scope, receive: Receive, send: Send
    ) -> None:
        """What `ServerErrorMiddleware` answers (the app's 500 handler) before the error is
        raised again for the server to log."""
        server = self.layers.server_error
        handler: Any = server.handler
        request = Request(scope)
        response: Response
        if server.debug:
            response = await run_in_threadpool(server.debug_response, request, exc)
        elif handler is None:
            response = server.error_response(request, exc)
        elif is_async_callable(handler):
            response = await handler(request, exc)
        else:
            response = await run_in_threadpool(handler, request, exc)
        if not started:
            await response(scope, receive, send)


def install_front(app: Any) -> None:
    """Build the app's middleware stack with the kit's dispatch in front of it (once)."""
    if getattr(app, "kit_front", False):
        return
    build = app.build_middleware_stack

    def build_with_front() -> ASGIApp:
        stack: ASGIApp = build()
        found = layers(stack, app.router)
        if found is not None:
            return KitFront(stack, app.router, found)
        router = app.router  # a layer the front does not know: the dispatch inside them all
        if not isinstance(router.middleware_stack, KitDispatch):
            router.middleware_stack = KitDispatch(router.middleware_stack, router)
        return stack

    app.build_middleware_stack = build_with_front
    app.kit_front = True


def dispatch_of(app: Any) -> KitDispatch:
    """The app's kit dispatch (its middleware stack built if it was not yet)."""
    if app.middleware_stack is None:
        app.middleware_stack = app.build_middleware_stack()
    stack = app.middleware_stack
    found = stack if isinstance(stack, KitDispatch) else app.router.middleware_stack
    assert isinstance(found, KitDispatch), "the kit's dispatch is not installed"
    return found
