"""Sign-in, sign-out, invitations and password changes: the same pages for portal and console."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from invoiceport.accounts import service as accounts
from invoiceport.accounts.repository import UserRow
from invoiceport.accounts.service import AccountError, Role, SignInRefused
from invoiceport.platform.context import context
from invoiceport.web import sessions
from invoiceport.web.templating import PAGE_HEADERS, render


@dataclass(frozen=True, slots=True)
class SignedIn:
    user: UserRow
    token: str
    csrf: str
    granted: tuple[str, ...] = ()
    """The customers the user's partner is granted, in order (none for a console user)."""


class NotSignedIn(Exception):
    """Answered by a redirect to the sign-in page."""

    def __init__(self, role: str, next_path: str) -> None:
        self.role = role
        self.next_path = next_path


async def signed_in(request: Request, role: Role) -> SignedIn:
    """The user of the request's session cookie; `NotSignedIn` otherwise."""
    token = sessions.session_token(request, role)
    svc = context(request)
    found = None
    if token is not None:
        seconds = svc.settings.db_timeout_seconds
        found = await accounts.session_user(svc.engine, role, token, svc.clock(), seconds)
    if token is None or found is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise NotSignedIn(role, target)
    user, granted = found
    return SignedIn(user, token, sessions.csrf_for_session(request, token), tuple(granted))


async def checked_form(request: Request, me: SignedIn) -> dict[str, str]:
    form = await sessions.read_form(request)
    sessions.check_csrf(form, me.csrf)
    return form


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303, headers=PAGE_HEADERS)


def login_redirect(exc: NotSignedIn) -> RedirectResponse:
    return redirect(f"/{exc.role}/login?next={quote(exc.next_path, safe='/')}")


def _safe_next(role: str, value: str | None) -> str:
    """Only a path of this area: never another host (`//evil`), never a scheme."""
    home = f"/{role}/"
    if not value or not value.startswith(home) or value.startswith("//") or "\\" in value:
        return home
    return value


def auth_routes(role: Role, title: str) -> APIRouter:
    router = APIRouter(prefix=f"/{role}", include_in_schema=False)

    def login_page(
        request: Request, status: int = 200, error: str | None = None, email: str = ""
    ) -> Response:
        csrf = sessions.login_csrf(request)
        response = render(
            request,
            "login.html",
            status,
            role=role,
            title=title,
            error=error,
            email=email,
            next=_safe_next(role, request.query_params.get("next")),
            csrf=csrf,
        )
        sessions.set_login_csrf(request, response, role, csrf)
        return response

    @router.get("/login")
    async def login_form(request: Request) -> Response:
        return login_page(request)

    @router.post("/login")
    async def login(request: Request) -> Response:
        form = await sessions.read_form(request)
        sessions.check_login_csrf(request, form)
        svc = context(request)
        email = form.get("email", "")
        try:
            done = await accounts.sign_in(
                svc.engine, role, email, form.get("password", ""), svc.clock()
            )
        except SignInRefused as exc:
            status = 429 if exc.locked_until is not None else 401
            return login_page(request, status, str(exc), email[:254])
        response = redirect(_safe_next(role, form.get("next")))
        sessions.set_session(request, response, role, done.token)
        return response

    @router.post("/logout")
    async def logout(request: Request) -> Response:
        me = await signed_in(request, role)
        await checked_form(request, me)
        svc = context(request)
        await accounts.sign_out(svc.engine, me.token, svc.clock())
        response = redirect(f"/{role}/login")
        sessions.clear_session(request, response, role)
        return response

    @router.get("/invitation")
    async def invitation_form(request: Request) -> Response:
        token = request.query_params.get("token", "")
        svc = context(request)
        user = await accounts.invitation_user(svc.engine, token, svc.clock())
        if user is None or user.role != role:
            return render(
                request,
                "message.html",
                404,
                role=role,
                title=title,
                heading="Invitation not valid",
                message="This invitation link is not valid: used, expired or mistyped. "
                "Ask for a new one.",
            )
        csrf = sessions.login_csrf(request)
        response = render(
            request,
            "invitation.html",
            role=role,
            title=title,
            email=user.email,
            token=token,
            csrf=csrf,
            error=None,
        )
        sessions.set_login_csrf(request, response, role, csrf)
        return response

    @router.post("/invitation")
    async def accept(request: Request) -> Response:
        form = await sessions.read_form(request)
        sessions.check_login_csrf(request, form)
        svc = context(request)
        token = form.get("token", "")
        password = form.get("password", "")
        try:
            if password != form.get("confirm", ""):
                raise AccountError("the two passwords differ")
            await accounts.accept_invitation(svc.engine, token, password, svc.clock())
        except AccountError as exc:
            error = str(exc)
        else:
            return redirect(f"/{role}/login")
        user = await accounts.invitation_user(svc.engine, token, svc.clock())
        return render(
            request,
            "invitation.html",
            400,
            role=role,
            title=title,
            email=user.email if user else "",
            token=token,
            csrf=form.get("csrf", ""),
            error=error,
        )

    @router.get("/password")
    async def password_form(request: Request) -> Response:
        me = await signed_in(request, role)
        return render(request, "password.html", role=role, title=title, me=me, error=None)

    @router.post("/password")
    async def change_password(request: Request) -> Response:
        me = await signed_in(request, role)
        form = await checked_form(request, me)
        svc = context(request)
        new = form.get("new", "")
        try:
            if new != form.get("confirm", ""):
                raise AccountError("the two new passwords differ")
            done = await accounts.change_password(
                svc.engine, me.user, form.get("current", ""), new, svc.clock()
            )
        except AccountError as exc:
            return render(
                request, "password.html", 400, role=role, title=title, me=me, error=str(exc)
            )
        response = redirect(f"/{role}/")
        sessions.set_session(request, response, role, done.token)
        return response

    return router
