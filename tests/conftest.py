"""Test set-up, after pypi/warehouse: each database is built once by the migrations, and each
test runs inside a transaction that is rolled back, so tests never see each other's rows.

The suite runs against SQLite and, when ENGAGE_TEST_POSTGRES_URL is set, PostgreSQL too:
every test that uses the database runs once per database. With CI=true an unreachable
PostgreSQL fails the run instead of skipping it.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
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

pytest_plugins = ["tests.factories.fixtures", "tests.factories.smtp"]

IN_CI = os.environ.get("CI", "").lower() == "true"
POSTGRES_URL = os.environ.get("ENGAGE_TEST_POSTGRES_URL", "")


def _reset_postgres_schema(url: str) -> None:
    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
            connection.exec_driver_sql("CREATE SCHEMA public")
    finally:
        engine.dispose()


def _postgres_url() -> str:
    if not POSTGRES_URL:
        if IN_CI:
            pytest.fail("CI=true but ENGAGE_TEST_POSTGRES_URL is not set")
        pytest.skip("ENGAGE_TEST_POSTGRES_URL is not set: PostgreSQL tests not run")
    url = normalise_database_url(POSTGRES_URL)
    try:
        _reset_postgres_schema(url)
    except sa.exc.OperationalError as exc:
        if IN_CI:
            pytest.fail(f"PostgreSQL at {POSTGRES_URL} is unreachable: {exc}")
        pytest.skip(f"PostgreSQL at {POSTGRES_URL} is unreachable")
    return url


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    if request.param == "sqlite":
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


@contextmanager
def _new_database(database_url: str, tmp_path: Path) -> Iterator[str]:
    """The URL of a new, empty database of the kind `database_url` names, dropped afterwards."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    name = f"engage_fresh_{secrets.token_hex(4)}"
    server = sa.create_engine(database_url, isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        yield database_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with server.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        server.dispose()


@pytest.fixture
def empty_app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """engage on a database of its own, with no schema: for tests of the migrations, and of
    transactions that must really commit."""
    with _new_database(database_url, tmp_path) as url:
        application = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url)
        yield application
        with application.app_context():
            db.engine.dispose()


@pytest.fixture
def db_session(app: Flask) -> Iterator[orm.scoped_session[orm.Session]]:
    """Everything a test writes, commits included, is rolled back at the end."""
    with app.app_context():
        engine = db.engine
    connection = engine.connect()
    outer = connection.begin()
    original = db.session
    # expire_on_commit=False: objects a test made stay readable after a request it makes
    # has committed and closed the shared session.
    session = orm.scoped_session(
        orm.sessionmaker(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
    )
    db.session = session
    try:
        yield session
    finally:
        session.remove()
        db.session = original
        outer.rollback()
        connection.close()


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
