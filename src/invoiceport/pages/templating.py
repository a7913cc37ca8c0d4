"""Jinja2 rendering for the HTML pages, and the pages' static files under `/static/`."""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import resources
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from invoiceport import __version__
from invoiceport.platform.docs_ui import DOCS_PATH
from invoiceport.platform.web import ApiError
from invoiceport.settings import Settings

STATIC = "/static"
# The files under `/static/` and their media types: only these are served.
STATIC_FILES: dict[str, str] = {"site.css": "text/css; charset=utf-8"}
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("invoiceport.pages", "templates"),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,  # a missing value is an error, not an empty string
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(version=__version__, static=STATIC, static_version=_static_version)
    return env


def site_values(settings: Settings) -> dict[str, Any]:
    """What `layout.html` needs on every page: the operator and where the API docs are."""
    return {
        "operator": {
            "name": settings.operator,
            "url": settings.operator_url,
            "email": settings.operator_email,
        },
        "docs": DOCS_PATH,
    }


def render(template: str, *, status_code: int = 200, **values: Any) -> Response:
    """An HTML page from `template` (in `templates/`), with the pages' security headers."""
    html = environment().get_template(template).render(**values)
    return Response(
        html,
        status_code=status_code,
        media_type="text/html; charset=utf-8",
        headers={"Cache-Control": "no-cache", **PAGE_HEADERS},
    )


@cache
def _static(name: str) -> tuple[bytes, str]:
    data = (resources.files("invoiceport.pages") / "static" / name).read_bytes()
    return data, '"' + hashlib.sha256(data).hexdigest()[:32] + '"'


def _static_version(name: str) -> str:
    """`?v=` for a static file's URL: it changes with the file, so it can be cached long."""
    return _static(name)[1].strip('"')[:12]


def install_static(app: FastAPI) -> None:
    @app.get(STATIC + "/{name}", include_in_schema=False)
    async def static_file(name: str, request: Request) -> Response:
        media_type = STATIC_FILES.get(name)
        if media_type is None:
            raise ApiError(404, f"no static file {name!r}")
        body, etag = _static(name)
        headers = {"ETag": etag, "Cache-Control": "public, max-age=86400", **PAGE_HEADERS}
        if request.headers.get("if-none-match") == etag:
            return Response(status_code=304, headers=headers)
        return Response(body, media_type=media_type, headers=headers)
