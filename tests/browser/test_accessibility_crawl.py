"""Every page a user can reach from the navigation loads and passes axe-core's WCAG 2.2 AA rules.

The crawler starts at "/" signed in as each demo role, follows the header navigation, the
footer and every other same-origin link on the pages it finds, one level below the
navigation, so a page added to the navigation later is checked without touching this file.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, Request, Response

from tests.browser.overflow import DESKTOP, HEIGHT, WIDTHS, overflow_at_widths
from tests.browser.support import (
    DEMO_ROLES,
    assert_accessible,
    check_accessibility,
    duplicate_ids,
    format_violations,
    is_same_origin,
    load_failed,
    preload_axe,
    sign_in_as,
    sign_in_with,
)

MAX_PAGES = 60
MAX_DEPTH = 2  # "/" is 0, the navigation is 1, what the navigation's pages link to is 2
SKIP_PATHS = {"/sign-out"}
STATIC_PREFIXES = ("/static/",)
FILE_SUFFIX = re.compile(
    r"\.(css|js|mjs|map|png|jpe?g|gif|svg|ico|webp|woff2?|ttf|csv|pdf|txt|xml|json|zip)$", re.I
)
NUMBER = re.compile(r"/\d+(?=/|$)")
METRIC_CHART = re.compile(r"^/metrics/(trust|directorate|unit)/<n>/[a-z0-9_]+$")
SIGNED_OUT_PAGES = ("/sign-in", "/forgotten-password", "/privacy", "/accessibility")
# The pages behind a list that each role must reach, so the walk covers their templates.
DETAIL_PAGES = {
    "a submission": re.compile(r"^/submissions/\d+$"),
    "a case": re.compile(r"^/guardian/cases/\d+$"),
    "a chart": re.compile(r"^/metrics/(trust|directorate|unit)/\d+/[a-z0-9_]+$"),
    "a board": re.compile(r"^/boards/(unit|directorate)/\d+$"),
}
REACHES = {
    "staff": ("a submission", "a chart", "a board"),
    "leader": ("a submission", "a board"),
    "guardian": ("a submission", "a case", "a chart", "a board"),
    "board": ("a chart", "a board"),
    "admin": ("a chart", "a board"),
}

# Everything with an href, read after the page has loaded: the header navigation (all of its
# items, including those NHS.UK's script moves into the "More" menu), the footer and the rest.
LINKS_JS = """() => {
  const hrefs = (selector) => Array.from(document.querySelectorAll(selector))
    .filter((a) => !a.hasAttribute('download'))
    .map((a) => a.href);
  return {
    navigation: hrefs('header nav a[href]'),
    footer: hrefs('footer a[href]'),
    all: hrefs('a[href], area[href]'),
  };
}"""


@dataclass
class CrawlReport:
    visited: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    navigation: set[str] = field(default_factory=set)
    footer: set[str] = field(default_factory=set)

    def unreached(self, kinds: tuple[str, ...]) -> list[str]:
        paths = [urlsplit(url).path for url in self.visited]
        return [k for k in kinds if not any(DETAIL_PAGES[k].match(p) for p in paths)]

    def failure_message(self, who: str) -> str:
        pages = "\n".join(f"  {url}" for url in self.visited)
        found = "\n\n".join(self.problems)
        return f"{who}: {len(self.problems)} page(s) failed\n\n{found}\n\nPages visited:\n{pages}"


def page_key(path: str) -> str:
    """Pages that differ only by query string or by a number in the path share a template:
    check the first of them only (/admin/users/17 and /admin/users/18 are one page; so are
    the metrics view's charts of one metric and another)."""
    key = NUMBER.sub("/<n>", path.rstrip("/") or "/")
    return METRIC_CHART.sub(r"/metrics/\1/<n>/<metric>", key)


def crawlable(url: str, origin: str) -> str | None:
    """The URL to visit (without its fragment), or None if the crawler should leave it."""
    url, _fragment = urldefrag(url)
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or f"{parts.scheme}://{parts.netloc}" != origin:
        return None
    if parts.path in SKIP_PATHS or parts.path.startswith(STATIC_PREFIXES):
        return None
    if FILE_SUFFIX.search(parts.path):
        return None
    return url


def visit(page: Page, url: str, report: CrawlReport, *, signed_in: bool) -> bool:
    """Load one page, check its status and run axe; True if it is an HTML page to read links
    from."""
    report.visited.append(url)
    try:
        response = page.goto(url, wait_until="load")
    except PlaywrightError as error:
        if "Download is starting" not in str(error):
            report.problems.append(f"{url}: did not load: {error}")
            return False
        # A GET link that downloads a file: check it answers, nothing more.
        status = page.request.get(url).status
        if status >= 400:
            report.problems.append(f"{url}: download answered HTTP {status}")
        return False
    if response is None:
        report.problems.append(f"{url}: no response")
        return False
    if response.status >= 400:
        report.problems.append(f"{url}: HTTP {response.status}")
    final = urlsplit(page.url)
    if signed_in and final.path == "/sign-in":
        report.problems.append(f"{url}: sent to the sign-in page: the crawl lost its session")
        return False
    content_type = response.headers.get("content-type", "")
    if not content_type.startswith("text/html"):
        return False
    check_page(page, url, report)
    return True


def check_page(page: Page, url: str, report: CrawlReport) -> None:
    """axe at the desktop width, where every part of the page shows (the header's "More" menu
    folds links away on a small screen; axe passes over what is hidden); then what does not fit
    at every width in WIDTHS. The page is left at the desktop width, for the next to load at."""
    violations = check_accessibility(page)
    problems = overflow_at_widths(page, tuple(sorted(WIDTHS, reverse=True)))
    page.set_viewport_size({"width": DESKTOP, "height": HEIGHT})
    duplicated = duplicate_ids(page)
    if violations:
        report.problems.append(format_violations(violations, url))
    if duplicated:
        report.problems.append(f"{url}: ids used more than once: {', '.join(duplicated)}")
    if problems:
        report.problems.append(f"{url} does not fit the window:\n    " + "\n    ".join(problems))


def crawl(
    page: Page, base_url: str, start_paths: tuple[str, ...], *, signed_in: bool
) -> CrawlReport:
    """Breadth first from the start pages, at most MAX_DEPTH links deep and MAX_PAGES pages."""
    report = CrawlReport()
    origin = base_url.rstrip("/")
    preload_axe(page)
    # Trouble while a page loads: script errors, and its own CSS, scripts or images missing.
    page_trouble: list[str] = []

    def on_response(response: Response) -> None:
        request = response.request
        if (
            request.resource_type != "document"
            and response.status >= 400
            and is_same_origin(response.url, origin)
        ):
            page_trouble.append(f"{response.url} answered HTTP {response.status}")

    def on_request_failed(request: Request) -> None:
        if request.resource_type != "document" and load_failed(request, origin):
            page_trouble.append(f"{request.url} failed: {request.failure}")

    page.on("pageerror", lambda error: page_trouble.append(f"JavaScript error: {error}"))
    page.on("response", on_response)
    page.on("requestfailed", on_request_failed)
    # (URL, links from a start page, the page that links to it)
    queue: deque[tuple[str, int, str | None]] = deque(
        (urljoin(origin, path), 0, None) for path in start_paths
    )
    seen: set[str] = {page_key(urlsplit(url).path) for url, _, _ in queue}
    while queue and len(report.visited) < MAX_PAGES:
        url, depth, linked_from = queue.popleft()
        problems_before = len(report.problems)
        html = visit(page, url, report, signed_in=signed_in)
        if page_trouble:
            report.problems.append(f"{url}: " + "; ".join(page_trouble))
            page_trouble.clear()
        if linked_from:
            for index in range(problems_before, len(report.problems)):
                report.problems[index] += f"\n    (linked from {linked_from})"
        if not html or depth >= MAX_DEPTH:
            continue
        links = page.evaluate(LINKS_JS)
        if depth == 0:
            report.navigation.update(urlsplit(href).path for href in links["navigation"])
            report.footer.update(urlsplit(href).path for href in links["footer"])
        for href in links["navigation"] + links["footer"] + links["all"]:
            target = crawlable(href, origin)
            if target is None:
                continue
            key = page_key(urlsplit(target).path)
            if key not in seen:
                seen.add(key)
                queue.append((target, depth + 1, page.url))
    if queue:
        report.problems.append(
            f"the crawl stopped at {MAX_PAGES} pages with {len(queue)} unvisited: "
            "raise MAX_PAGES or dedupe better"
        )
    return report


@pytest.mark.parametrize("role", DEMO_ROLES)
def test_every_page_reachable_from_the_navigation_is_accessible(
    page: Page, live_server: str, role: str
) -> None:
    sign_in_as(page, live_server, role)
    report = crawl(page, live_server, ("/",), signed_in=True)

    assert report.navigation, "found no links in the header navigation (header nav a)"
    assert report.footer, "found no links in the footer"
    assert not report.problems, report.failure_message(f"signed in as {role}")
    assert not report.unreached(REACHES[role]), (
        f"{role} reached no {report.unreached(REACHES[role])}"
    )


def test_every_page_a_directorate_lead_reaches_is_accessible(
    page: Page, live_server: str, directorate_lead: str
) -> None:
    sign_in_with(page, live_server, directorate_lead)
    report = crawl(page, live_server, ("/",), signed_in=True)

    assert not report.problems, report.failure_message(f"signed in as {directorate_lead}")
    assert not report.unreached(REACHES["leader"]), report.unreached(REACHES["leader"])


def test_signed_out_pages_are_accessible(page: Page, live_server: str) -> None:
    report = crawl(page, live_server, SIGNED_OUT_PAGES, signed_in=False)

    assert not report.problems, report.failure_message("signed out")
    assert {"/sign-in", "/privacy", "/accessibility"} <= {urlsplit(u).path for u in report.visited}


@pytest.mark.parametrize(
    ("path", "button"), [("/sign-in", "Sign in"), ("/forgotten-password", "Send")]
)
def test_form_errors_are_accessible(page: Page, live_server: str, path: str, button: str) -> None:
    page.goto(f"{live_server}{path}")
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile(button)).click()

    summary = page.locator(".nhsuk-error-summary")
    assert summary.is_visible(), "submitting the empty form showed no error summary"
    assert page.title().startswith("Error: ")
    assert_accessible(page, f"{path} with errors")


def test_admin_form_errors_are_accessible(page: Page, live_server: str) -> None:
    """The longest form, with radios and checkboxes, showing its errors."""
    sign_in_as(page, live_server, "admin")
    page.goto(f"{live_server}/admin/users/new")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()

    assert page.locator(".nhsuk-error-summary").is_visible()
    assert_accessible(page, "/admin/users/new with errors")


@pytest.mark.parametrize("role", [None, "admin"])
def test_not_found_page_is_accessible(page: Page, live_server: str, role: str | None) -> None:
    if role:
        sign_in_as(page, live_server, role)
    response = page.goto(f"{live_server}/no-such-page")

    assert response is not None and response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "Page not found"
    assert_accessible(page, f"the 404 page ({role or 'signed out'})")
