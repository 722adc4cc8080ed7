"""Browser tests: headless Chromium, driven by Playwright, against a live engage server.

The server is built once per session on a copy of the session's demo trust (SQLite), with
CSRF protection on, since the browser submits real forms. None of these fixtures depends on
the root conftest's `database_url`, so a `--db=postgresql` run leaves the browser tests out.

Playwright cannot download browsers here: it drives Debian's Chromium, /usr/bin/chromium
(override with ENGAGE_CHROMIUM).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from sqlalchemy import select
from werkzeug.serving import WSGIRequestHandler, make_server

from config import TestConfig
from engage import create_app
from engage.accounts.models import LeaderScope, User
from engage.accounts.passwords import hash_password
from engage.extensions import db
from tests.browser.support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DEMO_PASSWORD,
    TIMEOUT_MS,
    demo_email,
)
from tests.factories.databases import copy_sqlite
from tests.factories.demo import DemoTrust, demo_file, join_demo_group

BROWSER_TESTS_DIR = Path(__file__).resolve().parent


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder, present and future, is a browser test. Under pytest-xdist
    (`--dist loadgroup`) they run in one worker, with the other users of the demo trust, so
    that one browser, one live server and one seeding serve them all; the accessibility crawl
    alone has a worker of its own (tests.factories.demo.SEPARATE_GROUPS)."""
    for item in items:
        if item.path.is_relative_to(BROWSER_TESTS_DIR):
            item.add_marker(pytest.mark.browser)
            join_demo_group(item)


# -- the live server -----------------------------------------------------------------------


class _QuietRequestHandler(WSGIRequestHandler):
    """Werkzeug's handler without a log line per request (errors are still logged)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


def _buffered(app: Flask) -> Any:
    """Run each response to the end before werkzeug writes it.

    When the browser drops a connection mid-response (it abandons a favicon, say), werkzeug's
    dev server raises before it closes the response, leaking the open static file; pytest then
    fails whichever test is running with a ResourceWarning. Reading the body first, inside
    try/finally, closes every file however the connection ends.
    """

    def wsgi(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        response = app(environ, start_response)
        try:
            return list(response)
        finally:
            close = getattr(response, "close", None)
            if close is not None:
                close()

    return wsgi


def build_browser_app(database_path: Path) -> Flask:
    """engage as the browser sees it: CSRF on, on a database holding the demo trust."""
    return create_app(
        TestConfig,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{database_path}",
        WTF_CSRF_ENABLED=True,
    )


@pytest.fixture(scope="session")
def live_app(demo_sqlite: DemoTrust, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The app behind live_server, for a test that needs to look in its database. Two years of
    ideas, concerns and responses, so the crawl reaches every kind of page: a copy of the
    session's demo trust, since the browser's forms commit."""
    path = tmp_path_factory.mktemp("browser") / "browser.db"
    copy_sqlite(demo_file(demo_sqlite), path)
    app = build_browser_app(path)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def directorate_lead(live_app: Flask) -> str:
    """The email address of the demo's directorate lead over the demo ward's directorate,
    given the demo password (the demo seeds its other staff without one: they set theirs on
    first use)."""
    with live_app.app_context():
        leader = db.session.scalars(select(User).where(User.email == demo_email("leader"))).one()
        assert leader.unit is not None
        lead = db.session.scalars(
            select(User)
            .join(LeaderScope, LeaderScope.user_id == User.id)
            .where(LeaderScope.directorate_id == leader.unit.directorate_id)
            .order_by(User.id)
        ).first()
        assert lead is not None, "the demo trust has no lead for the demo ward's directorate"
        lead.password_hash = hash_password(DEMO_PASSWORD)
        db.session.commit()
        return str(lead.email)


@pytest.fixture(scope="session")
def live_server(live_app: Flask) -> Iterator[str]:
    """The base URL of the running app, like http://127.0.0.1:43121 (no trailing slash)."""
    server = make_server(
        "127.0.0.1", 0, _buffered(live_app), threaded=True, request_handler=_QuietRequestHandler
    )
    # Links in mail come from BASE_URL, never the request: point them at this server.
    live_app.config["BASE_URL"] = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, name="engage-live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


# -- the browser ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield chromium
        finally:
            chromium.close()


def _new_context(browser: Browser, base_url: str, **options: Any) -> BrowserContext:
    # The tests never reach the internet (the NHS.UK fonts on assets.nhs.uk, say): Chromium
    # finds no host but the server's (CHROMIUM_ARGS), so what a page needs from elsewhere
    # fails fast and the same way everywhere. Not Playwright's routing: it turns off the
    # browser's cache, and the pages rely on it (engage.static_files).
    context = browser.new_context(base_url=base_url, **options)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    return context


@pytest.fixture
def new_context(browser: Browser, live_server: str) -> Iterator[Any]:
    """A factory for extra contexts (say, with JavaScript off); all are closed afterwards."""
    contexts: list[BrowserContext] = []

    def factory(**options: Any) -> BrowserContext:
        context = _new_context(browser, live_server, **options)
        contexts.append(context)
        return context

    yield factory
    for context in contexts:
        context.close()


@pytest.fixture
def page(browser: Browser, live_server: str) -> Iterator[Page]:
    """A page in a fresh context, so no cookie or session leaks from one test to the next."""
    context = _new_context(browser, live_server)
    try:
        yield context.new_page()
    finally:
        context.close()
