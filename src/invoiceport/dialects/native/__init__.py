"""The native partner API `/v1/` (docs/native-api.md): canonical invoices, the change feed.

One declared dialect (`dialect.py`); its routes live in modules that each make a router with
`http.native_router()`. To add a route module, make its router there and add it to `ROUTERS`
below: `install` includes them in this order (before the framework's catch-all 404s).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from invoiceport import kit
from invoiceport.dialects.native import einvoice, events, invoices, listing
from invoiceport.dialects.native.dialect import DIALECT
from invoiceport.dialects.native.openapi import openapi_spec
from invoiceport.platform.web import dump_json

ROUTERS: tuple[APIRouter, ...] = (
    listing.router,
    invoices.router,
    einvoice.router,
    events.router,
)


SPEC_URL = "/v1/openapi.json"


def install(app: Any) -> None:
    """Routes, the problem-details error shape under `/v1/`, the served spec."""
    spec = kit.Spec(SPEC_URL, "invoiceport native API (/v1)", lambda: dump_json(openapi_spec()))
    kit.install(app, DIALECT, *ROUTERS, spec=spec)
