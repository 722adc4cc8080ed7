"""Send email only once the transaction that asked for it has committed.

A rolled-back request must not leave a message behind, so SMTP mail waits in the session
until commit. The development outbox is a table, so it simply joins the transaction.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from flask import current_app
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from engage.accounts.models import Role, User
from engage.errors import PermissionDenied
from engage.extensions import db
from engage.mail.models import OutboxMessage

log = logging.getLogger(__name__)
PENDING_KEY = "engage_pending_mail"


@dataclass(frozen=True)
class Mail:
    recipient: str
    subject: str
    body: str


def send_mail(
    recipient: str,
    subject: str,
    body: str,
    *,
    html: str | None = None,
    headers: dict[str, str] | None = None,
) -> None:
    """Queue an email in the current transaction. `body` is the plain-text part; `html` an
    optional HTML alternative; `headers` extra headers such as List-Unsubscribe."""
    del html, headers  # carried by the durable outbox (issue 8), which replaces this function
    mail = Mail(recipient=recipient, subject=subject, body=body)
    if current_app.config["MAIL_BACKEND"] == "outbox":
        db.session.add(OutboxMessage(recipient=recipient, subject=subject, body=body))
        return
    db.session.info.setdefault(PENDING_KEY, []).append((mail, _smtp_settings()))


def _smtp_settings() -> dict[str, Any]:
    config = current_app.config
    return {
        key: config[key]
        for key in (
            "MAIL_FROM",
            "SMTP_HOST",
            "SMTP_PORT",
            "SMTP_USERNAME",
            "SMTP_PASSWORD",
            "SMTP_STARTTLS",
            "SMTP_TIMEOUT_SECONDS",
        )
    }


def deliver_smtp(mail: Mail, settings: dict[str, Any]) -> None:
    message = EmailMessage()
    message["From"] = settings["MAIL_FROM"]
    message["To"] = mail.recipient
    message["Subject"] = mail.subject
    message.set_content(mail.body)
    with smtplib.SMTP(
        settings["SMTP_HOST"], settings["SMTP_PORT"], timeout=settings["SMTP_TIMEOUT_SECONDS"]
    ) as smtp:
        if settings["SMTP_STARTTLS"]:
            smtp.starttls()
        if settings["SMTP_USERNAME"]:
            smtp.login(settings["SMTP_USERNAME"], settings["SMTP_PASSWORD"])
        smtp.send_message(message)


@event.listens_for(Session, "after_commit")
def _send_pending_mail(session: Session) -> None:
    for mail, settings in session.info.pop(PENDING_KEY, []):
        try:
            deliver_smtp(mail, settings)
        except (OSError, smtplib.SMTPException):
            # The subject never carries concern content, so it is safe to log; the address is
            # not logged, so a failure cannot be joined to a person.
            log.exception("could not send mail %r", mail.subject)


@event.listens_for(Session, "after_rollback")
def _drop_pending_mail(session: Session) -> None:
    session.info.pop(PENDING_KEY, None)


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
