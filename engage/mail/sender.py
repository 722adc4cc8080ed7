"""The sender: delivers the outbox over SMTP, each message once.

A sender claims a batch of due rows in one UPDATE (status `sending`, its own claim token, a
lease) and commits before it talks to SMTP, so two senders (two `jobs run-due` at once, or a
scheduler beside an operator) never claim the same row. Each message is marked `sent` in its
own commit as soon as the server accepts it. A sender that dies between the two leaves a row
`sending`: after its lease it is claimed again and sent with the same Message-ID, so the
receiving side can recognise the repeat.

Logs name messages by id only: never an address, a subject or any content.
"""

from __future__ import annotations

import logging
import secrets
import smtplib
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from flask import current_app
from sqlalchemy import ColumnElement, and_, delete, or_, select, update

from engage.extensions import db
from engage.mail.models import MailStatus, OutboxMessage
from engage.mail.services import _sender_domain
from engage.timeutil import utcnow

log = logging.getLogger(__name__)
LONGEST_WAIT = timedelta(hours=6)


def send_due(now: datetime | None = None) -> dict[str, int]:
    """Deliver every message that is due; return how many were sent, put back for a retry,
    and given up on. `now` (naive UTC) is the real clock unless a test moves it."""
    counts: Counter[str] = Counter(sent=0, retrying=0, failed=0)
    if current_app.config["MAIL_BACKEND"] != "smtp":
        return dict(counts)
    now = now or utcnow()
    batch = current_app.config["MAIL_BATCH_SIZE"]
    while True:
        claimed = _claim(now, batch)
        if claimed:
            _deliver(claimed, now, counts)
        if len(claimed) < batch:
            return dict(counts)


def _due(now: datetime) -> ColumnElement[bool]:
    waiting = and_(
        OutboxMessage.status == MailStatus.PENDING.value, OutboxMessage.next_attempt_at <= now
    )
    abandoned = and_(
        OutboxMessage.status == MailStatus.SENDING.value, OutboxMessage.claimed_until < now
    )
    return or_(waiting, abandoned)


def _claim(now: datetime, batch: int) -> list[OutboxMessage]:
    token = secrets.token_hex(16)
    lease = timedelta(seconds=current_app.config["MAIL_CLAIM_LEASE_SECONDS"])
    # SKIP LOCKED lets a second sender pass over rows the first is claiming (PostgreSQL;
    # SQLite writes one at a time anyway). The condition is repeated on the UPDATE itself:
    # PostgreSQL re-checks it on a row another sender changed meanwhile, so it cannot be
    # claimed twice.
    candidates = (
        select(OutboxMessage.id)
        .where(_due(now))
        .order_by(OutboxMessage.id)
        .limit(batch)
        .with_for_update(skip_locked=True)
    )
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(candidates.scalar_subquery()), _due(now))
        .values(
            status=MailStatus.SENDING.value,
            claim_token=token,
            claimed_until=now + lease,
            attempts=OutboxMessage.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    # populate_existing: the session may still hold these rows as they were before the claim.
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.claim_token == token)
        .order_by(OutboxMessage.id)
        .execution_options(populate_existing=True)
    )
    return list(db.session.scalars(query))


def _deliver(claimed: Sequence[OutboxMessage], now: datetime, counts: Counter[str]) -> None:
    remaining = list(claimed)
    try:
        with _smtp_connection() as smtp:
            while remaining:
                message = remaining[0]
                try:
                    smtp.send_message(_email(message))
                except smtplib.SMTPRecipientsRefused as exc:
                    code = next(iter(exc.recipients.values()))[0]
                    _failed(message, now, f"recipient refused ({code})", counts, code >= 500)
                except smtplib.SMTPResponseException as exc:
                    _failed(message, now, _describe(exc), counts, exc.smtp_code >= 500)
                else:
                    _sent(message, counts)
                remaining.pop(0)
    except (OSError, smtplib.SMTPException) as exc:
        # The server is down or went away: every message not yet sent waits for a retry.
        for message in remaining:
            _failed(message, now, _describe(exc), counts, permanent=False)


@contextmanager
def _smtp_connection() -> Iterator[smtplib.SMTP]:
    config = current_app.config
    with smtplib.SMTP(
        config["SMTP_HOST"], config["SMTP_PORT"], timeout=config["SMTP_TIMEOUT_SECONDS"]
    ) as smtp:
        if config["SMTP_STARTTLS"]:
            smtp.starttls()
        if config["SMTP_USERNAME"]:
            smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"])
        yield smtp


def _email(message: OutboxMessage) -> EmailMessage:
    email = EmailMessage()
    email["From"] = current_app.config["MAIL_FROM"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = format_datetime(message.created_at.replace(tzinfo=UTC))
    email["Message-ID"] = message.message_id or make_msgid(domain=_sender_domain())
    for name, value in (message.headers or {}).items():
        email[name] = value
    email.set_content(message.body)
    if message.html:
        email.add_alternative(message.html, subtype="html")
    return email


def _describe(exc: BaseException) -> str:
    """What went wrong, without the server's free text (it may quote the address)."""
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{type(exc).__name__} ({exc.smtp_code})"
    if isinstance(exc, OSError) and exc.strerror:
        return f"{type(exc).__name__}: {exc.strerror}"
    return type(exc).__name__


def _sent(message: OutboxMessage, counts: Counter[str]) -> None:
    _finish(message, status=MailStatus.SENT.value, sent_at=utcnow(), last_error=None)
    counts["sent"] += 1
    log.info("mail %s sent", message.id)


def _failed(
    message: OutboxMessage, now: datetime, error: str, counts: Counter[str], permanent: bool
) -> None:
    limit = current_app.config["MAIL_MAX_ATTEMPTS"]
    if permanent or message.attempts >= limit:
        _finish(message, status=MailStatus.FAILED.value, last_error=error)
        counts["failed"] += 1
        log.error("mail %s given up after %s attempts: %s", message.id, message.attempts, error)
        return
    _finish(
        message,
        status=MailStatus.PENDING.value,
        next_attempt_at=now + retry_delay(message.attempts),
        last_error=error,
    )
    counts["retrying"] += 1
    log.warning("mail %s not sent (attempt %s), retrying: %s", message.id, message.attempts, error)


def retry_delay(attempts: int) -> timedelta:
    """Exponential back-off: the base delay, doubled after each failed attempt, capped."""
    base = timedelta(seconds=current_app.config["MAIL_RETRY_BASE_SECONDS"])
    return min(base * (1 << max(attempts - 1, 0)), LONGEST_WAIT)


def _finish(message: OutboxMessage, **values: object) -> None:
    # Only while our claim holds: a sender whose lease ran out must not overwrite the row
    # that another sender has since claimed.
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message.id, OutboxMessage.claim_token == message.claim_token)
        .values(claim_token=None, claimed_until=None, **values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def prune_sent(now: datetime | None = None) -> int:
    """Delete delivered messages after MAIL_KEEP_SENT_DAYS: they carry links and names that
    need not be kept once the mail has gone."""
    cutoff = (now or utcnow()) - timedelta(days=current_app.config["MAIL_KEEP_SENT_DAYS"])
    result = db.session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.status == MailStatus.SENT.value, OutboxMessage.sent_at < cutoff
        )
    )
    db.session.commit()
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
