"""ScanSource's current API generation under `/scsc/invoice/v1/`, beside the seed's `/api/`
routes (`../shared/references/real-clients.md`): query parameters, a subscription key and a
bearer token, classic PascalCase bodies. See docs/scansource.md."""

from __future__ import annotations

from typing import Any

from invoiceport import kit


def install(app: Any) -> None:
    from invoiceport.dialects.scansource.live.dialect import DIALECT
    from invoiceport.dialects.scansource.live.openapi import SPEC_PATH, TITLE, build_spec
    from invoiceport.dialects.scansource.live.routes import router
    from invoiceport.dialects.scansource.views import dump_json
    from invoiceport.platform.context import context_of

    max_page_size = context_of(app).settings.scansource_max_page_size
    spec = kit.Spec(SPEC_PATH, TITLE, lambda: dump_json(build_spec(max_page_size)))
    kit.install(app, DIALECT, router, spec=spec)


__all__ = ["install"]
