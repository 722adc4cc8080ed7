"""The overflow check the page walk relies on finds what a user would notice, and only that."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.browser.overflow import find_overflow, overflow_at_widths

HIDDEN = (
    '<span style="position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)">'
    "A long visually hidden sentence that is clipped on purpose, as NHS.UK's is</span>"
)


def test_a_page_that_fits_passes(page: Page) -> None:
    page.set_viewport_size({"width": 320, "height": 600})
    page.set_content(f"<body style='margin:8px'><p>Short words fit.</p>{HIDDEN}</body>")

    assert find_overflow(page) == []


def test_something_wider_than_the_window_is_named(page: Page) -> None:
    page.set_viewport_size({"width": 320, "height": 600})
    page.set_content("<body style='margin:0'><table id='wide'><tr><td>" + "x" * 80 + "</td></tr>")

    problems = find_overflow(page)

    assert any("the page scrolls sideways" in p for p in problems), problems
    assert any(p.startswith("table#wide") and "past the window" in p for p in problems), problems


def test_a_column_cut_off_inside_a_box_is_named(page: Page) -> None:
    page.set_viewport_size({"width": 1280, "height": 600})
    page.set_content(
        "<div class='scroll' style='overflow-x:auto;width:200px'><table><tr>"
        "<th>Reference</th><th>Title</th><th style='white-space:nowrap'>Theme and status</th>"
        "<th id='due' style='white-space:nowrap'>Response due</th></tr></table></div>"
    )

    [problem] = find_overflow(page)

    assert problem.startswith('div.scroll "Reference') and "overflow-x: auto" in problem
    assert "table" in problem.split("cut off or scrolled away:")[1]


def test_each_width_is_checked_and_named(page: Page) -> None:
    page.set_content("<body style='margin:0'><div id='fixed' style='width:500px'>wide</div>")

    problems = overflow_at_widths(page, (1280, 320))

    assert problems and all(p.startswith("at 320px: ") for p in problems), problems
