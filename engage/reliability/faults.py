"""Database faults: a lost connection is retried where that is safe, a database that cannot
be reached is answered with a 503 "try again" page, never a 500, and a connection lost after
the answer was ready does not turn it into a 500."""

from __future__ import annotations

import contextlib
import functools
import time
from collections.abc import Callable
from typing import Any

from flask import Flask, request
from sqlalchemy.exc import DBAPIError, OperationalError

from engage.extensions import db
from engage.reliability.once import FIELD

ATTEMPTS = 3  # the first try and two retries
BACKOFF_SECONDS = 0.2


def database_unreachable(error: BaseException) -> bool:
    """True for a lost or refused connection (a PostgreSQL restart, a failover, a wrong
    port), and for SQLite's "database is locked" after its busy timeout: all of them pass,
    and the transaction was rolled back, so nothing was half-written."""
    if isinstance(error, OperationalError):
        return True
    return isinstance(error, DBAPIError) and bool(error.connection_invalidated)


def _safe_to_retry() -> bool:
    """A read can always run again. A POST can when it carries a one-time token: if its
    commit did land before the connection was lost, the retry finds the token claimed and
    answers with the first result instead of creating again. Any other POST is not retried
    (its commit may have landed), and gets the 503 page."""
    return request.method in {"GET", "HEAD"} or bool(request.form.get(FIELD))


def _retrying(view: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(view)
    def run(*args: Any, **kwargs: Any) -> Any:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return view(*args, **kwargs)
            except DBAPIError as error:
                if attempt == ATTEMPTS or not database_unreachable(error):
                    raise
                if not _safe_to_retry():
                    raise
                db.session.rollback()  # a fresh transaction, on a fresh (pre-pinged) connection
                time.sleep(BACKOFF_SECONDS * attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    return run


def retry_lost_connections(app: Flask) -> None:
    """Wrap every view (call after the blueprints are registered)."""
    for endpoint, view in list(app.view_functions.items()):
        if endpoint != "static":
            app.view_functions[endpoint] = _retrying(view)


def close_sessions_quietly(app: Flask) -> None:
    """End each request's session, even when its connection was lost after the view had
    answered (PostgreSQL restarting between the last query and the end of the request).
    Closing rolls back the open read transaction; on a dead connection that rollback fails,
    and the failure, raised while Flask tears the request down, would replace a finished
    page with gunicorn's bare 500. The server has already abandoned that transaction, so the
    connection is dropped from the pool instead. Registered after Flask-SQLAlchemy's own
    teardown, so it runs first and leaves that one nothing to do."""

    @app.teardown_appcontext
    def close_session(error: BaseException | None) -> None:
        try:
            db.session.close()
        except DBAPIError as lost:
            if not database_unreachable(lost):
                raise
            app.logger.warning("database connection lost while ending a request")
            with contextlib.suppress(DBAPIError):
                db.session().invalidate()
