"""Escalation runs every morning at 06:00 Europe/London, before the working day."""

from __future__ import annotations

from datetime import datetime

from apscheduler.triggers.cron import CronTrigger

from engage.responses.escalation import escalate_overdue
from engage.scheduler.registry import LONDON, JobResult, ScheduledJob


def escalate(as_of: datetime) -> JobResult:
    # Clocks count whole days, so the run is for the day in London; a run that was missed
    # is caught up by the next, which escalates everything overdue by then.
    return dict(escalate_overdue(as_of.astimezone(LONDON).date()))


ESCALATION_JOB_NAME = "responses.escalate"

JOBS = [
    ScheduledJob(
        ESCALATION_JOB_NAME,
        CronTrigger(hour=6, minute=0, timezone=LONDON),
        escalate,
        "Pass overdue ideas and concerns up the line",
    )
]
