"""Making, copying and rolling back test databases, for the fixtures in tests/conftest.py,
tests/factories/demo.py and the browser tests."""

from __future__ import annotations

import os
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from sqlalchemy import orm

from engage.extensions import db


def worker_suffix() -> str:
    """`_gw0` in pytest-xdist's first worker, and nothing outside xdist."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    return f"_{worker}" if worker else ""


def with_database(url: str, name: str) -> str:
    """The same server and user as `url`, another database."""
    return sa.engine.make_url(url).set(database=name).render_as_string(hide_password=False)


def _maintenance_engine(server_url: str) -> sa.Engine:
    """The server's `postgres` database, which every installation has: the database the URL
    names may be the one to be created (a run without xdist on a new name)."""
    return sa.create_engine(with_database(server_url, "postgres"), isolation_level="AUTOCOMMIT")


def create_postgres_database(server_url: str, name: str, *, replace: bool = False) -> str:
    """Create database `name` on the server `server_url` points at, unless it exists (or drop
    it first, with `replace`); return its URL."""
    server = _maintenance_engine(server_url)
    try:
        with server.connect() as connection:
            if replace:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            exists = connection.execute(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            ).scalar()
            if not exists:
                connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    finally:
        server.dispose()
    return with_database(server_url, name)


def drop_postgres_database(server_url: str, name: str) -> None:
    server = _maintenance_engine(server_url)
    try:
        with server.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        server.dispose()


def reset_postgres_schema(url: str) -> None:
    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
            connection.exec_driver_sql("CREATE SCHEMA public")
    finally:
        engine.dispose()


@contextmanager
def new_database(database_url: str, folder: Path, prefix: str = "fresh") -> Iterator[str]:
    """The URL of a new, empty database of the kind `database_url` names, dropped afterwards
    (a SQLite file in `folder`, or an `engage_<prefix>_*` database on the same server)."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{folder / f'{prefix}-{secrets.token_hex(4)}.db'}"
        return
    name = f"engage_{prefix}_{secrets.token_hex(4)}"
    url = create_postgres_database(database_url, name)
    try:
        yield url
    finally:
        drop_postgres_database(database_url, name)


def copy_sqlite(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite database, write-ahead log included."""
    with (
        closing(sqlite3.connect(source)) as reader,
        closing(sqlite3.connect(target)) as writer,
    ):
        reader.backup(writer)


@contextmanager
def rolled_back(app: Flask) -> Iterator[orm.scoped_session[orm.Session]]:
    """Everything written through `db.session` inside, commits included, is rolled back."""
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
