"""ScanSource Invoice API dialect (seeds 000, 002, 003): summary, list, detail and PDF under `/api`.

`install(app)` adds the routes, the Azure API Management error shape for everything under `/api/`,
the dialect's OpenAPI document at `/scansource/openapi.json` and its entry on `/docs`.
See docs/scansource.md.
"""

from __future__ import annotations

from typing import Any

from invoiceport import kit
from invoiceport.dialects.scansource.dialect import DIALECT
from invoiceport.dialects.scansource.openapi import SPEC_PATH, build_spec
from invoiceport.dialects.scansource.routes import router
from invoiceport.dialects.scansource.views import dump_json
from invoiceport.platform.context import context_of

DOCS_NAME = "ScanSource Invoice API"


def install(app: Any) -> None:
    max_page_size = context_of(app).settings.scansource_max_page_size
    spec = kit.Spec(SPEC_PATH, DOCS_NAME, lambda: dump_json(build_spec(max_page_size)))
    kit.install(app, DIALECT, router, spec=spec)


__all__ = ["install"]
