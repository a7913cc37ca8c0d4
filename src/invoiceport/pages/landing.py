"""`/`: what this server is, who runs it, and where to go: the API documentation, each
dialect's OpenAPI document, the partner portal and the supplier console (when installed)."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.responses import Response

from invoiceport.pages.templating import install_static, render, site_values
from invoiceport.platform.context import context
from invoiceport.platform.docs_ui import DOCS_PATH, registered_specs

PORTAL = "/portal/"
CONSOLE = "/console/"


def _serves(app: FastAPI, prefix: str) -> bool:
    return any(getattr(route, "path", "").startswith(prefix) for route in app.routes)


def install(app: FastAPI) -> None:
    """The start page and the pages' static files; after the dialects (it lists their specs)."""
    install_static(app)

    @app.get("/", include_in_schema=False)
    async def start_page(request: Request) -> Response:
        settings = context(request).settings
        specs = [
            {
                "name": spec.name,
                "url": spec.url,
                "docs": f"{DOCS_PATH}?{urlencode({'spec': spec.name})}",
                "auxiliary": spec.auxiliary,
            }
            for spec in registered_specs(request.app)
        ]
        return render(
            "landing.html",
            **site_values(settings),
            specs=specs,
            portal=PORTAL if _serves(request.app, PORTAL) else None,
            console=CONSOLE if _serves(request.app, CONSOLE) else None,
            admin=settings.admin_token is not None
            and bool(settings.admin_token.get_secret_value()),
        )
