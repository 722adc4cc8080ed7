"""The durable outbox: every email is a row, written in the transaction that caused it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engage.extensions import db
from engage.timeutil import utcnow


class MailStatus(StrEnum):
    PENDING = "pending"  # waiting for the sender (again, after a failed attempt)
    SENDING = "sending"  # claimed by a sender until `claimed_until`
    SENT = "sent"  # accepted by the SMTP server: never sent again
    FAILED = "failed"  # gave up after the attempt limit: shown to administrators
    KEPT = "kept"  # MAIL_BACKEND=outbox: kept for the development outbox, never sent


class OutboxMessage(db.Model):  # type: ignore[name-defined,misc]
    """One email. A sender claims a row (status `sending`, a claim token and a lease) before
    it talks to SMTP, so two senders never both send it; a claim whose sender died is taken
    again after its lease, with the same Message-ID so the receiving side can drop a repeat."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'sending', 'sent', 'failed', 'kept')", name="status_is_known"
        ),
        # The sender's claim query: what is due, oldest first.
        Index("ix_outbox_messages_status_next_attempt", "status", "next_attempt_at"),
        Index("uq_outbox_messages_message_id", "message_id", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    html: Mapped[str | None] = mapped_column(Text)
    headers: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=dict)
    message_id: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(10), default=MailStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime)
    claim_token: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(String(500))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)

    @property
    def status_enum(self) -> MailStatus:
        return MailStatus(self.status)
