"""`create_app(settings)`: the whole server, built on demand (nothing is created at import time)."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.telemetry import TelemetryConfig
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect

from invoiceport import __version__, oauth, pages, ratelimit, web
from invoiceport.dialects import abcsupply, ingram, native, scansource
from invoiceport.dialects.abcsupply import live as abcsupply_live
from invoiceport.dialects.scansource import live as scansource_live
from invoiceport.invoices.validation import format_path
from invoiceport.kit import RenderCache
from invoiceport.partners.service import CredentialNotFound, PartnerNotFound
from invoiceport.pdf.letterhead import letterhead_from_settings
from invoiceport.pdf.renders import PdfRenders
from invoiceport.platform import logs
from invoiceport.platform.context import AppContext, context, context_of
from invoiceport.platform.db import DatabaseUnavailable, create_engine
from invoiceport.platform.metrics import Metrics, MetricsMiddleware
from invoiceport.platform.web import (
    RETRY_AFTER_SECONDS,
    ApiError,
    BodyTooLarge,
    JSONBytesResponse,
    RequestSizeLimits,
    allowed_methods,
    error_response,
    unavailable_response,
)
from invoiceport.ratelimit.availability import Availability
from invoiceport.settings import Settings

log = logging.getLogger("invoiceport")


CLIENT_CLOSED_REQUEST = 499  # nginx's status for a request its client abandoned; never sent
_NO_TELEMETRY: TelemetryConfig = {"tracing": False, "metrics": False, "logs": False}


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    logs.protect_loggers()  # no credential in a log line, whoever configured logging
    engine = create_engine(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Everything made so far (modules, the app, its routes) lives as long as the process:
        # out of the collector's sight, a collection walks only what requests make. A page of
        # 100 invoices costs about a quarter less (docs/performance.md).
        gc.freeze()
        yield
        await close(app)

    app = FastAPI(
        title="invoiceport",
        version=__version__,
        description="Partner invoice API server: ScanSource, ABC Supply and Ingram Micro dialects.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        # No 307 to the slash-less path: its Location was built from the Host header, before
        # authentication (an open redirect to any host). A path with a trailing slash is a 404.
        redirect_slashes=False,
        # Off unless asked for: when no OpenTelemetry SDK is configured, FastAPI still looks for
        # one on every request (about 15 us of a 200 us request; docs/performance.md).
        telemetry=None if settings.opentelemetry else _NO_TELEMETRY,
    )
    # Built once: a misconfigured logo, a typo in a rate limit or in an availability window
    # stops start-up instead of failing requests.
    metrics = Metrics()
    context = AppContext(
        settings=settings,
        engine=engine,
        metrics=metrics,
        rate_limiter=ratelimit.limiter_from_settings(settings),
        render_cache=RenderCache(settings.render_cache_size),
        letterhead=letterhead_from_settings(settings),
        availability=Availability.from_settings(settings.ingram_availability),
        pdf_renders=PdfRenders.from_settings(settings, metrics),
    )
    app.state.context = context
    _add_error_handlers(app)
    app.add_middleware(
        RequestSizeLimits,
        max_url_bytes=settings.max_url_bytes,
        max_header_bytes=settings.max_header_bytes,
    )
    _add_operations(app)
    _add_dialects(app)
    web.install(app)  # the partner portal and the supplier console (docs/portal.md)
    if settings.admin_token is not None and settings.admin_token.get_secret_value():
        from invoiceport.admin import openapi as admin_openapi
        from invoiceport.admin.endpoints import router as admin_router

        app.include_router(admin_router)
        admin_openapi.install(app)  # /admin/openapi.json
    pages.install(app)  # the start page `/`, after everything it lists
    return app


async def close(app: FastAPI) -> None:
    """Release what `create_app` holds: the database pools. The lifespan calls this at shutdown;
    tests that drive the app without a lifespan call it themselves."""
    await context_of(app).engine.dispose()


def _add_dialects(app: FastAPI) -> None:
    """Each dialect package exposes `install(app)`: its routes, error shape and spec."""
    # One line per dialect, e.g. `scansource.install(app)`; see docs/architecture.md.
    oauth.install(app)
    ingram.install(app)
    scansource.install(app)
    abcsupply.install(app)
    abcsupply_live.install(app)
    scansource_live.install(app)
    native.install(app)


def _add_operations(app: FastAPI) -> None:
    metrics = context_of(app).metrics
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    app.add_api_route(
        "/metrics", metrics.response, methods=["GET"], tags=["operations"], summary="Prometheus"
    )

    @app.get("/healthz", tags=["operations"], summary="The process is up")
    async def healthz() -> JSONBytesResponse:
        return JSONBytesResponse({"status": "ok", "version": __version__})

    @app.get("/readyz", tags=["operations"], summary="The database answers")
    async def readyz(request: Request) -> JSONBytesResponse:
        svc = context(request)
        try:
            async with asyncio.timeout(svc.settings.db_timeout_seconds):
                async with svc.engine.connect() as conn:
                    await conn.execute(text("SELECT 1"))
        except (OSError, TimeoutError, DBAPIError) as exc:
            log.warning("not ready: database unavailable (%s)", type(exc).__name__)
            return JSONBytesResponse(
                {"status": "unavailable", "database": "unreachable"},
                status_code=503,
                headers={"Retry-After": RETRY_AFTER_SECONDS},
            )
        return JSONBytesResponse({"status": "ready", "database": "ok"})


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> Response:
        return error_response(request, exc.status_code, exc.message, exc.errors, exc.headers)

    @app.exception_handler(BodyTooLarge)
    async def too_large(request: Request, exc: BodyTooLarge) -> Response:
        return error_response(
            request, 413, f"request body too large: the limit is {exc.limit} bytes"
        )

    @app.exception_handler(PartnerNotFound)
    @app.exception_handler(CredentialNotFound)
    async def not_found(request: Request, exc: LookupError) -> Response:
        return error_response(request, 404, str(exc))

    @app.exception_handler(RequestValidationError)
    async def bad_parameters(request: Request, exc: RequestValidationError) -> Response:
        errors = [f"{format_path(e['loc'])}: {e['msg']}" for e in exc.errors()]
        message = "; ".join(errors) if errors else "invalid request"
        return error_response(request, 400, message, errors)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        headers = dict(exc.headers) if exc.headers else None
        if exc.status_code == 405:
            headers = {**(headers or {}), "Allow": allowed_methods(request)}
        return error_response(request, exc.status_code, str(exc.detail), headers=headers)

    @app.exception_handler(ClientDisconnect)
    async def client_went_away(request: Request, _exc: ClientDisconnect) -> Response:
        # Not a server error: one line, and 499 ("client closed request") in the metrics.
        log.info(
            "client disconnected before its request was read: %s %s",
            request.method,
            request.url.path,
        )
        return Response(status_code=CLIENT_CLOSED_REQUEST)

    @app.exception_handler(OperationalError)
    @app.exception_handler(InterfaceError)
    @app.exception_handler(OSError)
    @app.exception_handler(TimeoutError)
    @app.exception_handler(DatabaseUnavailable)
    async def unavailable(request: Request, exc: Exception) -> Response:
        # DatabaseUnavailable carries the name of what failed underneath (a timeout, a refused
        # connection, a full server): an operator needs it, and it holds no statement or value.
        cause = str(exc) if isinstance(exc, DatabaseUnavailable) else ""
        log.warning("database unavailable: %s", cause or type(exc).__name__)
        return unavailable_response(request)

    @app.exception_handler(DBAPIError)
    async def database_error(request: Request, exc: DBAPIError) -> Response:
        # asyncpg's "connection was closed in the middle of operation" arrives as a plain
        # DBAPIError: a lost connection, so 503 like the others (docs/hardening.md).
        if exc.connection_invalidated:
            return await unavailable(request, exc)
        return await internal(request, exc)

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(request, 500, "internal error")
