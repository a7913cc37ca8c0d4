"""`invoiceport console-user ...` and `invoiceport portal-user ...`: people who sign in.

Console users (the supplier's staff) are made here only; portal users (a partner's people) here,
through the admin API or in the console. Each command migrates the database first, like `serve`.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from sqlalchemy.ext.asyncio import AsyncEngine

from invoiceport.accounts import service as accounts
from invoiceport.platform.db import utcnow

console_app = typer.Typer(help="Supplier console users.", no_args_is_help=True)
portal_app = typer.Typer(help="Partner portal users.", no_args_is_help=True)


def _do(work: object) -> object:
    from invoiceport.cli import CliError, _run, _settings
    from invoiceport.ops.migrate import upgrade
    from invoiceport.partners.service import PartnerNotFound

    async def call(engine: AsyncEngine) -> object:
        await upgrade(engine)
        return await work(engine)  # type: ignore[operator]

    try:
        return _run(_settings(), call)
    except (accounts.AccountError, PartnerNotFound) as exc:
        raise CliError(str(exc)) from None


def _link(base_url: str, role: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/{role}/invitation?token={token}"


BaseUrl = Annotated[str, typer.Option(help="The server's public URL, for the link")]


@console_app.command("create")
def console_create(
    email: str,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input")
    ] = False,
    base_url: BaseUrl = "http://127.0.0.1:8000",
) -> None:
    """A console user: with --password-stdin the password is set now, else an invitation link
    (shown once) sets it."""
    from invoiceport.cli import out

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")

        async def make(engine: AsyncEngine) -> object:
            return await accounts.create_with_password(engine, "console", email, password, utcnow())

        out.print(f"console user {_do(make)} created: {email}")
        return

    async def invite(engine: AsyncEngine) -> object:
        return await accounts.invite(engine, "console", email, None, utcnow())

    invitation = _do(invite)
    assert isinstance(invitation, accounts.Invitation)
    out.print(f"console user {invitation.user_id} invited: {email}")
    out.print(f"invitation link (shown once): {_link(base_url, 'console', invitation.token)}")


@console_app.command("reset")
def console_reset(user_id: int, base_url: BaseUrl = "http://127.0.0.1:8000") -> None:
    """A new invitation link for a user (their sessions end)."""
    from invoiceport.cli import out

    async def again(engine: AsyncEngine) -> object:
        return await accounts.reinvite(engine, user_id, utcnow())

    invitation = _do(again)
    assert isinstance(invitation, accounts.Invitation)
    out.print(f"invitation link (shown once): {_link(base_url, 'console', invitation.token)}")


@portal_app.command("invite")
def portal_invite(
    partner_id: Annotated[int, typer.Argument(min=1, max=2**31 - 1)],
    email: str,
    base_url: BaseUrl = "http://127.0.0.1:8000",
) -> None:
    """A portal user of a partner, with a one-time invitation link (shown once)."""
    from invoiceport.cli import out

    async def invite(engine: AsyncEngine) -> object:
        return await accounts.invite(engine, "portal", email, partner_id, utcnow())

    invitation = _do(invite)
    assert isinstance(invitation, accounts.Invitation)
    out.print(f"portal user {invitation.user_id} of partner {partner_id} invited: {email}")
    out.print(f"invitation link (shown once): {_link(base_url, 'portal', invitation.token)}")
