"""The SPC chart page in a real browser: the form submitted with its CSRF token, the chart
and icons drawn, and axe-core's WCAG 2.2 AA rules on the result and on the errors, which the
crawler (GET pages only) never reaches."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from playwright.sync_api import Page

from tests.browser.support import assert_accessible, sign_in_as

# 30 weeks: 20 around 50, then 10 around 62, so special causes appear.
VALUES = [48, 52, 50, 47, 53, 51, 49, 50, 52, 48, 51, 50, 49, 53, 47, 50, 52, 49, 51, 50]
VALUES += [60, 63, 61, 64, 62, 60, 63, 65, 61, 62]


def weekly_figures() -> str:
    first = date(2024, 4, 7)
    return "\n".join(
        f"{(first + timedelta(weeks=week)).isoformat()},{value}"
        for week, value in enumerate(VALUES)
    )


def open_chart_page(page: Page, live_server: str) -> None:
    sign_in_as(page, live_server, "staff")
    page.goto(f"{live_server}/metrics/chart")
    assert page.get_by_role("heading", level=1).inner_text() == "Make an SPC chart"


def test_a_chart_from_pasted_figures_is_drawn_and_accessible(page: Page, live_server: str) -> None:
    open_chart_page(page, live_server)
    page.get_by_label("Paste your figures").fill(weekly_figures())
    page.get_by_label("Chart title (optional)").fill("Ideas raised per week")
    page.get_by_label("Higher is better").check()
    page.get_by_label("Target (optional)").fill("55")
    with page.expect_navigation():
        page.get_by_role("button", name="Make the chart").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Ideas raised per week"
    chart = page.locator("svg.spc-chart")
    assert chart.get_attribute("role") == "img"
    assert page.get_by_role("img", name="Ideas raised per week").count() == 1
    assert chart.locator("title").first.text_content() == "Ideas raised per week"
    assert chart.locator(".spc-point--special_cause_improvement").count() > 0
    assert page.locator("svg.spc-icon").count() == 2
    assert "Special cause variation of an improving nature" in page.inner_text("main")
    assert "inconsistently passing and failing the target" in page.inner_text("main")
    table = page.get_by_role("table", name="The figures, with the mean and limits for each date")
    assert table.get_by_role("row").count() == len(VALUES) + 1  # and the header row
    page.get_by_text("How to read this chart").click()
    assert page.get_by_text("Grey circles are common cause variation").is_visible()
    # The form under the chart keeps the figures, ready for another go.
    assert page.get_by_label("Paste your figures").input_value() == weekly_figures()
    assert_accessible(page, "the chart result page")


def test_an_empty_form_shows_accessible_errors(page: Page, live_server: str) -> None:
    open_chart_page(page, live_server)
    page.get_by_label("Target (optional)").fill("NaN")
    with page.expect_navigation():
        page.get_by_role("button", name="Make the chart").click()

    assert page.title().startswith("Error: Make an SPC chart")
    summary = page.locator(".nhsuk-error-summary")
    assert "Paste figures or choose a CSV file" in summary.inner_text()
    assert "Select whether higher or lower values are better" in summary.inner_text()
    assert "Enter the target as a number" in page.locator("#target-error").inner_text()
    assert page.get_by_label("Target (optional)").input_value() == "NaN"
    assert_accessible(page, "the chart page with errors")


def test_the_chart_is_made_without_javascript(new_context: Any, live_server: str) -> None:
    page = new_context(java_script_enabled=False).new_page()
    open_chart_page(page, live_server)
    page.get_by_label("Paste your figures").fill(weekly_figures())
    page.get_by_label("Lower is better").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Make the chart").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Your SPC chart"
    assert page.locator("svg.spc-chart[role=img]").count() == 1
    assert "Special cause variation of a concerning nature" in page.inner_text("main")
