"""What the jobs page and `jobs list` show: each job, its schedule, and its runs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import select

from engage.accounts.models import Role, User
from engage.errors import PermissionDenied
from engage.extensions import db
from engage.scheduler.models import JobRun
from engage.scheduler.registry import discover_jobs
from engage.scheduler.runner import ONE_MICROSECOND, from_utc_naive

DAY_NAMES = {
    "mon": "Monday",
    "tue": "Tuesday",
    "wed": "Wednesday",
    "thu": "Thursday",
    "fri": "Friday",
    "sat": "Saturday",
    "sun": "Sunday",
}


@dataclass(frozen=True)
class JobStatus:
    name: str
    description: str
    schedule: str
    next_run: datetime | None
    last_run: JobRun | None

    @property
    def last_run_text(self) -> str:
        run = self.last_run
        if run is None:
            return "never"
        moment = f"{from_utc_naive(run.scheduled_for):%Y-%m-%d %H:%M %Z}"
        counts = ", ".join(f"{key} {value}" for key, value in sorted(run.counts.items()))
        error = f", {run.error}" if run.error else ""
        return f"{moment}: {run.outcome}{error}" + (f" ({counts})" if counts else "")


def describe_schedule(trigger: BaseTrigger) -> str:
    """A cron trigger in words ("every day at 06:00"), for people rather than crontab."""
    if not isinstance(trigger, CronTrigger):
        return str(trigger)
    fields = {field.name: str(field) for field in trigger.fields}
    hour, minute, second = fields["hour"], fields["minute"], fields["second"]
    if second.startswith("*/") and second[2:].isdigit():
        return f"every {int(second[2:])} seconds"
    if minute == "*":
        return "every minute"
    if hour == "*" and minute.startswith("*/") and minute[2:].isdigit():
        return f"every {int(minute[2:])} minutes"
    if hour == "*" and minute.isdigit():
        return f"every hour at {int(minute):02d} minutes past"
    at = f"{int(hour):02d}:{int(minute):02d}" if hour.isdigit() and minute.isdigit() else ""
    if not at:
        return str(trigger)
    weekday, day = fields["day_of_week"], fields["day"]
    if weekday != "*" and day == "*":
        return f"every {DAY_NAMES.get(weekday, weekday)} at {at}"
    if day != "*":
        return f"on day {day} of the month at {at}"
    return f"every day at {at}"


def job_statuses(now: datetime, actor: User | None = None) -> list[JobStatus]:
    """Every job with its last run (one query for all of them). `actor` is the person asking
    on the jobs page; the command line (an operator on the server) passes none."""
    if actor is not None and actor.role_enum is not Role.ADMIN:
        raise PermissionDenied("Only administrators can see the scheduled jobs.")
    jobs = discover_jobs()
    runs = {job.name: _last_run(job.name) for job in jobs}
    return [
        JobStatus(
            name=job.name,
            description=job.description,
            schedule=describe_schedule(job.trigger),
            next_run=job.trigger.get_next_fire_time(None, now + ONE_MICROSECOND),
            last_run=runs.get(job.name),
        )
        for job in jobs
    ]


def _last_run(job_name: str) -> JobRun | None:
    # One short index lookup per job (ix_job_runs_job_scheduled), whatever the history.
    query = (
        select(JobRun)
        .where(JobRun.job_name == job_name)
        .order_by(JobRun.scheduled_for.desc(), JobRun.id.desc())
        .limit(1)
    )
    return db.session.scalar(query)


def recent_runs(actor: User, limit: int = 50) -> list[JobRun]:
    if actor.role_enum is not Role.ADMIN:
        raise PermissionDenied("Only administrators can see the scheduled jobs.")
    query = select(JobRun).order_by(JobRun.started_at.desc(), JobRun.id.desc()).limit(limit)
    return list(db.session.scalars(query))
