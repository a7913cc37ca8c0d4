"""Session cookies, CSRF tokens and form bodies, for the portal and the console alike.

A session cookie holds the session token (256 random bits, stored as a digest) and an HMAC of it
under the server's session key: a cookie the server did not issue is refused before any lookup.
Logout and password changes revoke the session row, so a copied cookie stops working too. Cookies
are HttpOnly, SameSite=Lax, Path-scoped, and Secure unless `INVOICEPORT_COOKIE_SECURE=false`.

Every form carries a CSRF token: for a signed-in user an HMAC of their session token (nothing
stored), for the sign-in forms a random value also held in a short-lived cookie (double submit).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import Response

from invoiceport.platform.context import context
from invoiceport.platform.web import read_body

MAX_FORM_BYTES = 65_536
SESSION_SECONDS = 12 * 3600


class CsrfRefused(Exception):
    """A form without the right CSRF token (403)."""


class BadForm(Exception):
    """A form body that is not a form (400)."""


def _mac(key: bytes, purpose: str, value: str) -> str:
    digest = hmac.new(key, f"{purpose}\n{value}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def cookie_name(role: str) -> str:
    return f"invoiceport_{role}"


def session_token(request: Request, role: str) -> str | None:
    """The session token of a cookie this server signed, or None."""
    raw = request.cookies.get(cookie_name(role))
    if not raw or len(raw) > 200:
        return None
    token, _, mac = raw.rpartition(".")
    key = context(request).session_key
    if not token or not hmac.compare_digest(mac, _mac(key, role, token)):
        return None
    return token


def cookie_value(key: bytes, role: str, token: str) -> str:
    """The session cookie's value: the token and its HMAC under the session key."""
    return f"{token}.{_mac(key, role, token)}"


def set_session(request: Request, response: Response, role: str, token: str) -> None:
    value = cookie_value(context(request).session_key, role, token)
    response.set_cookie(
        cookie_name(role),
        value,
        max_age=SESSION_SECONDS,
        path=f"/{role}/",
        secure=context(request).settings.cookie_secure,
        httponly=True,
        samesite="lax",
    )


def clear_session(request: Request, response: Response, role: str) -> None:
    response.delete_cookie(
        cookie_name(role),
        path=f"/{role}/",
        secure=context(request).settings.cookie_secure,
        httponly=True,
        samesite="lax",
    )


def csrf_for_session(request: Request, token: str) -> str:
    return _mac(context(request).session_key, "csrf", token)


LOGIN_CSRF_COOKIE = "invoiceport_form"


def login_csrf(request: Request) -> str:
    """A token for a form shown before sign-in (`set_login_csrf` puts it in a cookie)."""
    value = request.cookies.get(LOGIN_CSRF_COOKIE)
    if not value or len(value) != 43 or not value.isascii():
        value = secrets.token_urlsafe(32)
    return value


def set_login_csrf(request: Request, response: Response, role: str, value: str) -> None:
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        value,
        max_age=3600,
        path=f"/{role}/",
        secure=context(request).settings.cookie_secure,
        httponly=True,
        samesite="strict",
    )


async def read_form(request: Request) -> dict[str, str]:
    """The urlencoded form (first value of each field); 400 for anything else."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    raw = await read_body(request, MAX_FORM_BYTES)
    if not raw:
        return {}  # an empty form: refused by its CSRF check
    if kind != "application/x-www-form-urlencoded":
        raise BadForm("expected a form (application/x-www-form-urlencoded)")
    try:
        text = raw.decode("utf-8")
        parsed = parse_qs(text, keep_blank_values=True, strict_parsing=False, max_num_fields=200)
    except (UnicodeDecodeError, ValueError):
        raise BadForm("the form is not valid UTF-8 urlencoded text") from None
    form = {name: values[0] for name, values in parsed.items()}
    if any("\x00" in v or "\x00" in k for k, v in form.items()):
        raise BadForm("NUL characters are not allowed in a form")
    return form


def check_csrf(form: dict[str, str], expected: str) -> None:
    given = form.get("csrf", "")
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        raise CsrfRefused()


def check_login_csrf(request: Request, form: dict[str, str]) -> None:
    check_csrf(form, request.cookies.get(LOGIN_CSRF_COOKIE, ""))
