"""Real journeys through the browser: forms submitted with their CSRF tokens, the NHS.UK
frontend's JavaScript running under the app's Content-Security-Policy, and without it."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from playwright.sync_api import BrowserContext, ConsoleMessage, Locator, Page, Request

from engage.accounts.services import WRONG_CREDENTIALS
from tests.browser.support import DEMO_PASSWORD, demo_email, load_failed, sign_in_as


def navigation_link(page: Page, text: str) -> Locator:
    """A link in the header's menu, opening the "More" menu first if the header's script has
    moved the link there for want of room."""
    navigation = page.get_by_role("navigation", name="Menu")
    link = navigation.get_by_role("link", name=text, exact=True)
    if not link.is_visible():
        navigation.get_by_role("button", name=re.compile("More")).click()
    return link


def test_a_wrong_password_shows_the_error_summary_and_keeps_the_email(
    page: Page, live_server: str
) -> None:
    page.goto(f"{live_server}/sign-in")
    page.get_by_label("Email address").fill(demo_email("staff"))
    page.get_by_label("Password").fill("not-the-password")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()

    assert page.url.startswith(f"{live_server}/sign-in")
    assert page.title().startswith("Error: Sign in")
    summary = page.locator(".nhsuk-error-summary")
    assert summary.is_visible()
    assert "There is a problem" in summary.inner_text()
    assert WRONG_CREDENTIALS in summary.inner_text()
    # NHS.UK frontend moves focus to the summary, so screen readers announce it.
    assert page.evaluate("() => document.activeElement.closest('.nhsuk-error-summary') !== null")
    assert page.get_by_label("Email address").input_value() == demo_email("staff")
    assert page.get_by_label("Password").input_value() == ""


def test_an_admin_renames_a_user(page: Page, live_server: str) -> None:
    sign_in_as(page, live_server, "admin")
    with page.expect_navigation():
        navigation_link(page, "Users").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Users"

    page.get_by_label("Name or email").fill("Kowalski")
    with page.expect_navigation():
        page.get_by_role("button", name="Search").click()
    assert "q=Kowalski" in page.url
    names = page.locator("table tbody tr td:first-child a")
    assert names.count() > 0, "the search for Kowalski found nobody"
    assert all("Kowalski" in name for name in names.all_inner_texts())

    with page.expect_navigation():
        names.first.click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Edit ")
    page.get_by_label("Full name").fill("Wiktoria Browsertest")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()

    banner = page.locator(".nhsuk-notification-banner--success")
    assert banner.is_visible()
    assert "Wiktoria Browsertest's details have been saved." in banner.inner_text()
    page.get_by_label("Name or email").fill("Browsertest")
    with page.expect_navigation():
        page.get_by_role("button", name="Search").click()
    assert page.locator("table tbody tr td:first-child a").all_inner_texts() == [
        "Wiktoria Browsertest"
    ]


def test_sign_out_from_the_header(page: Page, live_server: str) -> None:
    sign_in_as(page, live_server, "leader")
    account = page.get_by_role("navigation", name="Account")
    assert account.get_by_role("link", name="Grace Okafor").is_visible()

    with page.expect_navigation():
        account.get_by_role("button", name="Sign out").click()

    assert page.url.startswith(f"{live_server}/sign-in")
    assert "You have signed out." in page.locator(".nhsuk-notification-banner").inner_text()
    assert page.get_by_role("button", name="Sign out").count() == 0
    page.goto(f"{live_server}/account")
    assert page.url.startswith(f"{live_server}/sign-in"), "the session outlived signing out"


def test_pages_work_without_javascript(
    new_context: Callable[..., BrowserContext], live_server: str
) -> None:
    page = new_context(java_script_enabled=False).new_page()
    sign_in_as(page, live_server, "admin")

    assert page.url == f"{live_server}/"
    assert page.get_by_role("heading", level=1).inner_text() == "Hello, Tom Hughes"
    # Without the header's script every menu item shows: none is hidden in "More".
    menu = page.get_by_role("navigation", name="Menu")
    for text in ("Home", "Metrics", "Users", "Structure", "Import", "Audit log"):
        assert menu.get_by_role("link", name=text, exact=True).is_visible(), text
    with page.expect_navigation():
        menu.get_by_role("link", name="Users", exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Users"
    # The file upload falls back to the browser's own file input.
    page.goto(f"{live_server}/admin/import")
    assert page.locator("input[type=file][name=file]").is_visible()


def test_pages_load_without_browser_errors(page: Page, live_server: str) -> None:
    """No script error and nothing blocked by the Content-Security-Policy: a blocked script
    would quietly turn off the NHS.UK frontend's enhancements. (The tests are offline: the
    failed loads of anything from another origin are expected, and not counted here.)"""
    problems: dict[str, list[str]] = {}  # message: the pages that logged it

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.setdefault(f"console error: {message.text}", []).append(page.url)

    def on_page_error(error: Any) -> None:
        problems.setdefault(f"uncaught error: {error}", []).append(page.url)

    def on_request_failed(request: Request) -> None:
        if load_failed(request, live_server):
            problems.setdefault(f"{request.url} failed: {request.failure}", []).append(page.url)

    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    page.on("requestfailed", on_request_failed)
    page.goto(f"{live_server}/sign-in")
    page.get_by_label("Email address").fill(demo_email("admin"))
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    for path in ("/admin/import", "/metrics/chart"):
        page.goto(f"{live_server}{path}", wait_until="networkidle")
        # The NHS.UK frontend's script has run: it marks the header as initialised.
        assert page.locator("header[data-nhsuk-header-init]").count() == 1, path

    assert not problems, "\n".join(
        f"{message}\n    on {', '.join(dict.fromkeys(pages))}"
        for message, pages in problems.items()
    )


def test_the_next_page_takes_the_stylesheet_and_scripts_from_the_browsers_cache(
    page: Page, live_server: str
) -> None:
    """After the first page, NHS.UK's stylesheet and script and engage's own are not fetched
    again, nor even checked with the server: nothing is transferred for them."""
    sign_in_as(page, live_server, "staff")
    page.goto(f"{live_server}/privacy")
    page.goto(f"{live_server}/accessibility")

    transferred = page.evaluate(
        """() => performance.getEntriesByType('resource')
          .filter((entry) => /\\/static\\/.+\\.(css|js)(\\?|$)/.test(entry.name))
          .map((entry) => [entry.name, entry.transferSize])"""
    )

    assert {name.split("/")[-1].split("?")[0] for name, _size in transferred} >= {
        "nhsuk-frontend.min.css",
        "nhsuk-frontend.min.js",
        "engage.css",
    }
    assert [name for name, size in transferred if size != 0] == []
