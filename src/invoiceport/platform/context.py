"""The application context: everything `create_app` builds once, in one typed object.

Routes reach it with `context(request)`, tests and start-up code with `context_of(app)`; it lives
on `app.state.context`, the only thing kept on `app.state`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request

from invoiceport.platform.clock import Clock
from invoiceport.platform.db import utcnow
from invoiceport.settings import Settings

if TYPE_CHECKING:
    from invoiceport.kit.cache import RenderCache
    from invoiceport.pdf import Letterhead
    from invoiceport.pdf.renders import PdfRenders
    from invoiceport.platform.docs_ui import SpecLink
    from invoiceport.platform.metrics import Metrics
    from invoiceport.platform.web import ErrorRenderer
    from invoiceport.ratelimit import RateLimiter
    from invoiceport.ratelimit.availability import Availability


@dataclass(slots=True, eq=False)
class AppContext:
    settings: Settings
    engine: AsyncEngine
    metrics: Metrics
    rate_limiter: RateLimiter
    render_cache: RenderCache
    letterhead: Letterhead
    """The supplier's letterhead for PDFs (a misconfigured logo stops start-up)."""
    availability: Availability
    """Ingram's availability windows per country (`INVOICEPORT_INGRAM_AVAILABILITY`)."""
    pdf_renders: PdfRenders
    """Rendered PDFs by version, and each partner's share of the renders (`pdf/renders.py`)."""
    error_shapes: list[tuple[str, ErrorRenderer]] = field(default_factory=list)
    """(path prefix, renderer), longest prefix first: each API's errors in its own shape."""
    specs: list[SpecLink] = field(default_factory=list)
    """The OpenAPI documents `/docs` lists."""
    clock: Clock = utcnow
    """The server's "now"; tests replace it to move time without sleeping."""
    session_key: bytes = b""
    """Signs the portal's and console's session cookies (`web/sessions.py`)."""


def context_of(app: Any) -> AppContext:
    found: AppContext = app.state.context
    return found


def context(request: Request) -> AppContext:
    found: AppContext = request.app.state.context
    return found
