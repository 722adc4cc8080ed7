"""Merging a duplicate: the leader finds the original by part of its title, without
JavaScript's help, and the list of matches and its error pass axe."""

from __future__ import annotations

import uuid
from typing import Any

from playwright.sync_api import Page

from tests.browser.support import assert_accessible, sign_in_as


def _submit(page: Page, button: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()


def _share_idea(page: Page, live_server: str, title: str) -> str:
    page.goto(f"{live_server}/speak-up")
    page.get_by_label("Share an idea for an improvement").check()
    page.get_by_label("Title").fill(title)
    page.get_by_label("Describe it").fill("Phones for the observation app run flat on nights.")
    page.get_by_label("Theme").select_option(label="Equipment and environment")
    page.get_by_label("No", exact=True).check()
    _submit(page, "Send")
    return page.url


def test_a_leader_finds_the_original_by_its_title(
    page: Page, live_server: str, new_context: Any
) -> None:
    word = f"chargers{uuid.uuid4().hex[:6]}"
    sign_in_as(page, live_server, "staff")
    _share_idea(page, live_server, f"Spare {word} at the nurses' station")
    duplicate_url = _share_idea(page, live_server, f"More {word} for phones")

    leader = new_context(java_script_enabled=False).new_page()
    sign_in_as(leader, live_server, "leader")
    leader.goto(duplicate_url)
    leader.get_by_label("Find the idea to merge this into").fill(word)
    _submit(leader, "Find ideas")
    choice = leader.get_by_label(f"Spare {word} at the nurses' station")
    assert choice.count() == 1
    assert leader.get_by_label(f"More {word} for phones").count() == 0, "not itself"
    assert_accessible(leader, "merge: the ideas found")
    _submit(leader, "Merge")
    assert leader.locator(".nhsuk-error-summary").is_visible()
    assert leader.get_by_label(f"Spare {word} at the nurses' station").count() == 1
    assert_accessible(leader, "merge: nothing chosen")
