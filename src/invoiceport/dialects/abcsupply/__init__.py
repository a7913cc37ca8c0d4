"""ABC Supply Invoice API dialect (`seeds/001_*`): history, invoice by id, PDF, webhooks.

`install(app)` adds the routes, the error shape for `/api/invoice/v1/` and the served spec, and
registers the dialect's rendering of webhook payloads (`register_webhook_payloads`, which the CLI
calls too, as `import` and `demo` ingest without an app). Routes are imported on install.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI


def install(app: FastAPI) -> None:
    from invoiceport.dialects.abcsupply.routes import install as install_routes

    register_webhook_payloads()
    install_routes(app)


def register_webhook_payloads() -> None:
    """Every webhook event's `data` is this dialect's history item, and the body of a v2
    notification delivery is this dialect's too (docs/webhooks.md)."""
    from invoiceport.dialects.abcsupply.events import render_data
    from invoiceport.dialects.abcsupply.live.notification_views import notification_body
    from invoiceport.webhooks.payloads import register_data_renderer, register_notification_renderer

    register_data_renderer(render_data)
    register_notification_renderer(notification_body)
