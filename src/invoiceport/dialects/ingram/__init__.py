"""Ingram Micro InvoiceAPI v5 (seed 004): production and sandbox invoice details, OAuth 2.0."""

from __future__ import annotations

from fastapi import FastAPI

from invoiceport import ratelimit
from invoiceport.dialects.ingram.errors import PREFIXES, render_error
from invoiceport.dialects.ingram.openapi import openapi_spec
from invoiceport.dialects.ingram.routes import router
from invoiceport.docs_ui import register_spec
from invoiceport.ratelimit.availability import Availability
from invoiceport.web import JSONBytesResponse, register_error_shape

SPEC_URL = "/ingram/openapi.json"


def install(app: FastAPI) -> None:
    """Routes, the error shape under both prefixes, the served spec; limits checked at start-up."""
    app.include_router(router())
    for prefix in PREFIXES:
        register_error_shape(app, prefix, render_error)
    ratelimit.install(app)
    # Parsed now, so a typo in a window stops start-up instead of failing requests.
    settings = app.state.services.settings
    app.state.ingram_availability = Availability.from_settings(settings.ingram_availability)

    @app.get(SPEC_URL, include_in_schema=False)
    async def spec() -> JSONBytesResponse:
        return JSONBytesResponse(openapi_spec())

    register_spec(app, "Ingram Micro InvoiceAPI v5", SPEC_URL)
