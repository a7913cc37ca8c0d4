"""Ingram Micro InvoiceAPI v5 (seed 004): production and sandbox invoice details, OAuth 2.0."""

from __future__ import annotations

from typing import Any

from invoiceport import kit
from invoiceport.dialects.ingram.dialect import DIALECT
from invoiceport.dialects.ingram.openapi import openapi_spec
from invoiceport.dialects.ingram.routes import router
from invoiceport.platform.web import dump_json

SPEC_URL = "/ingram/openapi.json"


def install(app: Any) -> None:
    """Routes, the error shape under both prefixes, the served spec."""
    spec = kit.Spec(SPEC_URL, "Ingram Micro InvoiceAPI v5", lambda: dump_json(openapi_spec()))
    kit.install(app, DIALECT, router, spec=spec)
    from invoiceport.dialects.ingram import v6

    v6.install(app)
