"""Test set-up, after pypi/warehouse: each database is built once by the migrations, and each
test runs inside a transaction that is rolled back, so tests never see each other's rows.

One run tests one database, chosen on the command line: `--db=sqlite` (the default) or
`--db=postgresql` (the server named by ENGAGE_TEST_POSTGRES_URL). A PostgreSQL run runs only
the tests that use the database; the rest do not depend on it and ran on SQLite. With CI=true
an unreachable PostgreSQL fails the run instead of skipping it.

Under pytest-xdist each worker has a database of its own: a SQLite file in the worker's
temporary folder, or on PostgreSQL the database named in the URL with the worker's id added
(`engage_test_gw0`), created when missing.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import orm

from config import TestConfig, normalise_database_url
from engage import create_app
from engage.extensions import db
from engage.ratelimits import limiter_for
from tests.factories.databases import (
    create_postgres_database,
    new_database,
    reset_postgres_schema,
    rolled_back,
    worker_suffix,
)

pytest_plugins = ["tests.factories.fixtures", "tests.factories.smtp", "tests.factories.demo"]

IN_CI = os.environ.get("CI", "").lower() == "true"
POSTGRES_URL = os.environ.get("ENGAGE_TEST_POSTGRES_URL", "")
DATABASES = ("sqlite", "postgresql")
REDIS_URL = os.environ.get("ENGAGE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db",
        choices=DATABASES,
        default="sqlite",
        help="the database the tests run against (default sqlite; postgresql needs "
        "ENGAGE_TEST_POSTGRES_URL)",
    )


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("db") == "postgresql" and not POSTGRES_URL:
        raise pytest.UsageError(
            "--db=postgresql needs ENGAGE_TEST_POSTGRES_URL, for example "
            "postgresql://postgres@127.0.0.1:5432/test"
        )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A PostgreSQL run keeps only the tests that use the database; a SQLite run skips, with
    the reason, the few that only PostgreSQL can run."""
    if config.getoption("db") == "postgresql":
        kept = [item for item in items if "database_url" in getattr(item, "fixturenames", ())]
        dropped = [item for item in items if item not in kept]
        if dropped:
            config.hook.pytest_deselected(items=dropped)
            items[:] = kept
        return
    for item in items:
        marker = item.get_closest_marker("postgres_only")
        if marker is not None:
            why = marker.kwargs.get("reason", "")
            item.add_marker(pytest.mark.skip(reason=f"needs --db=postgresql: {why}".strip(" :")))


def _postgres_url() -> str:
    base = normalise_database_url(POSTGRES_URL)
    name = f"{sa.engine.make_url(base).database}{worker_suffix()}"
    try:
        url = create_postgres_database(base, name)  # the worker's own, created when missing
        reset_postgres_schema(url)
    except sa.exc.OperationalError as exc:
        if IN_CI:
            pytest.fail(f"PostgreSQL at {POSTGRES_URL} is unreachable: {exc}")
        pytest.skip(f"PostgreSQL at {POSTGRES_URL} is unreachable")
    return url


@pytest.fixture(scope="session")
def database_url(pytestconfig: pytest.Config, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The URL of this run's (and this worker's) test database; its schema is rebuilt."""
    if pytestconfig.getoption("db") == "sqlite":
        return "sqlite:///" + str(tmp_path_factory.mktemp("sqlite") / "engage-test.db")
    return _postgres_url()


@pytest.fixture(scope="session")
def app(database_url: str) -> Iterator[Flask]:
    # No application context stays pushed: requests from the test client must each get their
    # own, as in production (a shared one would carry `g` from request to request).
    application = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url)
    with application.app_context():
        upgrade()  # the schema comes from the migrations, as in production
    yield application
    with application.app_context():
        db.engine.dispose()


@pytest.fixture
def empty_app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """engage on a database of its own, with no schema: for tests of the migrations, and of
    transactions that must really commit."""
    with new_database(database_url, tmp_path) as url:
        application = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url)
        yield application
        with application.app_context():
            db.engine.dispose()


@pytest.fixture
def db_session(app: Flask) -> Iterator[orm.scoped_session[orm.Session]]:
    """Everything a test writes, commits included, is rolled back at the end."""
    with rolled_back(app) as session:
        yield session


@dataclass(frozen=True)
class RedisTarget:
    url: str
    prefix: str


@pytest.fixture
def redis_target() -> Iterator[RedisTarget]:
    """Redis for the tests of what production keeps there (rate limits, sessions), under a
    key prefix of this test's own, removed afterwards. Unreachable: skipped, or failed in CI."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        client.close()
        if IN_CI:
            pytest.fail(f"Redis at {REDIS_URL} is unreachable")
        pytest.skip(f"Redis at {REDIS_URL} is unreachable")
    prefix = f"engage-test-{secrets.token_hex(6)}"
    try:
        yield RedisTarget(REDIS_URL, prefix)
    finally:
        for key in client.scan_iter(match=f"{prefix}*"):
            client.delete(key)
        client.close()


@pytest.fixture(autouse=True)
def fresh_rate_limits(request: pytest.FixtureRequest) -> None:
    """Every test starts with no rate-limit counts: they live in the session-wide app's memory,
    and every test client comes from the same address."""
    if "app" in request.fixturenames:
        limiter_for(request.getfixturevalue("app")).reset()


@pytest.fixture
def app_context(app: Flask, db_session: orm.scoped_session[orm.Session]) -> Iterator[None]:
    """For tests that call services directly, outside a request."""
    with app.test_request_context():
        yield


@pytest.fixture
def client(app: Flask, db_session: orm.scoped_session[orm.Session]) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def project_dir() -> Path:
    return Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _forget_throttled_tries(request: pytest.FixtureRequest) -> Iterator[None]:
    """Failed follow-up tries are counted outside the database (engage.throttle), in memory
    here: forget them after each test, as the rollback forgets its rows."""
    yield
    if "app" in request.fixturenames:
        from engage.throttle import forget_everything

        application = request.getfixturevalue("app")
        with application.app_context():
            forget_everything()
