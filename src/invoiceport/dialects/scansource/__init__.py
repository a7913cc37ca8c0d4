"""ScanSource Invoice API dialect (seeds 000, 002, 003): summary, list, detail and PDF under `/api`.

`install(app)` adds the routes, the Azure API Management error shape for everything under `/api/`,
the dialect's OpenAPI document at `/scansource/openapi.json` and its entry on `/docs`.
See docs/scansource.md.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import Response

from invoiceport import fastpath, ratelimit
from invoiceport.dialects.scansource import fast
from invoiceport.dialects.scansource.auth import DIALECT
from invoiceport.dialects.scansource.errors import PREFIX, render_error
from invoiceport.dialects.scansource.openapi import SPEC_PATH, build_spec
from invoiceport.dialects.scansource.routes import invoice_detail, router
from invoiceport.dialects.scansource.views import DetailCache, dump_json
from invoiceport.docs_ui import register_spec
from invoiceport.pdf.letterhead import letterhead_from_settings
from invoiceport.settings import Settings
from invoiceport.web import register_error_shape

DOCS_NAME = "ScanSource Invoice API"


def install(app: FastAPI) -> None:
    settings: Settings = app.state.services.settings
    # Built once: a misconfigured logo stops the server at start-up, not every PDF later.
    app.state.scansource_letterhead = letterhead_from_settings(settings)
    limiter = ratelimit.install(app)  # a malformed limit setting stops the server at start-up
    details = app.state.scansource_details = DetailCache(settings.render_cache_size)
    app.include_router(router)
    register_error_shape(app, PREFIX, render_error)
    if fastpath.enabled(app):
        route = next(r for r in router.routes if getattr(r, "endpoint", None) is invoice_detail)
        limited = limiter.policy.may_limit(DIALECT, None)
        handler = fast.DetailFastPath(fastpath.pool(app), details, limited=limited)
        fastpath.register(app, fast.PREFIX, getattr(route, "path"), handler)  # noqa: B009

    spec = dump_json(build_spec(settings.scansource_max_page_size))

    @app.get(SPEC_PATH, include_in_schema=False)
    async def scansource_openapi() -> Response:
        return Response(spec, media_type="application/json")

    register_spec(app, DOCS_NAME, SPEC_PATH)


__all__ = ["install"]
