"""Helpers for the browser tests: signing in through the real form, and axe-core checks."""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, Request

from config import TestConfig
from tests.browser.overflow import WIDTHS, overflow_at_widths

PROJECT_DIR = Path(__file__).resolve().parent.parent.parent
AXE_PATH = PROJECT_DIR / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("ENGAGE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    # Every host but the live server's is unknown: the tests never reach the internet.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
TIMEOUT_MS = 10_000

DEMO_DOMAIN = "demo.engage.nhs.uk"
DEMO_PASSWORD: str = TestConfig.DEMO_PASSWORD  # what build_demo_trust gets from app config
DEMO_ROLES = ("staff", "leader", "guardian", "admin", "board")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def elsewhere(base_url: str) -> re.Pattern[str]:
    """A pattern for every web address but the app's own, and but the data: and blob: URLs
    a page makes itself."""
    origin = re.escape(base_url.rstrip("/"))
    return re.compile(rf"^(?!{origin}([/?#]|$))(?!(data|blob):)")


def is_same_origin(url: str, base_url: str) -> bool:
    """True for the app's own URLs, and for data: and blob: URLs the page makes itself."""
    return not elsewhere(base_url).search(url)


def load_failed(request: Request, base_url: str) -> bool:
    """A request for one of the app's own resources failed (not merely cancelled because the
    page moved on, as a favicon's load is when a form redirects)."""
    failure = request.failure or ""
    return is_same_origin(request.url, base_url) and "ERR_ABORTED" not in failure


def demo_email(role: str) -> str:
    return f"{role}@{DEMO_DOMAIN}"


def sign_in_as(page: Page, base_url: str, role: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the real form as the demo user with this role; fail if refused."""
    sign_in_with(page, base_url, demo_email(role), password)


def sign_in_with(page: Page, base_url: str, email: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the real form with this email address; fail if refused."""
    page.goto(f"{base_url}/sign-in")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    if page.url.split("?")[0].endswith("/sign-in"):
        summary = page.locator(".nhsuk-error-summary")
        problem = summary.inner_text() if summary.count() else "(no error summary)"
        raise AssertionError(f"signing in as {email} failed: {problem}")


@functools.cache
def _axe_source() -> str:
    return AXE_PATH.read_text(encoding="utf-8")


def preload_axe(page: Page) -> None:
    """Put axe-core into every document the page's context opens from now on, before the
    page's own scripts: for a walk that checks every page it loads, a tenth quicker than
    sending axe's half-megabyte source over the DevTools connection once a page."""
    page.context.add_init_script(_axe_source())


_RUN_AXE_JS = """async (options) => (await window.axe.run(document, options)).violations"""


def check_accessibility(page: Page) -> list[dict[str, Any]]:
    """Run axe-core's WCAG 2.2 A and AA rules on the page as it is; return every violation
    (no rule is turned off and no finding is filtered out).

    The app's Content-Security-Policy (script-src 'self' 'nonce-...') blocks an injected
    inline <script>, so axe goes in through the DevTools protocol, which CSP does not
    govern: the page under test keeps its real CSP (no bypass_csp).
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(f"() => {{\n{_axe_source()}\n}}")
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    violations = page.evaluate(_RUN_AXE_JS, options)
    return list(violations)


# Ids used twice: a label, an error summary's link or a hint then points at the wrong field.
# (axe-core no longer checks this under WCAG 2.2, whose 4.1.1 is obsolete.)
_DUPLICATE_IDS_JS = """() => {
  const ids = Array.from(document.querySelectorAll('[id]'), (el) => el.id).filter(Boolean);
  return [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];
}"""


def duplicate_ids(page: Page) -> list[str]:
    """The ids more than one element of the page has."""
    return list(page.evaluate(_DUPLICATE_IDS_JS))


def format_violations(violations: list[dict[str, Any]], where: str = "", limit: int = 3) -> str:
    """A failure message: each rule with its impact and help, then a few offending elements."""
    if not violations:
        return ""
    lines = [f"{len(violations)} accessibility rule(s) failed{' on ' + where if where else ''}:"]
    for violation in violations:
        nodes = violation.get("nodes", [])
        lines.append(
            f"- {violation['id']} ({violation.get('impact') or 'unknown impact'}): "
            f"{violation['help']} [{len(nodes)} element(s)] {violation.get('helpUrl', '')}"
        )
        for node in nodes[:limit]:
            target = " ".join(str(part) for part in node.get("target", []))
            html = " ".join(str(node.get("html", "")).split())
            if len(html) > 200:
                html = html[:197] + "..."
            lines.append(f"    {target}: {html}")
            summary = " ".join(str(node.get("failureSummary", "")).split())
            if summary:
                lines.append(f"      {summary}")
        if len(nodes) > limit:
            lines.append(f"    ... and {len(nodes) - limit} more")
    return "\n".join(lines)


def assert_accessible(page: Page, where: str | None = None) -> None:
    """axe finds nothing on the page as it is, no id is used twice, and it fits the window at
    every width in WIDTHS (the page is put back to its size afterwards)."""
    where = where or page.url
    violations = check_accessibility(page)
    assert not violations, format_violations(violations, where)
    duplicated = duplicate_ids(page)
    assert not duplicated, f"{where}: ids used more than once: {', '.join(duplicated)}"
    size = page.viewport_size
    problems = overflow_at_widths(page, tuple(sorted(WIDTHS, reverse=True)))  # widest first
    if size is not None:
        page.set_viewport_size(size)
    assert not problems, f"{where} does not fit the window:\n" + "\n".join(problems)
