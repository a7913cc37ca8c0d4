"""The supplier console in headless Chromium: sign in, manage a partner, invite a portal user
who then signs in to the portal, and an accessibility check of each page."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.a11y import problems
from tests.browser.conftest import CONSOLE_EMAIL, Site, shot, sign_in
from tests.conftest import share
from tests.portal.support import PASSWORD

PAGES = ["/console/", "/console/partners", "/console/invoices?number=A-0001", "/console/partners/1"]


@pytest.fixture
def staff(site: Site, context: Any) -> Any:
    page = context.new_page()
    sign_in(page, site.url, CONSOLE_EMAIL, role="console")
    assert page.url.endswith("/console/"), page.url
    return page


def test_console_actions_and_a_new_portal_user(site: Site, staff: Any, browser: Any) -> None:
    page = staff
    shot(page, "console-dashboard")
    page.get_by_role("link", name="Partners").click()
    page.get_by_label("Name").fill("Delta Distribution")
    page.get_by_label("Customer numbers (separated by spaces or commas)").fill("C900")
    page.get_by_role("button", name="Create partner").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Delta Distribution")
    page.get_by_label("Customer numbers to grant").fill("C901")
    page.get_by_role("button", name="Grant").click()
    assert page.get_by_role("button", name="Revoke C901").count() == 1
    page.get_by_role("button", name="Issue an API key").click()
    assert "shown once" in page.get_by_role("status").inner_text()
    page.get_by_label("E-mail address to invite").fill("dee@delta.example")
    page.get_by_role("button", name="Invite").click()
    link = page.locator(".secret").inner_text()
    assert "/portal/invitation?token=" in link
    shot(page, "console-partner")
    # The invited user sets a password and signs in to the portal.
    other = browser.new_context()
    dee = other.new_page()
    dee.goto(link)
    dee.get_by_label("New password", exact=True).fill(PASSWORD)
    dee.get_by_label("New password again").fill(PASSWORD)
    dee.get_by_role("button", name="Set password").click()
    sign_in(dee, site.url, "dee@delta.example")
    assert dee.get_by_text("Customer account").count() >= 1
    assert dee.locator("tbody tr").count() == 0  # C900 has no invoices
    other.close()
    page.get_by_role("link", name="Invoice lookup").click()
    page.get_by_label("Invoice number").fill("A-0001")
    page.get_by_role("button", name="Find").click()
    assert page.get_by_role("cell", name="C100").count() == 1
    shot(page, "console-lookup")


@pytest.mark.parametrize("path", PAGES[: share(2, len(PAGES))])
def test_console_accessibility(site: Site, staff: Any, path: str) -> None:
    staff.goto(site.url + path)
    assert problems(staff) == []
