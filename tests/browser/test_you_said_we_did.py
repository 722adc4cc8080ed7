"""You said, we did, end to end in a real browser: a member of staff shares an idea, the
unit's leader acknowledges it, adopts it, adds an action and completes it, and publishes the
outcome; the entry heads the ward's board and its printed poster, and the member of staff
sees the whole answer on the idea's page."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from playwright.sync_api import Locator, Page

from tests.browser.support import assert_accessible, sign_in_as

WARD = "Ward 9 (Elderly Care)"


def success_banner(page: Page) -> Locator:
    return page.locator(".nhsuk-notification-banner--success")


def action_row(page: Page, description: str) -> Locator:
    table = page.get_by_role("table", name="Actions and their progress")
    return table.get_by_role("row").filter(has_text=description)


def fill_date(page: Page, legend: str, day: date) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def test_an_idea_is_adopted_acted_on_and_published_on_the_board(
    page: Page, live_server: str, new_context: Any
) -> None:
    tag = uuid.uuid4().hex[:8]
    title = f"Protected mealtimes on Ward 9 ({tag})"
    action = f"Put a mealtime sign on every bay door ({tag})"
    response = f"Thank you: we will protect lunch and supper from ward rounds ({tag})."
    you_said = f"Ward rounds interrupt patients' meals ({tag})."
    we_did = f"Lunch and supper are now protected, with signs on every bay ({tag})."
    due = datetime.now(UTC).date() + timedelta(days=14)

    # 1. The member of staff shares the idea, openly.
    sign_in_as(page, live_server, "staff")
    page.goto(f"{live_server}/speak-up")
    page.get_by_label("Share an idea for an improvement").check()
    page.get_by_label("Title").fill(title)
    page.get_by_label("Describe it").fill(
        "Patients on the ward often miss part of their lunch because rounds and tests are "
        "booked across mealtimes."
    )
    page.get_by_label("Theme").select_option(label="Patient safety and quality")
    page.get_by_label("No", exact=True).check()
    page.get_by_label("Openly").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Send").click()

    banner = success_banner(page).inner_text()
    match = re.search(r"Your reference is (ID-[0-9A-Z]{4}-[0-9A-Z]{4})", banner)
    assert match, banner
    reference = match.group(1)
    assert "the unit's leaders" in banner
    idea_url = page.url
    assert re.fullmatch(rf"{re.escape(live_server)}/submissions/\d+", idea_url), idea_url
    assert page.get_by_role("heading", level=1).inner_text() == title

    # 2. The leader of the ward finds it in the inbox, newest first, and acknowledges it.
    leader = new_context().new_page()
    sign_in_as(leader, live_server, "leader")
    leader.goto(f"{live_server}/inbox?sort=newest")
    with leader.expect_navigation():
        leader.get_by_role("link", name=title).click()
    assert leader.url == idea_url
    assert reference in leader.locator("main").inner_text()

    leader.get_by_label("New status").select_option(label="Acknowledged")
    leader.get_by_label("Message to the person who raised it").fill("Thanks, looking at it now.")
    with leader.expect_navigation():
        leader.get_by_role("button", name="Update status").click()
    assert "Status changed to acknowledged." in success_banner(leader).inner_text()

    # The decision: the conditional fields are revealed and hidden by the radios.
    with leader.expect_navigation():
        leader.get_by_role("link", name="Record a decision").click()
    assert leader.get_by_role("heading", level=1).inner_text() == "Record a decision"
    reason = leader.get_by_label("Reason it is not being taken forward")
    assert not reason.is_visible()
    leader.get_by_label("Not taken forward").check()
    assert reason.is_visible()
    assert_accessible(leader, "the decision form, with the reason revealed")
    leader.get_by_label("Adopt it").check()
    assert not reason.is_visible()
    leader.get_by_label("Your response to the person who raised it").fill(response)
    assert_accessible(leader, "the decision form")
    with leader.expect_navigation():
        leader.get_by_role("button", name="Record decision").click()
    assert leader.url == idea_url
    assert "Decision recorded." in success_banner(leader).inner_text()

    # An action, planned, for the member of staff who raised it.
    with leader.expect_navigation():
        leader.get_by_role("link", name="Add an action").click()
    assert leader.get_by_role("heading", level=1).inner_text() == "Add an action"
    leader.get_by_label("What will be done").fill(action)
    # The owner is chosen by typing part of a name (accessible-autocomplete over the select);
    # no CSP violation stops the script (a blocked script would leave the plain select).
    owner = leader.get_by_role("combobox", name="Owner")
    owner.fill("Sam Pat")
    choice = leader.get_by_role("option", name=f"Sam Patel ({WARD})")
    assert leader.get_by_role("listbox").get_by_role("option").count() < 10, "not narrowed"
    choice.click()
    assert owner.input_value() == f"Sam Patel ({WARD})"
    fill_date(leader, "Due date", due)
    leader.get_by_label("Status").select_option(label="Planned")
    assert_accessible(leader, "the action form")
    with leader.expect_navigation():
        leader.get_by_role("button", name="Save action").click()
    assert leader.url.startswith(idea_url)
    assert "Action added." in success_banner(leader).inner_text()
    cells = action_row(leader, action).get_by_role("cell")
    assert cells.nth(1).inner_text() == "Sam Patel"
    assert cells.nth(3).inner_text() == "Planned"
    assert cells.nth(4).inner_text() == "0%"

    # ... then done.
    with leader.expect_navigation():
        action_row(leader, action).get_by_role("link", name=action).click()
    assert leader.get_by_role("heading", level=1).inner_text() == "Update an action"
    due_date = leader.get_by_role("group", name="Due date")
    assert due_date.get_by_label("Day").input_value() == str(due.day)
    assert due_date.get_by_label("Year").input_value() == str(due.year)
    leader.get_by_label("Status").select_option(label="Done")
    with leader.expect_navigation():
        leader.get_by_role("button", name="Save action").click()
    assert "Action saved." in success_banner(leader).inner_text()
    cells = action_row(leader, action).get_by_role("cell")
    assert cells.nth(3).inner_text() == "Done"
    assert cells.nth(4).inner_text() == "100%"
    assert_accessible(leader, "the submission page, as its handler")

    # 3. The outcome goes on the board.
    with leader.expect_navigation():
        leader.get_by_role("link", name="Publish the outcome on the board").click()
    assert leader.get_by_role("heading", level=1).inner_text() == "Publish the outcome"
    # Raised openly: what they said starts as the idea's title.
    assert leader.get_by_label("You said").input_value() == title
    leader.get_by_label("You said").fill(you_said)
    leader.get_by_label("We did").fill(we_did)
    with leader.expect_navigation():
        leader.get_by_role("button", name="Publish").click()
    assert leader.url == idea_url
    assert "Published on the unit's and directorate's" in success_banner(leader).inner_text()

    leader.goto(f"{live_server}/boards")
    with leader.expect_navigation():
        leader.get_by_role("link", name=WARD, exact=True).click()
    assert leader.get_by_role("heading", level=1).inner_text() == f"You said, we did: {WARD}"
    entries = leader.locator("main li.nhsuk-card")
    # The seeded entries are there too, so being first means being newest.
    assert entries.count() > 1, "the board has no seeded entries to come before"
    newest = entries.first
    assert f"You said: {you_said}" in newest.inner_text()
    assert f"We did: {we_did}" in newest.inner_text()
    assert_accessible(leader, f"the {WARD} board")

    with leader.expect_navigation():
        leader.get_by_role("link", name="Print a poster of the latest entries").click()
    assert leader.url.endswith("/poster")
    newest = leader.locator("main li.nhsuk-card").first
    assert f"You said: {you_said}" in newest.inner_text()
    assert f"We did: {we_did}" in newest.inner_text()
    assert_accessible(leader, f"the {WARD} poster")
    header = leader.locator("header.nhsuk-header")
    assert header.is_visible()
    leader.emulate_media(media="print")
    assert header.is_hidden(), "the site header is printed on the poster"
    assert newest.is_visible(), "the entry is missing from the printed poster"

    # 4. The member of staff sees the decision, the finished action and the published entry.
    page.goto(idea_url)
    main = page.locator("main")
    decision = main.get_by_role("heading", name="Decision", exact=True)
    assert decision.locator("xpath=following-sibling::p[1]/strong").inner_text() == "Adopt it"
    assert response in main.inner_text()
    cells = action_row(page, action).get_by_role("cell")
    assert cells.nth(3).inner_text() == "Done"
    assert cells.nth(4).inner_text() == "100%"
    published = main.get_by_role("heading", name="Published: you said, we did")
    assert published.is_visible()
    assert f"You said: {you_said}" in main.inner_text()
    assert f"We did: {we_did}" in main.inner_text()
    assert_accessible(page, "the submission page, as the member of staff who raised it")
