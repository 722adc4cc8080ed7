"""A ward manager's inbox in a real browser: it opens on what needs them, the items waiting to
be acknowledged on page 1 with the groups counted above; ticked items are acknowledged with
one message; the table fits a 320px phone and its "Response due" heading shows whole at 1280px.

With ENGAGE_SCREENSHOTS=docs/screenshots, the test also saves the README's picture of the
demo ward manager's inbox (docs/screenshots/inbox.png) before it changes anything."""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

from flask import Flask
from playwright.sync_api import Page
from sqlalchemy import select

from engage.accounts.models import User
from engage.extensions import db
from tests.browser.support import PROJECT_DIR, assert_accessible, demo_email, sign_in_as
from tests.factories.submissions import make_submission


def _raise_two(live_app: Flask, tag: str) -> list[str]:
    """Two new ideas on the demo staff member's ward, as if sent from the front door."""
    titles = [f"Bay {n} call bells are slow to answer ({tag})" for n in (3, 4)]
    with live_app.test_request_context():
        staff = db.session.scalar(select(User).where(User.email == demo_email("staff")))
        assert staff is not None
        for title in titles:
            make_submission(staff, title=title)
    return titles


def _screenshot(page: Page) -> None:
    folder = os.environ.get("ENGAGE_SCREENSHOTS")
    if folder:
        target = PROJECT_DIR / Path(folder) / "inbox.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(target), full_page=True)


def test_a_ward_manager_sees_what_needs_them_first_and_acknowledges_in_bulk(
    page: Page, live_server: str, live_app: Flask
) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in_as(page, live_server, "leader")
    page.goto(f"{live_server}/inbox")
    _screenshot(page)

    tag = uuid.uuid4().hex[:8]
    titles = _raise_two(live_app, tag)
    page.goto(f"{live_server}/inbox")
    counts = page.get_by_role("list", name="What needs you, counted")
    waiting_link = counts.get_by_role("link", name=re.compile("waiting to be acknowledged"))
    waiting = int(waiting_link.inner_text().split()[0].replace(",", ""))
    assert waiting >= 2
    assert re.match(r"\d+\s+need action", counts.get_by_role("link").first.inner_text())

    # Page 1 starts with every item waiting to be acknowledged, the new ones among them.
    table = page.get_by_role("table", name=re.compile("Inbox, page 1"))
    statuses = table.locator("tbody tr td:nth-child(6)").all_inner_texts()
    first = [text.split()[-1] for text in statuses[: min(waiting, 25)]]
    assert first == ["Submitted"] * len(first), statuses
    for title in titles:
        assert table.get_by_role("link", name=title).is_visible()
    assert_accessible(page, "the leader's inbox")

    # "Response due" is whole at 1280px: not cut off by the table or the page.
    heading = table.get_by_role("columnheader", name="Response due")
    box = heading.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 1280
    assert heading.evaluate("th => th.scrollWidth <= th.clientWidth")

    # One click on a count is that group, and the address keeps it.
    with page.expect_navigation():
        waiting_link.click()
    assert "status=submitted" in page.url
    assert page.get_by_role("heading", name="Waiting to be acknowledged").is_visible()

    # Nothing ticked and no message: both explained, beside the table and the box.
    with page.expect_navigation():
        page.get_by_role("button", name="Acknowledge ticked items").click()
    summary = page.locator(".nhsuk-error-summary")
    assert "Tick at least one item waiting to be acknowledged" in summary.inner_text()
    assert "Write the message to send with the acknowledgement" in summary.inner_text()
    assert page.title().startswith("Error: Inbox")
    assert_accessible(page, "the inbox's acknowledgement form with errors")

    # Tick the two new items, type the message once, send.
    for title in titles:
        reference_row = page.get_by_role("row").filter(has_text=title)
        reference_row.get_by_role("checkbox").check()
    message = f"Thank you: I will look at the call bells this week ({tag})."
    page.get_by_label("Message to each person who raised them").fill(message)
    with page.expect_navigation():
        page.get_by_role("button", name="Acknowledge ticked items").click()
    banner = page.locator(".nhsuk-notification-banner--success").inner_text()
    assert "2 items acknowledged" in banner
    assert "status=submitted" in page.url
    for title in titles:
        assert page.get_by_role("link", name=title).count() == 0

    # At 320px the table is stacked cards with their headings: nothing scrolls sideways.
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"{live_server}/inbox?status=all")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 320
    label = page.locator(".nhsuk-table-responsive__heading", has_text="Response due").first
    assert label.is_visible()
