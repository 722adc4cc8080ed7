"""Only one scheduler is active at a time: the one that holds the lock.

PostgreSQL: a session-level advisory lock, held on a connection of its own (outside the pool)
for as long as the process lives; if the process dies, or its machine drops off the network,
the server ends the session (TCP keepalives find a dead peer within about half a minute) and
the lock is free for a waiting scheduler. SQLite: an exclusive `flock` on a file beside the
database, which the kernel releases when the process holding it dies.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
from pathlib import Path
from typing import IO, Protocol

import sqlalchemy as sa
from sqlalchemy.pool import NullPool

log = logging.getLogger("engage.scheduler")
# "engage" in ASCII: one lock for the whole database, whatever else uses advisory locks.
ADVISORY_LOCK_KEY = 0x656E67616765


class SchedulerLock(Protocol):
    def try_acquire(self) -> bool: ...
    def still_held(self) -> bool: ...
    def release(self) -> None: ...


class PostgresAdvisoryLock:
    def __init__(self, url: str) -> None:
        self.engine = sa.create_engine(
            url,
            poolclass=NullPool,
            isolation_level="AUTOCOMMIT",
            connect_args={
                "keepalives": 1,
                "keepalives_idle": 10,
                "keepalives_interval": 5,
                "keepalives_count": 3,
                "application_name": "engage-scheduler",
            },
        )
        self.connection: sa.Connection | None = None

    def try_acquire(self) -> bool:
        try:
            if self.connection is None:
                self.connection = self.engine.connect()
            acquired = self.connection.execute(
                sa.text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_LOCK_KEY}
            ).scalar()
            return bool(acquired)
        except sa.exc.DBAPIError:
            log.warning("the database cannot be reached to take the scheduler lock")
            self._drop()
            return False

    def still_held(self) -> bool:
        if self.connection is None:
            return False
        try:
            held = self.connection.execute(
                sa.text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                    "AND pid = pg_backend_pid() AND granted "
                    "AND ((classid::bigint << 32) | objid::bigint) = :key"
                ),
                {"key": ADVISORY_LOCK_KEY},
            ).scalar()
            return bool(held)
        except sa.exc.DBAPIError:
            self._drop()
            return False

    def release(self) -> None:
        if self.connection is not None:
            # If the session is gone, its lock went with it.
            with contextlib.suppress(sa.exc.DBAPIError):
                self.connection.execute(
                    sa.text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_LOCK_KEY}
                )
        self._drop()
        self.engine.dispose()

    def _drop(self) -> None:
        if self.connection is not None:
            with contextlib.suppress(sa.exc.DBAPIError):
                self.connection.close()
            self.connection = None


class FileLock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.handle: IO[str] | None = None

    def try_acquire(self) -> bool:
        if self.handle is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        self.handle = handle
        return True

    def still_held(self) -> bool:
        return self.handle is not None

    def release(self) -> None:
        if self.handle is not None:
            fcntl.flock(self.handle, fcntl.LOCK_UN)
            self.handle.close()
            self.handle = None


def lock_for(database_url: str, instance_path: Path) -> SchedulerLock:
    if database_url.startswith("postgresql"):
        return PostgresAdvisoryLock(database_url)
    database = database_url.removeprefix("sqlite:///")
    if database_url in {"sqlite://", "sqlite:///:memory:"} or not database:
        return FileLock(instance_path / "scheduler.lock")
    return FileLock(Path(database + ".scheduler-lock"))
