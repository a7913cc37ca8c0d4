"""Adding a declared dialect to the app: its routers, its error shape and its served spec."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from invoiceport.kit.dialect import Dialect
from invoiceport.kit.front import install_front
from invoiceport.platform.context import context
from invoiceport.platform.docs_ui import register_spec
from invoiceport.platform.operator import name_operator
from invoiceport.platform.web import register_error_shape


@dataclass(frozen=True, slots=True)
class Spec:
    """A dialect's OpenAPI document: served at `url` (JSON, built on first request) and listed
    on `/docs` as `title`."""

    url: str
    title: str
    build: Callable[[], bytes]
    auxiliary: bool = False
    """Listed after the dialects on `/docs` (token endpoints, the admin API)."""


def install(app: Any, dialect: Dialect, *routers: APIRouter, spec: Spec | None = None) -> None:
    """Routes first (in the order given), then the error shape of the dialect's prefixes, then
    the spec. The kit's dispatch (`kit.dispatch`, in front of
    the app's middleware: `kit.front`) serves the routes."""
    install_front(app)
    for router in routers:
        app.include_router(router, include_in_schema=False)
    for prefix in dialect.prefixes:
        register_error_shape(app, prefix, dialect.render_error)
    if spec is not None:
        serve_spec(app, spec)


def serve_spec(app: Any, spec: Spec) -> None:
    built: list[bytes] = []

    async def openapi(request: Request) -> Response:
        if not built:  # with the operator as the contact (platform/operator.py)
            named = name_operator(orjson.loads(spec.build()), context(request).settings)
            built.append(orjson.dumps(named))
        return Response(built[0], media_type="application/json")

    app.add_api_route(spec.url, openapi, methods=["GET"], include_in_schema=False)
    register_spec(app, spec.title, spec.url, auxiliary=spec.auxiliary)
