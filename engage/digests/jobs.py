"""The digests' scheduled work: alerts every minute, digests every quarter of an hour.

Digests run often rather than at a fixed hour because the send day and hour are the trust's
to change in the app; each run works out which periods are due and claims them, so the
extra runs send nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime

from apscheduler.triggers.cron import CronTrigger

from engage.digests.alerts import send_due_alerts
from engage.digests.sending import run_digests
from engage.scheduler.registry import LONDON, JobResult, ScheduledJob


def _alerts(as_of: datetime) -> JobResult:
    return send_due_alerts(as_of.astimezone(UTC).replace(tzinfo=None))


def _digests(as_of: datetime) -> JobResult:
    return run_digests(as_of)


JOBS = [
    ScheduledJob(
        "digests.alerts",
        CronTrigger(minute="*", timezone=LONDON),
        _alerts,
        "Send alerts that are due: new items, escalations, coalesced updates",
    ),
    ScheduledJob(
        "digests.send",
        CronTrigger(minute="*/15", timezone=LONDON),
        _digests,
        "Send the leaders', guardians' and staff digests due for this period",
    ),
]
