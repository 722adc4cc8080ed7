"""Telling a database that cannot be reached from a bug: the first is a 503 "try again"."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, OperationalError


def database_unreachable(error: BaseException) -> bool:
    """True for a lost or refused connection (a PostgreSQL restart, a failover, a wrong
    port), and for SQLite's "database is locked" after its busy timeout: all of them pass,
    and the transaction was rolled back, so nothing was half-written."""
    if isinstance(error, OperationalError):
        return True
    return isinstance(error, DBAPIError) and bool(error.connection_invalidated)
