"""The guardian's pages the crawl cannot reach by following links: a form's errors, a revealed
identity, editing a case. Each is opened the way the guardian would and checked with axe."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.browser.support import assert_accessible, sign_in_as


def _submit(page: Page, button: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()


def test_guardian_forms_and_a_revealed_identity(page: Page, live_server: str) -> None:
    sign_in_as(page, live_server, "guardian")
    page.goto(f"{live_server}/guardian/cases/new")
    _submit(page, "Save the case record")
    assert page.locator(".nhsuk-error-summary").is_visible()
    assert "Choose at least one theme" in page.inner_text(".nhsuk-error-summary")
    assert_accessible(page, "/guardian/cases/new with errors")

    page.goto(f"{live_server}/guardian/cases?state=open")
    page.locator("main table a[href*='/guardian/cases/']").first.click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Edit the case record").click()
    page.wait_for_load_state()
    assert_accessible(page, "edit a case")

    page.goto(f"{live_server}/guardian/emerging")
    assert "rota" in page.inner_text("main")
    assert_accessible(page, "/guardian/emerging")

    page.goto(f"{live_server}/guardian/report?period=2025")
    assert_accessible(page, "the annual board report")
