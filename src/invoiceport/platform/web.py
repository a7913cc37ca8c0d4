"""HTTP plumbing every router shares: the app's services, JSON responses, bounded bodies, errors."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from starlette.routing import Match
from starlette.types import ASGIApp, Receive, Scope, Send

# Re-exported: the routes' JSON, as before the renderers moved (platform.jsonout).
from invoiceport.platform.jsonout import dump_json as dump_json
from invoiceport.platform.jsonout import dump_json_numbers as dump_json_numbers

log = logging.getLogger("invoiceport.http")


class JSONBytesResponse(Response):
    """JSON via orjson; Decimals as exact decimal strings."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return dump_json(content)


class ApiError(Exception):
    """An error of the native routes (admin, operations): `{"error": ..., "errors": [...]}`."""

    def __init__(
        self,
        status_code: int,
        message: str,
        errors: list[str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message
        self.errors = errors
        self.headers = headers

    def response(self) -> Response:
        body: dict[str, Any] = {"error": self.message}
        if self.errors is not None:
            body["errors"] = self.errors
        return JSONBytesResponse(body, status_code=self.status_code, headers=self.headers)


ErrorRenderer = Callable[[int, str, list[str] | None, dict[str, str] | None], Response]
"""(status, message, errors, headers) -> the response in one API's error format."""


def native_error(
    status: int, message: str, errors: list[str] | None, headers: dict[str, str] | None
) -> Response:
    return ApiError(status, message, errors, headers).response()


def register_error_shape(app: Any, prefix: str, renderer: ErrorRenderer) -> None:
    """Errors on paths under `prefix` (404s, 400s, 503s...) are rendered by `renderer`."""
    shapes = app.state.context.error_shapes
    shapes.append((prefix, renderer))
    shapes.sort(key=lambda item: len(item[0]), reverse=True)  # the longest prefix wins


def error_response(
    request: Request,
    status: int,
    message: str,
    errors: list[str] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """An error in the format of the API the request's path belongs to."""
    path = request.url.path
    context = getattr(request.app.state, "context", None)
    shapes: list[tuple[str, ErrorRenderer]] = context.error_shapes if context else []
    for prefix, renderer in shapes:
        if path.startswith(prefix):
            return renderer(status, message, errors, headers)
    return native_error(status, message, errors, headers)


RETRY_AFTER_SECONDS = "5"


def unavailable_response(request: Request) -> Response:
    """503 + Retry-After in the request's API's error format: the database cannot answer."""
    headers = {"Retry-After": RETRY_AFTER_SECONDS}
    return error_response(request, 503, "service unavailable, try again shortly", None, headers)


class BodyTooLarge(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(f"request body over the limit of {limit} bytes")
        self.limit = limit


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refusing (413) anything over `limit` bytes without reading it all."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge(limit)
        chunks.append(chunk)
    return b"".join(chunks)


ROUTABLE_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def allowed_methods(request: Request) -> str:
    """The `Allow` header of a 405: every method some route serves at this path. Starlette's
    router names only the first route that matched the path, so a path served by two routes
    (GET and POST registered separately) announced only one of them."""
    routes = request.app.router.routes
    allowed = [
        method
        for method in ROUTABLE_METHODS
        if any(r.matches({**request.scope, "method": method})[0] == Match.FULL for r in routes)
    ]
    return ", ".join(allowed)


async def reject_nul(request: Request) -> None:
    """NUL in a path or query value is refused before any route sees it: PostgreSQL's text
    type cannot hold it, so such a value reaching a query would be a 500, never a lookup."""
    pairs = (("path", request.path_params.items()), ("query", request.query_params.multi_items()))
    for where, items in pairs:
        for name, value in items:
            if "\x00" in str(value) or "\x00" in name:
                raise ApiError(400, f"{where} parameter {name[:40]!r}: NUL characters not allowed")


def parse_bool(name: str, value: str | None, default: bool) -> bool:
    """Query-string booleans: true/false/1/0/yes/no, anything else a 400 naming the parameter."""
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in ("true", "1", "yes"):
        return True
    if lowered in ("false", "0", "no"):
        return False
    raise ApiError(400, f"{name}: expected true or false, got {value[:50]!r}")


class RequestSizeLimits:
    """Refuse over-long URLs (414) and header sections (431) before any route sees them.

    uvicorn's httptools parser has no header size limit, so without this a 1 MB header or query
    string is parsed, logged and handed to a route. The answer names the limit, in the error
    format of the API the path belongs to.
    """

    def __init__(self, app: ASGIApp, *, max_url_bytes: int, max_header_bytes: int) -> None:
        self.app = app
        self.max_url_bytes = max_url_bytes
        self.max_header_bytes = max_header_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            problem = size_problem(scope, self.max_url_bytes, self.max_header_bytes)
            if problem is not None:
                status, message = problem
                request = Request(scope)
                await error_response(request, status, message)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def size_problem(scope: Scope, max_url_bytes: int, max_header_bytes: int) -> tuple[int, str] | None:
    """(414 or 431, message) when the request's URL or header section is over its limit."""
    url_bytes = len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"")
    if url_bytes > max_url_bytes:
        return 414, f"URL too long: {url_bytes} bytes, the limit is {max_url_bytes}"
    header_bytes = sum(len(name) + len(value) + 4 for name, value in scope["headers"])
    if header_bytes > max_header_bytes:
        return 431, (
            f"request headers too large: {header_bytes} bytes, the limit is {max_header_bytes}"
        )
    return None
