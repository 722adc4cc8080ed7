"""The contract between a domain's jobs and the scheduler that runs them.

A domain declares its scheduled work in `engage/<domain>/jobs.py`:

    JOBS = [ScheduledJob("responses.escalate", CronTrigger(hour=6, timezone=LONDON),
                         run_escalation_job, "Pass overdue items up the line")]

`run(as_of)` is called inside an application context (no request) with the moment the run
is for, timezone-aware in Europe/London: the trigger's fire time (after downtime, the latest
one missed; `jobs run-due --as-of T` passes the latest fire time at or before T). It does its
work, commits (once, or once per batch), and returns counts for the log and the job-run
record ("escalated": 3). It must be idempotent: every unit of work is claimed through a unique
database row, so running it twice, or in two processes at once, does the work once. Missed
runs are coalesced into one, so a job that works by period (a week, a day) catches up every
period it missed up to `as_of` itself.

Use a `CronTrigger(..., timezone=LONDON)`: its fire times depend only on the clock, so every
process (scheduler, `run-due`, `jobs list`) agrees on when a job was due. Mail goes through
`engage.mail.services.send_mail`, in the job's transaction; the sender job delivers it.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger

LONDON = ZoneInfo("Europe/London")

JobResult = Mapping[str, int]


@dataclass(frozen=True)
class ScheduledJob:
    name: str
    trigger: BaseTrigger
    run: Callable[[datetime], JobResult]
    description: str


def discover_jobs() -> list[ScheduledJob]:
    """Every domain's `JOBS`, found by looking for `engage.<domain>.jobs` modules, so a new
    domain's jobs are scheduled without a list to keep in step."""
    jobs: list[ScheduledJob] = []
    # The engage package's folder, found without importing engage (which imports this module).
    engage_folder = str(Path(__file__).resolve().parent.parent)
    for module in sorted(pkgutil.iter_modules([engage_folder]), key=lambda m: m.name):
        if not module.ispkg:
            continue
        name = f"engage.{module.name}.jobs"
        if importlib.util.find_spec(name) is None:
            continue
        jobs.extend(importlib.import_module(name).JOBS)
    names = [job.name for job in jobs]
    duplicates = {name for name in names if names.count(name) > 1}
    if duplicates:
        raise RuntimeError(f"two scheduled jobs share a name: {sorted(duplicates)}")
    return sorted(jobs, key=lambda job: job.name)
