"""The scheduler's own housekeeping: forget old job-run records (the mail sender alone makes
1,440 a day), keeping each job's latest."""

from __future__ import annotations

from datetime import datetime, timedelta

from apscheduler.triggers.cron import CronTrigger
from flask import current_app
from sqlalchemy import delete, func, select

from engage.extensions import db
from engage.scheduler.models import JobRun
from engage.scheduler.registry import LONDON, JobResult, ScheduledJob
from engage.timeutil import utcnow


def prune_job_runs(as_of: datetime) -> JobResult:
    del as_of
    cutoff = utcnow() - timedelta(days=current_app.config["SCHEDULER_KEEP_RUNS_DAYS"])
    latest = select(func.max(JobRun.id)).group_by(JobRun.job_name)
    result = db.session.execute(
        delete(JobRun).where(JobRun.started_at < cutoff, JobRun.id.not_in(latest))
    )
    db.session.commit()
    return {"deleted": int(result.rowcount or 0)}  # type: ignore[attr-defined]


JOBS = [
    ScheduledJob(
        "scheduler.prune",
        CronTrigger(hour=3, minute=40, timezone=LONDON),
        prune_job_runs,
        "Forget job-run records older than ENGAGE_SCHEDULER_KEEP_RUNS_DAYS",
    )
]
