"""The portal in headless Chromium: what a reseller's accountant does, by mouse and by keyboard."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pypdf
import pytest

from tests.browser.a11y import problems
from tests.browser.conftest import Site, shot, sign_in
from tests.conftest import share
from tests.portal.support import PASSWORD


def tab_to(page: Any, condition: str, most: int = 80) -> None:
    """Press Tab until `condition` (JavaScript) holds for the focused element."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate(condition):
            return
    pytest.fail(f"not reachable by Tab: {condition}")


PAGES = [
    "/portal/invoices",
    "/portal/invoices?customer=C100&status=invoiced&po=PO-55",
    "/portal/invoices/C100/A-0003",
    "/portal/statement",
    "/portal/password",
    "/portal/login",
]


def test_invitation_then_keyboard_only_sign_in_and_navigation(site: Site, context: Any) -> None:
    page = context.new_page()
    page.goto(f"{site.url}/portal/invitation?token={site.world.a_invite}")
    shot(page, "portal-invitation")
    page.get_by_label("New password", exact=True).fill(PASSWORD)
    page.get_by_label("New password again").fill(PASSWORD)
    page.get_by_role("button", name="Set password").click()
    page.wait_for_url("**/portal/login")  # the sign-in page, loaded, before any key is pressed
    page.wait_for_load_state()
    assert page.url.endswith("/portal/login")
    shot(page, "portal-login")
    # Keyboard only from here: skip link, fields, Enter.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    tab_to(page, "document.activeElement.id === 'email'")
    page.keyboard.type("ann@acme.example")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/portal/invoices")
    # Tab to the filter "PO number", type, Enter submits the search.
    tab_to(page, "document.activeElement.id === 'f-po'")
    page.keyboard.type("PO-55")
    page.keyboard.press("Enter")
    page.wait_for_url("**po=PO-55**")
    # Tab to the first invoice link and open it with Enter.
    tab_to(
        page,
        "(document.activeElement.getAttribute('href') || '').startsWith('/portal/invoices/C100/')",
    )
    page.keyboard.press("Enter")
    page.wait_for_url("**/portal/invoices/C100/A-0059")
    assert page.get_by_role("heading", level=1).inner_text() == "Invoice A-0059"


@pytest.fixture
def ann(site: Site, context: Any) -> Any:
    page = context.new_page()
    sign_in(page, site.url, "ann@acme.example")
    if "/login" in page.url:  # the invitation test did not run first (a share, or -k)
        from tests.browser.conftest import accept_by_service

        accept_by_service(site)
        sign_in(page, site.url, "ann@acme.example")
    assert page.url.endswith("/portal/invoices"), page.url
    return page


def test_search_filters_and_paging(site: Site, ann: Any) -> None:
    page = ann
    assert page.locator("tbody tr").count() == 50
    shot(page, "portal-invoices")
    page.get_by_label("Invoice date from").fill("2026-01-10")
    page.get_by_label("Invoice date to").fill("2026-01-12")
    page.get_by_label("Status").select_option("invoiced")
    page.get_by_role("button", name="Search").click()
    numbers = page.locator("tbody tr td:first-child").all_inner_texts()
    assert numbers == ["A-0011", "A-0010", "A-0009"]
    page.get_by_role("link", name="Clear").click()
    page.get_by_role("link", name="Older").click()
    older = page.locator("tbody tr td:first-child").all_inner_texts()
    assert older == [f"A-{i:04d}" for i in range(9, -1, -1)]
    assert page.get_by_role("link", name="Older").count() == 0
    page.get_by_label("Customer account").select_option("C200")
    page.get_by_role("button", name="Switch").click()
    assert page.locator("tbody tr td:first-child").all_inner_texts() == ["A2-1"]


def test_pdf_and_csv_downloads(site: Site, ann: Any, tmp_path: Path) -> None:
    page = ann
    page.get_by_label("PO number").fill("PO-55")
    page.get_by_label("Invoice date to").fill("2026-01-02")
    page.get_by_role("button", name="Search").click()
    with page.expect_download() as csv_download:
        page.get_by_role("link", name="Download CSV").click()
    rows = list(csv.DictReader(io.StringIO(Path(csv_download.value.path()).read_text())))
    assert [r["invoice_number"] for r in rows] == ["A-0001", "A-0000"]
    page.get_by_role("link", name="A-0001").click()
    shot(page, "portal-invoice")
    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="Download PDF").click()
    assert pdf_download.value.suggested_filename == "A-0001.pdf"
    reader = pypdf.PdfReader(pdf_download.value.path())
    assert "A-0001" in "".join(p.extract_text() for p in reader.pages)


def test_statement(site: Site, ann: Any) -> None:
    page = ann
    page.get_by_role("link", name="Statement").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Statement of account"
    aging = page.get_by_role("table", name="Aging by currency")
    assert aging.get_by_role("rowheader").all_inner_texts() == ["USD"]
    shot(page, "portal-statement")


def test_two_partners_never_see_each_other(site: Site, ann: Any, browser: Any) -> None:
    other = browser.new_context()
    bob = other.new_page()
    sign_in(bob, site.url, "bob@bolt.example")
    assert bob.locator("tbody tr td:first-child").all_inner_texts() == ["B-1"]
    for path in (
        "/portal/invoices/C100/A-0001",
        "/portal/invoices?customer=C100",
        "/portal/statement?customer=C200",
        "/portal/invoices/C100/A-0001/pdf",
    ):
        answer = bob.goto(site.url + path)
        assert answer is not None and answer.status == 404, path
    answer = ann.goto(site.url + "/portal/invoices/C300/B-1")
    assert answer is not None and answer.status == 404
    other.close()


@pytest.mark.skipif(not share(0, 1), reason="whole browser suite only (INVOICEPORT_TEST_FULL=1)")
def test_lockout_in_the_browser(site: Site, browser: Any) -> None:
    """Five wrong passwords lock the account (tests/portal checks it on every run)."""
    ctx = browser.new_context()
    page = ctx.new_page()
    page.goto(f"{site.url}/portal/login")
    for _ in range(5):
        page.get_by_label("E-mail address").fill("bob@bolt.example")
        page.get_by_label("Password").fill("not the password")
        page.get_by_role("button", name="Sign in").click()
    assert "locked" in page.get_by_role("alert").inner_text()
    ctx.close()


def test_a_forged_form_is_refused(site: Site, ann: Any) -> None:
    page = ann
    page.evaluate("document.querySelector('form.logout input[name=csrf]').value = 'forged'")
    page.get_by_role("button", name="Sign out").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Form refused"
    page.goto(f"{site.url}/portal/invoices")
    assert page.url.endswith("/portal/invoices")  # still signed in


@pytest.mark.parametrize("path", PAGES[: share(2, len(PAGES))])
def test_accessibility(site: Site, ann: Any, path: str) -> None:
    ann.goto(site.url + path)
    assert problems(ann) == []
