from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.accounts.models import User
from engage.extensions import RANDOM_ID_TYPE, db
from engage.organisation.models import Unit
from engage.submissions.models import Submission, Theme

SUMMARY_MAX = 600


class Outcome(StrEnum):
    ADOPT = "adopt"
    ADAPT = "adapt"
    PILOT = "pilot"
    NOT_TAKEN_FORWARD = "not_taken_forward"
    ALREADY_IN_HAND = "already_in_hand"

    @property
    def label(self) -> str:
        return OUTCOME_LABELS[self]


OUTCOME_LABELS = {
    Outcome.ADOPT: "Adopt it",
    Outcome.ADAPT: "Adapt it",
    Outcome.PILOT: "Pilot it",
    Outcome.NOT_TAKEN_FORWARD: "Not taken forward",
    Outcome.ALREADY_IN_HAND: "Already in hand",
}


class ActionStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"

    @property
    def label(self) -> str:
        return ACTION_STATUS_LABELS[self]


ACTION_STATUS_LABELS = {
    ActionStatus.PLANNED: "Planned",
    ActionStatus.IN_PROGRESS: "In progress",
    ActionStatus.DONE: "Done",
    ActionStatus.DROPPED: "Dropped",
}


class Decision(db.Model):  # type: ignore[name-defined,misc]
    """What the handler decided about a submission, and what they told the submitter."""

    __tablename__ = "decisions"
    __table_args__ = (
        CheckConstraint(
            "outcome IN ('adopt', 'adapt', 'pilot', 'not_taken_forward', 'already_in_hand')",
            name="outcome_is_known",
        ),
        CheckConstraint(
            "outcome <> 'not_taken_forward' OR reason IS NOT NULL", name="refusal_has_reason"
        ),
        CheckConstraint(
            "outcome <> 'already_in_hand' OR existing_action_id IS NOT NULL",
            name="in_hand_names_the_action",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        RANDOM_ID_TYPE, ForeignKey("submissions.id", ondelete="CASCADE"), unique=True
    )
    outcome: Mapped[str] = mapped_column(String(20))
    response: Mapped[str] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    existing_action_id: Mapped[int | None] = mapped_column(
        ForeignKey("actions.id", ondelete="SET NULL")
    )
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_on: Mapped[date] = mapped_column(Date)
    decided_at: Mapped[datetime] = mapped_column(DateTime)

    submission: Mapped[Submission] = relationship()
    decided_by: Mapped[User | None] = relationship()
    # The decider's signature as it was when they decided (engage.submissions.signatures): the
    # panel's "by Sam Jones (Leader, Ward 9)" does not change when they move on.
    signed_as: Mapped[str | None] = mapped_column(String(300))
    existing_action: Mapped[Action | None] = relationship(foreign_keys=[existing_action_id])

    @property
    def outcome_enum(self) -> Outcome:
        return Outcome(self.outcome)


class Action(db.Model):  # type: ignore[name-defined,misc]
    """Something that will be done, with an owner, a due date and progress. Actions can sit
    under a parent action, whose progress is the average of its children's."""

    __tablename__ = "actions"
    __table_args__ = (
        CheckConstraint("progress >= 0 AND progress <= 100", name="progress_is_a_percentage"),
        CheckConstraint(
            "status IN ('planned', 'in_progress', 'done', 'dropped')", name="status_is_known"
        ),
        CheckConstraint(
            "status <> 'dropped' OR dropped_reason IS NOT NULL", name="dropped_has_reason"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        RANDOM_ID_TYPE, ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("actions.id", ondelete="CASCADE"), index=True
    )
    description: Mapped[str] = mapped_column(String(500))
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    due_on: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(20), default=ActionStatus.PLANNED.value)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    dropped_reason: Mapped[str | None] = mapped_column(String(500))
    completed_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)

    submission: Mapped[Submission] = relationship()
    owner: Mapped[User | None] = relationship(lazy="joined")
    parent: Mapped[Action | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Action]] = relationship(back_populates="parent", order_by="Action.id")

    @property
    def status_enum(self) -> ActionStatus:
        return ActionStatus(self.status)

    @property
    def is_open(self) -> bool:
        return self.status_enum in (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)


class Publication(db.Model):  # type: ignore[name-defined,misc]
    """A "You said, we did" entry on the unit's and directorate's boards."""

    __tablename__ = "publications"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        RANDOM_ID_TYPE, ForeignKey("submissions.id", ondelete="CASCADE"), unique=True
    )
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id"), index=True)
    you_said: Mapped[str] = mapped_column(String(SUMMARY_MAX))
    we_did: Mapped[str] = mapped_column(String(SUMMARY_MAX))
    published_on: Mapped[date] = mapped_column(Date, index=True)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    unit: Mapped[Unit] = relationship(lazy="joined")
    theme: Mapped[Theme] = relationship(lazy="joined")
    submission: Mapped[Submission] = relationship()


class EscalationStatus(StrEnum):
    SENT = "sent"  # told the people in `recipients`
    UNROUTED = "unrouted"  # there was no one to tell: reported to administrators, retried


ESCALATION_LEVEL_LABELS = {
    "directorate": "the directorate's leads",
    "guardian": "the Freedom to Speak Up guardian",
}

escalation_recipients = Table(
    "escalation_recipients",
    db.metadata,
    Column(
        "escalation_id",
        ForeignKey("escalations.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Escalation(db.Model):  # type: ignore[name-defined,misc]
    """An overdue clock passed up the line. One row per submission, clock and level: the
    unique constraint is what makes running the escalation job twice harmless. A row whose
    level had no one to tell is `unrouted` (never recorded as sent): administrators see it,
    and each run tries it again until someone can be told."""

    __tablename__ = "escalations"
    __table_args__ = (
        UniqueConstraint("submission_id", "clock", "level", name="uq_escalations_once"),
        CheckConstraint("clock IN ('acknowledge', 'decide')", name="clock_is_known"),
        CheckConstraint("level IN ('directorate', 'guardian')", name="level_is_known"),
        CheckConstraint("status IN ('sent', 'unrouted')", name="status_is_known"),
        Index("ix_escalations_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        RANDOM_ID_TYPE, ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    clock: Mapped[str] = mapped_column(String(12))
    level: Mapped[str] = mapped_column(String(12))
    escalated_on: Mapped[date] = mapped_column(Date)  # when it was sent (or first tried)
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default=EscalationStatus.SENT.value)
    unrouted_since: Mapped[date | None] = mapped_column(Date)

    submission: Mapped[Submission] = relationship()
    recipients: Mapped[list[User]] = relationship(
        secondary=escalation_recipients, order_by=User.name
    )

    @property
    def status_enum(self) -> EscalationStatus:
        return EscalationStatus(self.status)

    @property
    def level_label(self) -> str:
        return ESCALATION_LEVEL_LABELS[self.level]
