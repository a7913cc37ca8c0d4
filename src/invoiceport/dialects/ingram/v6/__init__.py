"""Ingram Micro's live invoice API (XI): invoice details v6.1 and v6 and invoice search v6, in
production and sandbox, beside v5 (docs/ingram.md)."""

from __future__ import annotations

from typing import Any

from invoiceport import kit
from invoiceport.dialects.ingram.v6.dialect import DIALECT
from invoiceport.dialects.ingram.v6.routes import router
from invoiceport.dialects.ingram.v6.search import router as search_router


def install(app: Any) -> None:
    """Routes and the `ErrorResponse` shape under the v6 and v6.1 prefixes."""
    kit.install(app, DIALECT, search_router, router)
