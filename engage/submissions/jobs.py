"""Scheduled work for ideas and concerns."""

from __future__ import annotations

from datetime import datetime

from apscheduler.triggers.cron import CronTrigger

from engage.scheduler.registry import LONDON, JobResult, ScheduledJob
from engage.submissions.storage import reshuffle_anonymous_rows


def run_anonymous_reshuffle(as_of: datetime) -> JobResult:
    """Idempotent by nature: it rewrites every anonymous row each time, so a missed night is
    caught up by the next run and two runs at once only repeat the work."""
    del as_of
    return reshuffle_anonymous_rows().as_counts()


JOBS = [
    ScheduledJob(
        "submissions.reshuffle_anonymous",
        # After midnight, so the day just ended is covered; before the early shifts start.
        CronTrigger(hour=2, minute=15, timezone=LONDON),
        run_anonymous_reshuffle,
        "Rewrite anonymous rows in a shuffled batch so the files cannot order them",
    )
]
