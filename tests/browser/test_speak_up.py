"""Speaking up anonymously, end to end in a real browser: raise a concern, get a code, come
back without signing in, and read the guardian's reply."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page

from tests.browser.support import assert_accessible, sign_in_as

PASSPHRASE = "blue heron at dawn"
TITLE = "Night staffing on the stroke unit"


def test_anonymous_concern_code_passphrase_and_guardian_reply(
    page: Page, live_server: str, new_context: Any
) -> None:
    sign_in_as(page, live_server, "staff")
    page.goto(f"{live_server}/speak-up")
    page.get_by_label("Raise a concern").check()
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Describe it").fill("Two nurses for 24 patients on most nights.")
    page.get_by_label("Theme").select_option(label="Staffing and workload")
    page.get_by_label("No", exact=True).check()
    page.get_by_label("Anonymously").check()
    page.get_by_label("Choose a passphrase").fill(PASSPHRASE)
    page.get_by_label("Enter the passphrase again").fill(PASSPHRASE)
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Send").click()

    receipt = page.locator("main").inner_text()
    match = re.search(r"\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}\b", receipt)
    assert match, receipt
    followup_code = match.group(0)
    assert "Write this code down now" in receipt
    assert_accessible(page)

    guardian = new_context().new_page()
    sign_in_as(guardian, live_server, "guardian")
    guardian.goto(f"{live_server}/inbox?sort=newest")
    guardian.get_by_role("link", name=TITLE).click()
    assert "Anonymous" in guardian.locator("main").inner_text()
    guardian.get_by_label("Your message").fill("Thank you. Which nights were worst?")
    with guardian.expect_navigation():
        guardian.get_by_role("button", name="Send message").click()
    assert_accessible(guardian)

    visitor = new_context().new_page()  # another browser, never signed in
    visitor.goto(f"{live_server}/check")
    visitor.get_by_label("Follow-up code").fill(followup_code.lower())
    visitor.get_by_label("Passphrase").fill(PASSPHRASE)
    with visitor.expect_navigation():
        visitor.get_by_role("button", name="Continue").click()
    case = visitor.locator("main").inner_text()
    assert TITLE in case
    assert "Thank you. Which nights were worst?" in case
    assert_accessible(visitor)
    visitor.get_by_label("Your message").fill("Mostly weekends.")
    with visitor.expect_navigation():
        visitor.get_by_role("button", name="Send message").click()
    assert "Mostly weekends." in visitor.locator("main").inner_text()
    with visitor.expect_navigation():
        visitor.get_by_role("button", name=re.compile("Finish")).click()
    visitor.goto(f"{live_server}/check/case")
    assert visitor.url.endswith("/check")
