"""Running jobs: when each is due, running one with its record, and `run-due`.

Times: triggers work in Europe/London; `scheduled_for` is stored as naive UTC like every
other timestamp, so a run's moment is unambiguous across the October and March changes.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from apscheduler.triggers.base import BaseTrigger
from flask import current_app
from sqlalchemy import func, select, update

from engage.errors import describe_for_log
from engage.extensions import db
from engage.scheduler.models import JobRun, RunOutcome
from engage.scheduler.registry import LONDON, ScheduledJob
from engage.timeutil import utcnow

log = logging.getLogger("engage.scheduler")
RUNNER = f"{socket.gethostname()}:{os.getpid()}"[:100]
ONE_MICROSECOND = timedelta(microseconds=1)
# How far back to look for a trigger's last fire time: a minute, a day, a week, a month, a
# year; the first window that holds one decides, so a frequent job costs a step or two.
LOOK_BACK = (
    timedelta(minutes=2),
    timedelta(days=2),
    timedelta(days=9),
    timedelta(days=40),
    timedelta(days=400),
)
MISSED_COUNT_LIMIT = 1000


def london(moment: datetime) -> datetime:
    """A naive time typed by an operator is London time; an aware one is converted."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=LONDON)
    return moment.astimezone(LONDON)


def to_utc_naive(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


def from_utc_naive(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC).astimezone(LONDON)


def fire_times(trigger: BaseTrigger, after: datetime, until: datetime) -> Iterable[datetime]:
    """The trigger's fire times in (after, until]."""
    moment = trigger.get_next_fire_time(None, after + ONE_MICROSECOND)
    while moment is not None and moment <= until:
        yield moment
        moment = trigger.get_next_fire_time(moment, moment + ONE_MICROSECOND)


def latest_fire_time(trigger: BaseTrigger, at: datetime) -> datetime | None:
    """The last moment at or before `at` when the trigger fired."""
    for window in LOOK_BACK:
        latest = None
        for moment in fire_times(trigger, at - window, at):
            latest = moment
        if latest is not None:
            return latest
    return None


def last_successful_run(job_name: str) -> datetime | None:
    """The latest moment a run of the job succeeded for (Europe/London)."""
    latest = db.session.scalar(
        select(func.max(JobRun.scheduled_for)).where(
            JobRun.job_name == job_name, JobRun.outcome == RunOutcome.SUCCEEDED.value
        )
    )
    return from_utc_naive(latest) if latest is not None else None


@dataclass(frozen=True)
class DueRun:
    job: ScheduledJob
    scheduled_for: datetime  # Europe/London
    last_success: datetime | None
    missed: int  # fire times without a successful run, this one included

    @property
    def catching_up(self) -> bool:
        return self.missed > 1


def due_runs(jobs: Sequence[ScheduledJob], as_of: datetime) -> list[DueRun]:
    """The jobs due at `as_of`: those whose last fire time has no successful run yet. Each
    runs once, for that last fire time; a job that works by period catches up the periods
    before it itself (the registry's contract), so missed runs are coalesced into one."""
    as_of = london(as_of)
    due = []
    for job in jobs:
        fire = latest_fire_time(job.trigger, as_of)
        if fire is None:
            continue
        last = last_successful_run(job.name)
        if last is not None and last >= fire:
            continue
        missed = 1
        if last is not None:
            missed = 0
            for _moment in fire_times(job.trigger, last, fire):
                missed += 1
                if missed > MISSED_COUNT_LIMIT:
                    break
        due.append(DueRun(job=job, scheduled_for=fire, last_success=last, missed=missed))
    return due


def describe_due(run: DueRun) -> str:
    if run.last_success is None:
        return f"{run.job.name} has never run: running it for {run.scheduled_for:%Y-%m-%d %H:%M}"
    many = "more than " if run.missed > MISSED_COUNT_LIMIT else ""
    return (
        f"catching up {run.job.name}: {many}{min(run.missed, MISSED_COUNT_LIMIT)} runs missed "
        f"since {run.last_success:%Y-%m-%d %H:%M}, running once for "
        f"{run.scheduled_for:%Y-%m-%d %H:%M}"
    )


@dataclass(frozen=True)
class RunSummary:
    """What a run did, read back from its record: plain values, which stay readable after a
    job closes the session (the ORM row would not)."""

    job_name: str
    scheduled_for: datetime
    outcome: str
    counts: dict[str, int]
    error: str | None
    finished_at: datetime | None


def run_job(job: ScheduledJob, scheduled_for: datetime) -> RunSummary:
    """Run one job for one moment, recording its start, end, outcome and counts. A failure is
    recorded and logged, never raised: one job's failure must not stop the others."""
    scheduled_for = london(scheduled_for)
    run = JobRun(
        job_name=job.name,
        scheduled_for=to_utc_naive(scheduled_for),
        started_at=utcnow(),
        outcome=RunOutcome.RUNNING.value,
        counts={},
        runner=RUNNER,
    )
    db.session.add(run)
    db.session.commit()
    run_id = run.id
    log.info("job %s started (for %s)", job.name, f"{scheduled_for:%Y-%m-%d %H:%M %Z}")
    started = time.monotonic()
    try:
        with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
            counts = {key: int(value) for key, value in job.run(scheduled_for).items()}
    except Exception as exc:
        db.session.rollback()
        _finish(run_id, RunOutcome.FAILED, {}, type(exc).__name__)
        log.error("job %s failed\n%s", job.name, describe_for_log(exc))
    else:
        _finish(run_id, RunOutcome.SUCCEEDED, counts, None)
        summary = ", ".join(f"{key} {value}" for key, value in sorted(counts.items()))
        log.info(
            "job %s finished in %.1f s: %s",
            job.name,
            time.monotonic() - started,
            summary or "nothing to report",
        )
    recorded = db.session.get(JobRun, run_id, populate_existing=True)
    assert recorded is not None
    return RunSummary(
        job_name=recorded.job_name,
        scheduled_for=recorded.scheduled_for,
        outcome=recorded.outcome,
        counts=dict(recorded.counts),
        error=recorded.error,
        finished_at=recorded.finished_at,
    )


def _finish(run_id: int, outcome: RunOutcome, counts: dict[str, int], error: str | None) -> None:
    db.session.execute(
        update(JobRun)
        .where(JobRun.id == run_id)
        .values(outcome=outcome.value, counts=counts, error=error, finished_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def run_due(as_of: datetime, jobs: Sequence[ScheduledJob] | None = None) -> list[RunSummary]:
    """Every job due at `as_of`, then the mail sender, so that what the jobs wrote to the
    outbox goes out before the command ends."""
    from engage.mail.jobs import SENDER_JOB_NAME
    from engage.scheduler.registry import discover_jobs

    jobs = list(discover_jobs() if jobs is None else jobs)
    runs = []
    for due in due_runs(jobs, as_of):
        if due.job.name == SENDER_JOB_NAME:
            continue
        if due.catching_up:
            log.info("%s", describe_due(due))
        runs.append(run_job(due.job, due.scheduled_for))
    sender = next((job for job in jobs if job.name == SENDER_JOB_NAME), None)
    if sender is not None:
        fire = latest_fire_time(sender.trigger, london(as_of)) or london(as_of)
        runs.append(run_job(sender, fire))
    return runs
