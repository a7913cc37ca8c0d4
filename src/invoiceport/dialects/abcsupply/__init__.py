"""ABC Supply Invoice API dialect (`seeds/001_*`): history, invoice by id, PDF, webhooks.

`install(app)` adds the routes, the error shape for `/api/invoice/v1/` and the served spec.
Routes are imported on install, so importing `views` (the webhook payloads do) stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI


def install(app: FastAPI) -> None:
    from invoiceport.dialects.abcsupply.routes import install as install_routes

    install_routes(app)
