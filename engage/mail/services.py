"""Outgoing email goes through the durable outbox: `send_mail` only adds a row to the current
transaction, so a message exists exactly when the change that caused it was committed, and a
web request never waits on SMTP. The sender (`engage.mail.sender`, a scheduled job every
minute and the end of `flask --app engage jobs run-due`) delivers it.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import make_msgid, parseaddr

from flask import current_app
from sqlalchemy import func, select

from engage.accounts.models import Role, User
from engage.audit.services import record
from engage.errors import NotFound, PermissionDenied
from engage.extensions import db, get_by_id
from engage.mail.models import MailStatus, OutboxMessage
from engage.timeutil import utcnow

# Headers the sender writes itself; a caller may not replace them.
RESERVED_HEADERS = frozenset({"from", "to", "subject", "message-id", "date", "content-type"})


def send_mail(
    recipient: str,
    subject: str,
    body: str,
    *,
    html: str | None = None,
    headers: dict[str, str] | None = None,
) -> OutboxMessage:
    """Queue an email in the current transaction (the caller commits). `body` is the
    plain-text part; `html` an optional HTML alternative; `headers` extra headers such as
    List-Unsubscribe. With MAIL_BACKEND=outbox it is kept for the development outbox."""
    extra = dict(headers or {})
    refused = sorted(name for name in extra if name.lower() in RESERVED_HEADERS)
    if refused:
        raise ValueError(f"send_mail sets these headers itself: {refused}")
    kept = current_app.config["MAIL_BACKEND"] == "outbox"
    message = OutboxMessage(
        recipient=recipient,
        subject=subject,
        body=body,
        html=html,
        headers=extra,
        message_id=make_msgid(domain=_sender_domain()),
        status=(MailStatus.KEPT if kept else MailStatus.PENDING).value,
        attempts=0,
        next_attempt_at=None if kept else utcnow(),
    )
    db.session.add(message)
    return message


def _sender_domain() -> str:
    _name, address = parseaddr(current_app.config["MAIL_FROM"])
    return address.rpartition("@")[2] or "engage.invalid"


def outbox_messages(
    actor: User | None, from_this_computer: bool, limit: int = 100
) -> list[OutboxMessage]:
    """The development outbox. It exists only when mail is not really sent, and it holds
    password reset links: only administrators, and requests from the server's own computer
    (someone running `make run`), may read it, or any account on a demo server could be
    taken over."""
    if current_app.config["MAIL_BACKEND"] != "outbox":
        raise PermissionDenied("The outbox is only available when mail is not sent by SMTP.")
    if not from_this_computer and (actor is None or not actor.has_role(Role.ADMIN)):
        raise PermissionDenied(
            "The development outbox is open only to administrators and on the server itself."
        )
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class MailHealth:
    counts: dict[str, int]
    failed: list[OutboxMessage]


def mail_health(actor: User, limit: int = 100) -> MailHealth:
    """For administrators: how many messages wait, and the ones given up on, newest first."""
    if actor.role_enum is not Role.ADMIN:
        raise PermissionDenied("Only administrators can see undelivered mail.")
    counts = dict.fromkeys((status.value for status in MailStatus), 0)
    grouped = db.session.execute(
        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    )
    counts.update({status: int(count) for status, count in grouped})
    failed = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.status == MailStatus.FAILED.value)
        .order_by(OutboxMessage.id.desc())
        .limit(limit)
    )
    return MailHealth(counts=counts, failed=list(failed))


def retry_failed(actor: User, message_id: int) -> OutboxMessage:
    """Give a message that was given up a fresh set of attempts (once the SMTP settings or the
    address are put right). It keeps its Message-ID."""
    if actor.role_enum is not Role.ADMIN:
        raise PermissionDenied("Only administrators can send undelivered mail again.")
    message = get_by_id(OutboxMessage, message_id)
    if message is None or message.status_enum is not MailStatus.FAILED:
        raise NotFound("There is no undelivered message with that number.")
    message.status = MailStatus.PENDING.value
    message.attempts = 0
    message.next_attempt_at = utcnow()
    record(actor, "mail.retried", message, f"Undelivered message {message.id} queued again")
    db.session.commit()
    return message
