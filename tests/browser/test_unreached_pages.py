"""Pages the crawl cannot reach by following links: those behind an emailed link, a form's
errors, and forms two steps from the navigation. Each is opened the way a person would and
checked with axe."""

from __future__ import annotations

import uuid
from typing import Any

from playwright.sync_api import Page

from tests.browser.support import assert_accessible, demo_email, sign_in_as


def _submit(page: Page, button: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()


def _shows_errors(page: Page, where: str) -> None:
    assert page.locator(".nhsuk-error-summary").is_visible(), f"{where}: no error summary"
    assert_accessible(page, f"{where} with errors")


def test_password_reset_pages(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/forgotten-password")
    page.get_by_label("Email address").fill(demo_email("guardian"))
    _submit(page, "Send the link")
    assert page.get_by_role("heading", level=1).inner_text() == "Check your email"
    assert_accessible(page, "reset link sent")

    page.goto(f"{live_server}/outbox")
    link = page.locator("main a[href*='/reset-password/']").first.get_attribute("href")
    assert link
    page.goto(link)
    assert page.get_by_role("heading", level=1).inner_text() == "Set a new password"
    assert_accessible(page, "set a new password")
    page.get_by_label("New password", exact=True).fill("short")
    page.get_by_label("Confirm new password").fill("short")
    _submit(page, "Save password")
    _shows_errors(page, "set a new password")

    page.goto(f"{live_server}/reset-password/not-a-real-link")
    assert page.get_by_role("heading", level=1).inner_text() == "This link cannot be used"
    assert_accessible(page, "a reset link that cannot be used")


def test_front_door_and_check_errors(page: Page, live_server: str, new_context: Any) -> None:
    sign_in_as(page, live_server, "staff")
    page.goto(f"{live_server}/speak-up")
    _submit(page, "Send")
    _shows_errors(page, "/speak-up")

    visitor = new_context().new_page()
    visitor.goto(f"{live_server}/check")
    visitor.get_by_label("Follow-up code").fill("0000-0000-0000")
    visitor.get_by_label("Passphrase").fill("not the passphrase")
    _submit(visitor, "Continue")
    _shows_errors(visitor, "/check")


def test_theme_form(page: Page, live_server: str) -> None:
    sign_in_as(page, live_server, "admin")
    page.goto(f"{live_server}/admin/themes")
    page.get_by_role("link", name="Add a theme").click()
    assert_accessible(page, "add a theme")
    _submit(page, "Save")
    _shows_errors(page, "add a theme")


def test_a_leaders_forms_with_their_errors(page: Page, live_server: str, new_context: Any) -> None:
    title = f"Spare chargers at the nurses' station ({uuid.uuid4().hex[:8]})"
    sign_in_as(page, live_server, "staff")
    page.goto(f"{live_server}/speak-up")
    page.get_by_label("Share an idea for an improvement").check()
    page.get_by_label("Title").fill(title)
    page.get_by_label("Describe it").fill("Phones for the observation app run flat on nights.")
    page.get_by_label("Theme").select_option(label="Equipment and environment")
    page.get_by_label("No", exact=True).check()
    _submit(page, "Send")
    idea_url = page.url

    leader = new_context().new_page()
    sign_in_as(leader, live_server, "leader")
    leader.goto(idea_url)
    _submit(leader, "Send message")
    _shows_errors(leader, "an empty message on the submission page")

    leader.goto(idea_url)
    leader.get_by_role("link", name="Record a decision").click()
    _submit(leader, "Record decision")
    _shows_errors(leader, "the decision form")
    leader.get_by_label("Adopt it").check()
    leader.get_by_label("Your response to the person who raised it").fill("Yes, thank you.")
    _submit(leader, "Record decision")

    leader.get_by_role("link", name="Add an action").click()
    _submit(leader, "Save action")
    _shows_errors(leader, "the action form")

    leader.goto(idea_url)
    leader.get_by_role("link", name="Publish the outcome on the board").click()
    leader.get_by_label("You said").fill("")
    _submit(leader, "Publish")
    _shows_errors(leader, "the publish form")


def test_a_digest_and_its_unsubscribe_pages(page: Page, live_server: str, live_app: Any) -> None:
    from engage.digests.sending import run_digests
    from tests.factories.digests import just_after_a_weekly_send

    with live_app.test_request_context():
        run_digests(just_after_a_weekly_send())  # the demo leader's weekly digest
    sign_in_as(page, live_server, "leader")
    page.goto(f"{live_server}/digests")
    page.get_by_role("link", name="Your weekly digest: your units in engage").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Your weekly digest: your units"
    assert_accessible(page, "a digest in My digests")
    page.goto(f"{live_server}/outbox")
    link = page.locator("main a[href*='/digests/unsubscribe/']").first.get_attribute("href")
    assert link
    visitor = page.context.browser.new_context().new_page()  # type: ignore[union-attr]
    # Mail links are built from ENGAGE_BASE_URL; this server listens elsewhere.
    visitor.goto(live_server + "/digests/" + link.split("/digests/", 1)[1])
    assert visitor.get_by_role("heading", level=1).inner_text() == "Stop this digest"
    assert_accessible(visitor, "unsubscribe: confirm")
    _submit(visitor, "Stop this digest")
    assert visitor.get_by_role("heading", level=1).inner_text() == "Digest stopped"
    assert_accessible(visitor, "unsubscribe: done")


def test_metric_settings_pages(page: Page, live_server: str) -> None:
    sign_in_as(page, live_server, "admin")
    page.goto(f"{live_server}/metrics/settings")
    assert_accessible(page, "metric settings")
    page.get_by_role("link", name="Acknowledged within target").click()
    assert_accessible(page, "one metric's settings")
    page.get_by_label("Target (optional)").fill("lots")
    _submit(page, "Save")
    _shows_errors(page, "a metric's target")
    page.get_by_label("Target (optional)").fill("80")
    _submit(page, "Save")
    starts = page.get_by_role("group", name="The new period starts on")
    starts.get_by_label("Day").fill("1")
    starts.get_by_label("Month").fill("4")
    starts.get_by_label("Year").fill("2026")
    page.get_by_label("Reason").fill("New acknowledgement rota")
    _submit(page, "Add the new period")
    assert page.get_by_text("New acknowledgement rota").first.is_visible()
    assert_accessible(page, "a metric with a new period")
    page.goto(f"{live_server}/metrics/trust/0/acknowledged_within_target?grain=month")
    assert page.locator("#metric-chart .spc-target").count() == 1
    assert_accessible(page, "a chart with a target and a new period")
