"""`/docs`: Swagger UI served by the app itself, one page listing every API's OpenAPI document.

Each dialect (and the admin API) calls `register_spec(app, name, url)` from its `install(app)`; the
first call adds the `/docs` routes. Nothing is fetched from a CDN: the Swagger UI 5 files (it reads
OpenAPI 3.0 and 3.1) are vendored in `platform/swagger_ui/` (Apache-2.0, see its README) and
served from `/docs/assets/`, the page's configuration is a script of its own (so the
Content-Security-Policy needs no inline script), and the online spec validator badge is switched
off (it would send the spec to validator.swagger.io).

The page opens on the first dialect's document (the token endpoint and the admin API, registered
as `auxiliary`, come last), or on the one `?spec=NAME` names (the start page links each so).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response

from invoiceport.platform.web import ApiError

DOCS_PATH = "/docs"
SWAGGER_UI_VERSION = "5.35.0"  # platform/swagger_ui/README.md

# The files of the Swagger UI distribution the page uses, and their media types. Only these are
# served, so no other file of the package (source maps, templates) is reachable.
ASSETS: dict[str, str] = {
    "swagger-ui.css": "text/css; charset=utf-8",
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui-standalone-preset.js": "text/javascript; charset=utf-8",
    "favicon-32x32.png": "image/png",
    "favicon-16x16.png": "image/png",
}

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>API documentation - invoiceport</title>
<link rel="stylesheet" href="{docs}/assets/swagger-ui.css">
<link rel="icon" type="image/png" href="{docs}/assets/favicon-32x32.png" sizes="32x32">
<link rel="icon" type="image/png" href="{docs}/assets/favicon-16x16.png" sizes="16x16">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{docs}/assets/swagger-ui-bundle.js"></script>
<script src="{docs}/assets/swagger-ui-standalone-preset.js"></script>
<script src="{docs}/swagger-initializer.js"></script>
</body>
</html>
"""

_INITIALIZER = """window.onload = function () {
  var specs = %s;
  var wanted = new URLSearchParams(window.location.search).get("spec");
  var known = specs.some(function (spec) { return spec.name === wanted; });
  window.ui = SwaggerUIBundle({
    urls: specs,
    "urls.primaryName": known ? wanted : specs[0].name,
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: "StandaloneLayout"
  });
};
"""


@dataclass(frozen=True, slots=True)
class SpecLink:
    name: str
    url: str
    auxiliary: bool = False  # listed after the dialects (token endpoint, admin API)


def register_spec(app: FastAPI, name: str, url: str, *, auxiliary: bool = False) -> None:
    """List the OpenAPI document at `url` (a path on this server) on `/docs` as `name`."""
    if not url.startswith("/") or url.startswith("//"):
        raise ValueError(f"spec url must be a path on this server, got {url!r}")
    specs = app.state.context.specs
    if not specs:
        _add_routes(app)
    if any(spec.name == name for spec in specs):
        raise ValueError(f"a spec named {name!r} is already registered")
    specs.append(SpecLink(name, url, auxiliary))


def registered_specs(app: FastAPI) -> list[SpecLink]:
    """The documents in the order `/docs` lists them: dialects first, in registration order."""
    specs: list[SpecLink] = app.state.context.specs
    return sorted(specs, key=lambda spec: spec.auxiliary)


@cache
def _asset(name: str) -> tuple[bytes, str]:
    """The file's bytes and a strong ETag (assets change only with the vendored version)."""
    data = (resources.files("invoiceport.platform") / "swagger_ui" / name).read_bytes()
    return data, '"' + hashlib.sha256(data).hexdigest()[:32] + '"'


def _cached(body: bytes, media_type: str, etag: str, request: Request) -> Response:
    headers = {"ETag": etag, "Cache-Control": "public, max-age=86400", **SECURITY_HEADERS}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


def _add_routes(app: FastAPI) -> None:
    @app.get(DOCS_PATH, include_in_schema=False)
    async def docs_page() -> Response:
        return Response(
            _PAGE.format(docs=DOCS_PATH),
            media_type="text/html; charset=utf-8",
            headers={"Cache-Control": "no-cache", **SECURITY_HEADERS},
        )

    @app.get(f"{DOCS_PATH}/swagger-initializer.js", include_in_schema=False)
    async def initializer(request: Request) -> Response:
        links: list[dict[str, Any]] = [
            {"name": spec.name, "url": spec.url} for spec in registered_specs(request.app)
        ]
        # JSON is a JavaScript expression; "<" escaped so no "</script>" can ever close a tag.
        script = _INITIALIZER % json.dumps(links).replace("<", "\\u003c")
        return Response(
            script,
            media_type="text/javascript; charset=utf-8",
            headers={"Cache-Control": "no-cache", **SECURITY_HEADERS},
        )

    @app.get(DOCS_PATH + "/assets/{name}", include_in_schema=False)
    async def asset(name: str, request: Request) -> Response:
        media_type = ASSETS.get(name)
        if media_type is None:
            raise ApiError(404, f"no documentation asset {name!r}")
        body, etag = _asset(name)
        return _cached(body, media_type, etag, request)
