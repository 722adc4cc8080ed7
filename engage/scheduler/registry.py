"""The contract between a domain's jobs and the scheduler that runs them.

A domain declares its scheduled work in `engage/<domain>/jobs.py`:

    JOBS = [ScheduledJob("responses.escalate", CronTrigger(hour=6, timezone=LONDON),
                         run_escalation_job, "Pass overdue items up the line")]

`run(as_of)` is called inside an application context (no request) with the moment the run
is for, timezone-aware in Europe/London. It does its work, commits once, and returns counts
for the log ("escalated": 3). It must be idempotent: every unit of work is claimed through a
unique database row, so running it twice, or in two processes at once, does the work once.
A job that works by period (a week, a day) catches up every period it missed up to `as_of`.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
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
    import engage

    jobs: list[ScheduledJob] = []
    for module in sorted(pkgutil.iter_modules(engage.__path__), key=lambda m: m.name):
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
