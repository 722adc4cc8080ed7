"""SQLite settings that make it behave like the production database where it matters."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

# Set to "BEGIN IMMEDIATE" by the scheduler and `jobs run-due`: their transactions read and
# then write, and a deferred transaction that must upgrade to a write while another process
# writes fails at once ("database is locked") instead of waiting for busy_timeout.
BEGIN_STATEMENT = {"sql": "BEGIN"}


def begin_immediately() -> None:
    BEGIN_STATEMENT["sql"] = "BEGIN IMMEDIATE"


def tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own transaction handling breaks SAVEPOINT (used by the tests and by
        # nested transactions); let SQLAlchemy emit BEGIN itself instead.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        connection.exec_driver_sql(BEGIN_STATEMENT["sql"])
