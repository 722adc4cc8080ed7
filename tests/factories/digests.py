"""A digest as the digest run keeps it, for pages that show one."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from flask import Flask

from engage.accounts.models import User
from engage.digests.alerts import send_due_alerts
from engage.digests.models import Digest, DigestKind, Frequency
from engage.digests.schedule import latest_period, send_moment, send_time
from engage.extensions import db
from engage.mail.sender import send_due
from engage.timeutil import utcnow


def just_after_a_weekly_send() -> datetime:
    """A minute after the latest weekly send moment, which is also a daily one: every digest
    is within its grace then, whatever the day and hour the test runs (on a Sunday the last
    weekly send is six days old; at 04:00 the last daily one is 21 hours old)."""
    when = send_time()
    weekly = latest_period(Frequency.WEEKLY, when, datetime.now(UTC))
    return send_moment(weekly.send_day, when.hour) + timedelta(minutes=1)


def make_digest(recipient: User, *, kind: DigestKind = DigestKind.STAFF) -> Digest:
    digest = Digest(
        kind=kind.value,
        recipient_id=recipient.id,
        period="weekly:2026-11-23",
        covers_from=date(2026, 11, 16),
        covers_to=date(2026, 11, 23),
        subject="Your weekly digest",
        body_text="You said, we did",
        body_html="<h1>You said, we did</h1><p>Nothing new.</p>",
    )
    db.session.add(digest)
    db.session.commit()
    return digest


def deliver_alerts_after(app: Flask, minutes: int = 16) -> None:
    """Run the alerts job as it would run `minutes` from now (coalesced updates wait 15), then
    the outbox sender, as the scheduler would: alerts are outbox rows until it delivers them."""
    with app.test_request_context():
        send_due_alerts(utcnow() + timedelta(minutes=minutes))
        send_due()
