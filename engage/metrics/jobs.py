"""The metrics domain's scheduled work: the weekly snapshots, early on Monday in London."""

from __future__ import annotations

from datetime import datetime

from apscheduler.triggers.cron import CronTrigger

from engage.extensions import db
from engage.metrics.snapshot_runs import refresh_snapshots
from engage.scheduler.registry import LONDON, JobResult, ScheduledJob


def run_snapshot_job(as_of: datetime) -> JobResult:
    run = refresh_snapshots(as_of)
    db.session.commit()
    return {"weeks": run.weeks, "rows": run.rows, "caught_up_weeks": run.caught_up_weeks}


JOBS: list[ScheduledJob] = [
    ScheduledJob(
        "metrics.snapshots",
        CronTrigger(day_of_week="mon", hour=2, minute=0, timezone=LONDON),
        run_snapshot_job,
        "Weekly metric snapshots: the last 8 complete weeks, and any missed",
    )
]
