"""Keyboard-only journeys (issue 14): speaking up, following up anonymously at /check, and a
leader's decision, with Tab, typing, arrow keys, Enter and Space alone. At every stop the
focus must be visible, the controls come in the order the page reads, and the skip link
takes the focus past the header."""

from __future__ import annotations

import re
import uuid
from typing import Any

from playwright.sync_api import Page

from tests.browser.keyboard import Keyboard, value_of
from tests.browser.support import DEMO_PASSWORD, demo_email

PASSPHRASE = "kingfisher over the weir"


def _in_order(path: list[str], expected: list[str]) -> None:
    """`expected` are all reached, in this order (other stops may come between)."""
    positions = [path.index(key) for key in expected if key in path]
    assert len(positions) == len(expected), f"missing {set(expected) - set(path)} in {path}"
    assert positions == sorted(positions), f"out of order: {path}"


def _sign_in(page: Page, live_server: str, role: str) -> None:
    page.goto(f"{live_server}/sign-in")
    keys = Keyboard(page)
    keys.skip_to_main()
    keys.tab_to("email")
    keys.type(demo_email(role))
    assert keys.tab() == "password"
    keys.type(DEMO_PASSWORD)
    with page.expect_navigation():
        keys.press("Enter")
    assert not page.url.split("?")[0].endswith("/sign-in"), f"signing in as {role} failed"


def _speak_up_by_keyboard(page: Page, *, signed_in: bool, title: str, anonymous: bool) -> Keyboard:
    """Fill the front door from the skip link to Send, by keyboard; Send with Enter."""
    keys = Keyboard(page)
    keys.skip_to_main()
    keys.tab_to("kind")  # the first choice: "Share an idea for an improvement"
    if anonymous:
        keys.press("ArrowDown")  # "Raise a concern" (arrow keys move and choose)
        assert value_of(page, "kind") == "concern"
        assert keys.tab() == "to_guardian", "the revealed question comes next"
    else:
        keys.press("Space")
        assert value_of(page, "kind") == "idea"
    assert keys.tab() == "title"
    keys.type(title)
    assert keys.tab() == "description"
    keys.type("Typed without a mouse: the keyboard reaches every field in order.")
    keys.tab_to("unit_id")
    if not signed_in:  # signed in, it is the person's own unit already
        keys.type("Ward 9")
        assert value_of(page, "unit_id").startswith("Ward 9")
    keys.tab_to("theme_id")
    keys.type("Patient safety")  # a closed select chooses the option typed
    assert value_of(page, "theme_id") == "Patient safety and quality"
    assert keys.tab() == "patient_safety"
    keys.press("ArrowRight")  # from "Yes" to "No"
    assert value_of(page, "patient_safety") == "no"
    assert keys.tab() == "mode"
    if anonymous:
        if signed_in:
            keys.press("ArrowDown")  # Confidentially
            keys.press("ArrowDown")  # Anonymously
        else:
            keys.press("Space")  # the only way when signed out, already chosen
        assert value_of(page, "mode") == "anonymous"
        assert keys.tab() == "passphrase", "the revealed passphrase comes next"
        keys.type(PASSPHRASE)
        assert keys.tab() == "passphrase_confirm"
        keys.type(PASSPHRASE)
    else:
        keys.press("Space")
        assert value_of(page, "mode") == "open"
    assert keys.tab() == "Send"
    with page.expect_navigation():
        keys.press("Enter")
    return keys


def test_speaking_up_openly_and_a_leaders_decision_by_keyboard_alone(
    page: Page, live_server: str, new_context: Any
) -> None:
    title = f"Keyboard idea {uuid.uuid4().hex[:8]}"
    _sign_in(page, live_server, "staff")
    page.goto(f"{live_server}/speak-up")
    keys = _speak_up_by_keyboard(page, signed_in=True, title=title, anonymous=False)
    _in_order(
        keys.path,
        [
            "kind",
            "title",
            "description",
            "check_similar",
            "unit_id",
            "theme_id",
            "patient_safety",
            "mode",
            "Send",
        ],
    )
    assert page.get_by_role("heading", level=1).inner_text() == title
    idea_url = page.url.split("#")[0]  # the skip link's #maincontent rides the redirect
    assert re.search(r"/submissions/\d+$", idea_url)

    leader = new_context().new_page()
    _sign_in(leader, live_server, "leader")
    leader.goto(idea_url)
    keys = Keyboard(leader)
    keys.skip_to_main()
    keys.tab_to("Record a decision", most=60)
    with leader.expect_navigation():
        keys.press("Enter")
    assert leader.get_by_role("heading", level=1).inner_text() == "Record a decision"
    keys.skip_to_main()
    keys.tab_to("outcome")
    for _ in range(3):
        keys.press("ArrowDown")  # Adopt, Adapt, Pilot, then Not taken forward
    assert value_of(leader, "outcome") == "not_taken_forward"
    assert keys.tab() == "reason", "the revealed reason comes straight after its choice"
    keys.type("The hoist contract already covers this.")
    keys.tab_to("response")
    keys.type("Thank you: the contract covers it, so we are not changing it.")
    assert keys.tab() == "Record decision"
    with leader.expect_navigation():
        keys.press("Space")
    assert leader.url.split("#")[0] == idea_url
    banner = leader.locator(".nhsuk-notification-banner--success").inner_text()
    assert "Decision recorded." in banner


def test_speaking_up_anonymously_and_following_up_at_check_by_keyboard_alone(
    page: Page, live_server: str, new_context: Any
) -> None:
    title = f"Keyboard concern {uuid.uuid4().hex[:8]}"
    page.goto(f"{live_server}/speak-up")  # signed out: anonymous is the only way
    keys = _speak_up_by_keyboard(page, signed_in=False, title=title, anonymous=True)
    _in_order(
        keys.path,
        [
            "kind",
            "to_guardian",
            "title",
            "description",
            "unit_id",
            "theme_id",
            "patient_safety",
            "mode",
            "passphrase",
            "passphrase_confirm",
            "Send",
        ],
    )
    receipt = page.locator("main").inner_text()
    found = re.search(r"\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}\b", receipt)
    assert found, f"no follow-up code on the receipt: {receipt[:500]}"

    visitor = new_context().new_page()  # another browser, never signed in
    visitor.goto(f"{live_server}/check")
    keys = Keyboard(visitor)
    keys.skip_to_main()
    assert keys.tab() == "reference", "the code is the first control in the content"
    keys.type(found.group(0))
    assert keys.tab() == "passphrase"
    keys.type(PASSPHRASE)
    with visitor.expect_navigation():
        keys.press("Enter")
    assert visitor.get_by_role("heading", level=1).inner_text() == title
    # The skip link's #maincontent rode the redirect, so the focus starts in the content.
    assert keys.tab_to("body") == ["body"], "the message is the case page's first control"
    keys.type("More detail, typed with the keyboard.")
    assert keys.tab() == "Send message"
    with visitor.expect_navigation():
        keys.press("Space")
    assert "More detail, typed with the keyboard." in visitor.locator("main").inner_text()
