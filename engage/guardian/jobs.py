"""Scheduled work: asking, some months after a case closed, whether the person has suffered
detriment for speaking up. Run daily; idempotent (each case is claimed by a conditional
UPDATE of detriment_asked_on) and it catches up every case that fell due while it did not run."""

from __future__ import annotations

from datetime import datetime

from apscheduler.triggers.cron import CronTrigger

from engage.guardian.feedback import send_due_detriment_questions
from engage.scheduler.registry import LONDON, JobResult, ScheduledJob


def run_detriment_questions(as_of: datetime) -> JobResult:
    return {"asked": send_due_detriment_questions(as_of.astimezone(LONDON).date())}


JOBS: list[ScheduledJob] = [
    ScheduledJob(
        "guardian.detriment_question",
        CronTrigger(hour=9, minute=30, timezone=LONDON),
        run_detriment_questions,
        "Ask closed Freedom to Speak Up cases whether the person has suffered detriment",
    )
]
