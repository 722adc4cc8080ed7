"""Forgetting old submit tokens."""

from __future__ import annotations

from datetime import datetime, timedelta

from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import delete

from engage.extensions import db
from engage.reliability.models import SubmitToken
from engage.scheduler.registry import LONDON, JobResult, ScheduledJob

# A form left open over a weekend and sent on Monday is still guarded against a double tap;
# older tokens only matter to a page from days ago, which is sent like a new one.
KEEP_DAYS = 3


def forget_old_tokens(as_of: datetime) -> JobResult:
    """Idempotent by nature: deleting what is older than the cut-off twice deletes it once."""
    cutoff = as_of.date() - timedelta(days=KEEP_DAYS)
    result = db.session.execute(delete(SubmitToken).where(SubmitToken.created_on < cutoff))
    db.session.commit()
    return {"forgotten": int(result.rowcount or 0)}  # type: ignore[attr-defined]


JOBS = [
    ScheduledJob(
        "reliability.forget_submit_tokens",
        CronTrigger(hour=3, minute=40, timezone=LONDON),
        forget_old_tokens,
        "Forget one-time submit tokens older than three days",
    )
]
