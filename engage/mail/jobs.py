"""The mail sender runs every minute, so a password reset arrives within a minute or so; a
daily job forgets delivered mail after MAIL_KEEP_SENT_DAYS."""

from __future__ import annotations

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

JOBS = [
    ScheduledJob(
        SENDER_JOB_NAME,
        CronTrigger(minute="*", timezone=LONDON),
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
