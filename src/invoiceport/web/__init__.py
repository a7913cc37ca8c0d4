"""The pages for people: the partner portal (`/portal/`) and the supplier console (`/console/`).

Server-rendered HTML (Jinja2), no JavaScript needed. Partner users read through the one read path
(`reads`) with their session as the credential, so the portal sees exactly what the partner's
grants allow; console actions call the same services as the admin API. docs/portal.md.
"""

from __future__ import annotations

import hashlib
import logging
import secrets

from fastapi import FastAPI

from invoiceport.platform.context import context_of

log = logging.getLogger("invoiceport.web")


def session_key(secret: str) -> bytes:
    """The key that signs session cookies, from `INVOICEPORT_SESSION_SECRET`."""
    return hashlib.sha256(b"session\n" + secret.encode()).digest()


def install(app: FastAPI) -> None:
    from invoiceport.web import console, console_partners, portal, static

    svc = context_of(app)
    settings = svc.settings
    if settings.session_secret is not None and settings.session_secret.get_secret_value():
        svc.session_key = session_key(settings.session_secret.get_secret_value())
    elif settings.admin_token is not None and settings.admin_token.get_secret_value():
        svc.session_key = hashlib.sha256(
            b"session-from-admin-token\n" + settings.admin_token.get_secret_value().encode()
        ).digest()
    else:
        svc.session_key = secrets.token_bytes(32)
        log.warning(
            "no INVOICEPORT_SESSION_SECRET: portal sessions are signed with a key of this "
            "process only (they end when it stops; set it when more than one process serves)"
        )
    _add_error_pages(app)
    app.include_router(static.router)
    app.include_router(portal.router)
    app.include_router(console.router)
    app.include_router(console_partners.router)


def _add_error_pages(app: FastAPI) -> None:
    from starlette.requests import Request
    from starlette.responses import Response

    from invoiceport.web import portal
    from invoiceport.web.auth import NotSignedIn, login_redirect
    from invoiceport.web.sessions import BadForm, CsrfRefused
    from invoiceport.web.templating import render

    def page(request: Request, status: int, heading: str, message: str) -> Response:
        role = "console" if request.url.path.startswith("/console/") else "portal"
        return render(
            request,
            "message.html",
            status,
            role=role,
            title=heading,
            heading=heading,
            message=message,
        )

    async def not_signed_in(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, NotSignedIn)
        return login_redirect(exc)

    async def csrf(request: Request, exc: Exception) -> Response:
        return page(
            request,
            403,
            "Form refused",
            "This form has expired or did not come from "
            "this site (CSRF check). Reload the page and try again.",
        )

    async def bad_form(request: Request, exc: Exception) -> Response:
        return page(request, 400, "Bad request", str(exc))

    async def not_found(request: Request, exc: Exception) -> Response:
        return page(request, 404, "Not found", "There is no such page, or it is not yours to see.")

    app.add_exception_handler(NotSignedIn, not_signed_in)
    app.add_exception_handler(CsrfRefused, csrf)
    app.add_exception_handler(BadForm, bad_form)
    app.add_exception_handler(portal.NotFound, not_found)
