"""Scheduled work for accounts: forget database sessions past their limits."""

from __future__ import annotations

from datetime import datetime

from apscheduler.triggers.cron import CronTrigger

from engage.accounts import sessions
from engage.extensions import db
from engage.scheduler.registry import LONDON, JobResult, ScheduledJob


def purge_expired_sessions(as_of: datetime) -> JobResult:
    """Idempotent: it deletes what has already expired, so a second run finds nothing."""
    purged = sessions.purge_expired(as_of.timestamp())
    db.session.commit()
    return {"purged": purged}


JOBS: list[ScheduledJob] = [
    ScheduledJob(
        "accounts.purge_expired_sessions",
        CronTrigger(minute=7, timezone=LONDON),
        purge_expired_sessions,
        "Delete signed-in sessions past their idle or absolute limit",
    )
]
