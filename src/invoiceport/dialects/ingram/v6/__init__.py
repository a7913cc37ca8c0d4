"""Ingram Micro's live invoice API (XI): invoice details v6.1 and v6 and invoice search v6, in
production and sandbox, beside v5 (docs/ingram.md)."""

from __future__ import annotations

from typing import Any

from invoiceport import kit
from invoiceport.dialects.ingram.v6.dialect import DIALECT
from invoiceport.dialects.ingram.v6.openapi import openapi_spec
from invoiceport.dialects.ingram.v6.routes import router
from invoiceport.dialects.ingram.v6.search import router as search_router
from invoiceport.platform.web import dump_json

SPEC_URL = "/ingram/xi/openapi.json"


def install(app: Any) -> None:
    """Routes, the `ErrorResponse` shape under the v6 and v6.1 prefixes, the served spec."""
    spec = kit.Spec(SPEC_URL, "Ingram Micro XI invoices v6/v6.1", lambda: dump_json(openapi_spec()))
    kit.install(app, DIALECT, search_router, router, spec=spec)
