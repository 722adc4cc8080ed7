"""The demo trust (1,500 staff, two years of ideas, concerns and responses), seeded once per
session by the `seed-demo` command itself, for the tests that need a whole trust: the command's
own tests, the browser tests and the benchmarks. Seeding takes seconds; each test gets it in a
transaction that is rolled back (`demo_session`), or a copy of its own (the browser tests)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import Result
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import orm

from config import TestConfig
from engage import create_app
from engage.extensions import db
from tests.factories.databases import new_database, rolled_back

# Under pytest-xdist with --dist loadgroup, the tests that use the demo trust (the browser tests
# among them) run in one worker, which seeds it once.
DEMO_GROUP = "demo-trust"
# The accessibility crawl (a minute and a half: every page of seven roles at three widths) has a
# group of its own, so that it runs beside the other browser tests instead of after them in one
# worker; that costs a second seeding and a second browser, a few seconds.
SEPARATE_GROUPS = {"test_accessibility_crawl.py": "demo-crawl"}


def join_demo_group(item: pytest.Item) -> None:
    """Put the test in the demo trust's xdist group (or the crawl's).

    pytest-xdist (3.8) groups a worker's tests by appending `@<group>` to each item's
    `_nodeid`, which pytest 9 no longer reads (an item's nodeid comes from its `_id`), so
    the groups were silently ignored and every worker seeded the demo trust and started a
    browser. The suffix is added here the way pytest 9 reads it; the controller schedules by
    what follows the `@`."""
    group = SEPARATE_GROUPS.get(item.path.name, DEMO_GROUP)
    item.add_marker(pytest.mark.xdist_group(group))
    if not getattr(item.config.option, "loadgroup", False) or "@" in item.nodeid:
        return  # not an xdist worker with --dist loadgroup, or already grouped
    node_id = getattr(item, "_id", None)
    if node_id is not None and not isinstance(node_id, str):  # pytest 9's NodeId
        item._id = type(node_id).parse(f"{item.nodeid}@{group}")


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if {"demo_trust", "demo_sqlite"} & set(getattr(item, "fixturenames", ())):
            join_demo_group(item)


@dataclass(frozen=True)
class DemoTrust:
    url: str
    seeded: Result  # what `flask --app engage seed-demo` answered on the empty database


def _seed(url: str) -> DemoTrust:
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url)
    try:
        with app.app_context():
            upgrade()
        return DemoTrust(url=url, seeded=app.test_cli_runner().invoke(args=["seed-demo"]))
    finally:
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def demo_sqlite(tmp_path_factory: pytest.TempPathFactory) -> DemoTrust:
    """The demo trust in a SQLite file, whatever the run's database. Copy the file
    (tests.factories.databases.copy_sqlite) before committing anything into it."""
    folder = tmp_path_factory.mktemp("demo")
    return _seed(f"sqlite:///{folder / 'demo.db'}")


@pytest.fixture(scope="session")
def demo_trust(
    request: pytest.FixtureRequest, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DemoTrust]:
    """The demo trust in a database of the run's kind (on SQLite, the one in `demo_sqlite`)."""
    if database_url.startswith("sqlite"):
        yield request.getfixturevalue("demo_sqlite")
        return
    with new_database(database_url, tmp_path_factory.mktemp("demo"), prefix="demo") as url:
        yield _seed(url)


@pytest.fixture(scope="session")
def demo_app(demo_trust: DemoTrust) -> Iterator[Flask]:
    application = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=demo_trust.url)
    yield application
    with application.app_context():
        db.engine.dispose()


@pytest.fixture
def demo_session(demo_app: Flask) -> Iterator[orm.scoped_session[orm.Session]]:
    """The demo trust for one test: whatever the test writes is rolled back."""
    with rolled_back(demo_app) as session:
        yield session


def demo_file(demo: DemoTrust) -> Path:
    return Path(demo.url.removeprefix("sqlite:///"))
