"""The mail sender runs every minute, so a password reset arrives within a minute or so; a
daily job forgets delivered mail after MAIL_KEEP_SENT_DAYS.

ENGAGE_MAIL_SEND_EVERY_SECONDS (a divisor of 60, default 60) runs the sender more often: the
fault run (`make faults`) sends every few seconds so that its faults land mid-delivery. It is
read from the environment because the schedule is declared when this module is imported,
before any app exists; every process (scheduler, `jobs list`) reads the same setting."""

from __future__ import annotations

import os
from datetime import datetime

from apscheduler.triggers.cron import CronTrigger

from engage.mail.sender import prune_sent, send_due
from engage.scheduler.registry import LONDON, JobResult, ScheduledJob


def send_outbox(as_of: datetime) -> JobResult:
    # Mail is due on the real clock (it was written at a real moment), whatever `as_of` is.
    del as_of
    return send_due()


def prune_outbox(as_of: datetime) -> JobResult:
    del as_of
    return {"deleted": prune_sent()}


SENDER_JOB_NAME = "mail.send"


def sender_trigger(every_seconds: int) -> CronTrigger:
    """Every minute, or every `every_seconds` when that divides a minute evenly (a cron
    trigger, so every process agrees on when a run was due)."""
    if every_seconds == 60:
        return CronTrigger(minute="*", timezone=LONDON)
    if not 1 <= every_seconds < 60 or 60 % every_seconds:
        raise ValueError(
            f"ENGAGE_MAIL_SEND_EVERY_SECONDS must divide 60 evenly (got {every_seconds})"
        )
    return CronTrigger(second=f"*/{every_seconds}", timezone=LONDON)


JOBS = [
    ScheduledJob(
        SENDER_JOB_NAME,
        sender_trigger(int(os.environ.get("ENGAGE_MAIL_SEND_EVERY_SECONDS", "60"))),
        send_outbox,
        "Deliver the outbox over SMTP, with retries",
    ),
    ScheduledJob(
        "mail.prune",
        CronTrigger(hour=3, minute=30, timezone=LONDON),
        prune_outbox,
        "Forget delivered mail after MAIL_KEEP_SENT_DAYS",
    ),
]
