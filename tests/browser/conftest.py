"""A live server with two partners' data, and Debian's chromium driven by Playwright.

The browser is /usr/bin/chromium (`make test` installs it with apt-get); Playwright's own browser
downloads are never used. Without chromium the browser tests are skipped, except under CI.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from invoiceport.accounts import service as accounts
from invoiceport.ops.migrate import upgrade
from invoiceport.platform.db import create_engine, utcnow
from invoiceport.settings import Settings
from tests.live import live_server
from tests.portal.support import PASSWORD, World, world

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SESSION_SECRET = "browser-tests-session-secret-0123456789"
CONSOLE_EMAIL = "staff@supplier.example"
SCREENSHOTS = os.environ.get("INVOICEPORT_SCREENSHOTS")  # a folder: save each page there


@dataclass(frozen=True, slots=True)
class Site:
    url: str
    world: World
    database: str


def _database_of(site: Site) -> str:
    return site.database


async def _prepare(url: str) -> World:
    engine = create_engine(Settings(database_url=url, _env_file=None))  # type: ignore[call-arg]
    try:
        await upgrade(engine)
        w = await world(engine, invoices_a=60)
        await accounts.accept_invitation(engine, w.b_invite, PASSWORD, utcnow())
        await accounts.create_with_password(engine, "console", CONSOLE_EMAIL, PASSWORD, utcnow())
        return w
    finally:
        await engine.dispose()


@pytest.fixture(scope="package")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    from invoiceport.dialects.abcsupply import register_webhook_payloads

    register_webhook_payloads()
    url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'portal.db'}"
    w = asyncio.run(_prepare(url))
    # Plain HTTP on loopback: Secure cookies would not be sent back (test_portal checks the flag).
    settings = {"session_secret": SESSION_SECRET, "admin_token": "a" * 40, "cookie_secure": "false"}
    with live_server(url, **settings) as base:
        yield Site(base, w, url)


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    """Chromium for this package's tests only: Playwright's sync API keeps an event loop running
    in the main thread while it is open, which every later `asyncio.run` would trip over."""
    if not CHROMIUM.exists():
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("/usr/bin/chromium is missing (make test installs it)")
        pytest.skip("/usr/bin/chromium is missing (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    ctx = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    yield ctx
    ctx.close()


def shot(page: Any, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)


def sign_in(page: Any, base: str, email: str, role: str = "portal") -> None:
    page.goto(f"{base}/{role}/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def accept_by_service(site: Site) -> None:
    """Partner A's invitation, used without the browser (when the invitation test did not run)."""

    async def run() -> None:
        url = _database_of(site)
        engine = create_engine(Settings(database_url=url, _env_file=None))  # type: ignore[call-arg]
        try:
            await accounts.accept_invitation(engine, site.world.a_invite, PASSWORD, utcnow())
        finally:
            await engine.dispose()

    # Playwright's sync API keeps an event loop running in this thread: run it in another.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, run()).result()
