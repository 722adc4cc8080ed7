"""A digest as the digest run keeps it, for pages that show one."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Flask

from engage.accounts.models import User
from engage.digests.alerts import send_due_alerts
from engage.digests.models import Digest, DigestKind
from engage.extensions import db
from engage.mail.sender import send_due
from engage.timeutil import utcnow


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
