"""Who wants to be told what, and how often; the alerts waiting to go; the digests sent.

Absent preference rows mean the role's default (see `preferences`), so a new user needs no
set-up and a change of defaults reaches everyone who never chose.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from engage.extensions import RANDOM_ID_TYPE, db, random_id
from engage.timeutil import utcnow


class AlertKind(StrEnum):
    NEW_IDEA = "new_idea"
    NEW_CONCERN = "new_concern"
    ESCALATION = "escalation"
    UPDATE = "update"  # on an idea or concern the person raised

    @property
    def label(self) -> str:
        return ALERT_LABELS[self]


ALERT_LABELS = {
    AlertKind.NEW_IDEA: "A new idea in your area",
    AlertKind.NEW_CONCERN: "A new concern for you to handle",
    AlertKind.ESCALATION: "An overdue item passed to you",
    AlertKind.UPDATE: "An update on something you raised",
}


class Delivery(StrEnum):
    IMMEDIATE = "immediate"
    DAILY = "daily"
    WEEKLY = "weekly"


class DigestKind(StrEnum):
    LEADER = "leader"
    GUARDIAN = "guardian"
    STAFF = "staff"

    @property
    def label(self) -> str:
        return DIGEST_LABELS[self]


DIGEST_LABELS = {
    DigestKind.LEADER: "Leader's digest: your units' items, clocks and actions",
    DigestKind.GUARDIAN: "Guardian's digest: concerns, escalations and items waiting",
    DigestKind.STAFF: "You said, we did: outcomes near you and updates on what you raised",
}


class Frequency(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"


class NotificationPreference(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "notification_preferences"
    __table_args__ = (
        UniqueConstraint("user_id", "kind", name="uq_notification_preferences_user_kind"),
        CheckConstraint("delivery IN ('immediate', 'daily', 'weekly')", name="delivery_is_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    delivery: Mapped[str] = mapped_column(String(10))


class PendingAlert(db.Model):  # type: ignore[name-defined,misc]
    """An alert waiting for its moment. Alerts about new items carry no submission and no
    creation time: only when they are due, which for anonymous items is the next morning, so
    nothing here dates an anonymous submission more finely than its day."""

    __tablename__ = "pending_alerts"
    __table_args__ = (Index("ix_pending_alerts_due_at", "due_at"),)

    # Random, like a submission's: a sequence would place an anonymous item's alert between
    # others whose times are known.
    id: Mapped[int] = mapped_column(
        RANDOM_ID_TYPE, primary_key=True, autoincrement=False, default=random_id
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    # Only for updates on the person's own (never anonymous) items, to name their references.
    submission_id: Mapped[int | None] = mapped_column(
        RANDOM_ID_TYPE, ForeignKey("submissions.id", ondelete="CASCADE")
    )
    due_at: Mapped[datetime] = mapped_column(DateTime)  # UTC, naive like every stored time


class DigestSubscription(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "digest_subscriptions"
    __table_args__ = (
        UniqueConstraint("user_id", "kind", name="uq_digest_subscriptions_user_kind"),
        CheckConstraint("frequency IN ('daily', 'weekly', 'monthly')", name="frequency_is_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))
    enabled: Mapped[bool] = mapped_column(default=True)
    frequency: Mapped[str] = mapped_column(String(10))


class Digest(db.Model):  # type: ignore[name-defined,misc]
    """A digest as sent, kept for "My digests". The unique (kind, recipient, period) row is
    the claim: a second run, or a second process, cannot insert it again, so sends nothing."""

    __tablename__ = "digests"
    __table_args__ = (
        UniqueConstraint("kind", "recipient_id", "period", name="uq_digests_kind_recipient_period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    recipient_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    # "daily:2026-11-23", "weekly:2026-11-23" or "monthly:2026-11": the local send day.
    period: Mapped[str] = mapped_column(String(24))
    covers_from: Mapped[date] = mapped_column(Date)
    covers_to: Mapped[date] = mapped_column(Date)
    subject: Mapped[str] = mapped_column(String(200))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)  # the content, without the email's wrapper
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class TrustSetting(db.Model):  # type: ignore[name-defined,misc]
    """A setting the trust's administrators change in the app; the environment gives defaults."""

    __tablename__ = "trust_settings"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
