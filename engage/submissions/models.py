from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
    true,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.elements import ColumnElement

from engage.accounts.models import User
from engage.extensions import RANDOM_ID_TYPE, db, random_id
from engage.organisation.models import Unit

TITLE_MAX = 120
DESCRIPTION_MAX = 5000
MESSAGE_MAX = 3000


class Kind(StrEnum):
    IDEA = "idea"
    CONCERN = "concern"


class SpeakUpMode(StrEnum):
    OPEN = "open"
    CONFIDENTIAL = "confidential"
    ANONYMOUS = "anonymous"

    # The identity policy, written once: Submission's properties and SQL conditions read it.
    @property
    def hides_submitter(self) -> bool:
        """Only the guardian may know who raised it (confidential), or no one may (anonymous):
        leaders, colleagues, the audit log and published summaries must not name them."""
        return self is not SpeakUpMode.OPEN

    @property
    def keeps_no_submitter(self) -> bool:
        """Nothing ties it to a person: no submitter, no time of day, no email to anyone."""
        return self is SpeakUpMode.ANONYMOUS


class Queue(StrEnum):
    LEADERS = "leaders"
    GUARDIAN = "guardian"


class Status(StrEnum):
    SUBMITTED = "submitted"
    ACKNOWLEDGED = "acknowledged"
    UNDER_REVIEW = "under_review"
    DECISION_MADE = "decision_made"
    CLOSED = "closed"
    NOT_TAKEN_FORWARD = "not_taken_forward"
    MERGED = "merged"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @property
    def is_ending(self) -> bool:
        return self in ENDINGS

    @property
    def awaits_decision(self) -> bool:
        """Not yet decided, ended or merged: its decision clock is running."""
        return self in UNDECIDED


STATUS_LABELS = {
    Status.SUBMITTED: "Submitted",
    Status.ACKNOWLEDGED: "Acknowledged",
    Status.UNDER_REVIEW: "Under review",
    Status.DECISION_MADE: "Decision made",
    Status.CLOSED: "Closed",
    Status.NOT_TAKEN_FORWARD: "Not taken forward",
    Status.MERGED: "Merged",
}
ENDINGS = frozenset({Status.CLOSED, Status.NOT_TAKEN_FORWARD, Status.MERGED})
UNDECIDED = frozenset({Status.SUBMITTED, Status.ACKNOWLEDGED, Status.UNDER_REVIEW})


class Theme(db.Model):  # type: ignore[name-defined,misc]
    """The taxonomy of what is raised; admins add and retire themes."""

    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(default=True)

    def __str__(self) -> str:
        return self.name


# One bit per escalation step (clock, level), set on the submission in the same transaction
# as that step's `sent` escalation row. Each step has a partial index holding only the
# undecided items it may still escalate, so items escalated long ago cost the daily job
# nothing; the escalations table's unique row stays the authority (a missing bit only makes
# the job look at an item again).
ESCALATION_STEP_BITS = {
    ("acknowledge", "directorate"): 1,
    ("acknowledge", "guardian"): 2,
    ("decide", "directorate"): 4,
    ("decide", "guardian"): 8,
}


def escalation_step_waiting(clock: str, level: str) -> str:
    """The SQL condition of the items step (clock, level) may still escalate: the partial
    index's predicate, and the job's query repeats it word for word so the planner uses it."""
    if clock == "acknowledge":
        status = "status = 'submitted'"
    else:
        status = "status IN ('acknowledged', 'under_review')"
    # Confidential and anonymous concerns never leave the guardians' hands.
    who = "kind = 'concern'" if level == "guardian" else "queue <> 'guardian'"
    bit = ESCALATION_STEP_BITS[(clock, level)]
    return f"{status} AND {who} AND (escalated_steps & {bit}) = 0"


def _escalation_step_indexes() -> list[Index]:
    return [
        Index(
            f"ix_submissions_escalation_{clock}_{level}",
            "id",
            postgresql_where=text(escalation_step_waiting(clock, level)),
            sqlite_where=text(escalation_step_waiting(clock, level)),
        )
        for clock, level in ESCALATION_STEP_BITS
    ]


class Submission(db.Model):  # type: ignore[name-defined,misc]
    """An idea or a concern.

    Anonymous ones keep no submitter, only the date (not the time) they were made, and a
    random identifier, so nothing in the row can be joined to a sign-in.
    """

    __tablename__ = "submissions"
    __table_args__ = (
        CheckConstraint("kind IN ('idea', 'concern')", name="kind_is_known"),
        CheckConstraint("mode IN ('open', 'confidential', 'anonymous')", name="mode_is_known"),
        CheckConstraint("queue IN ('leaders', 'guardian')", name="queue_is_known"),
        CheckConstraint(
            "mode <> 'anonymous' OR (submitter_id IS NULL AND submitted_at IS NULL)",
            name="anonymous_keeps_no_identity",
        ),
        CheckConstraint(
            "mode = 'anonymous' OR submitter_id IS NOT NULL", name="others_have_a_submitter"
        ),
        *_escalation_step_indexes(),
    )

    id: Mapped[int] = mapped_column(
        RANDOM_ID_TYPE, primary_key=True, autoincrement=False, default=random_id
    )
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[str] = mapped_column(String(10))
    mode: Mapped[str] = mapped_column(String(15))
    queue: Mapped[str] = mapped_column(String(10), index=True)
    status: Mapped[str] = mapped_column(String(20), default=Status.SUBMITTED.value, index=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    description: Mapped[str] = mapped_column(Text)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id"), index=True)
    patient_safety: Mapped[bool] = mapped_column(default=False)
    submitter_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    submitted_on: Mapped[date] = mapped_column(Date, index=True)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    acknowledged_on: Mapped[date | None] = mapped_column(Date)
    # Set when an overdue concern is escalated to the guardian, who may then handle it too.
    guardian_escalated_on: Mapped[date | None] = mapped_column(Date)
    # ESCALATION_STEP_BITS of the steps whose escalation was sent (written by the job only).
    escalated_steps: Mapped[int] = mapped_column(default=0, server_default="0")
    closed_on: Mapped[date | None] = mapped_column(Date)
    merged_into_id: Mapped[int | None] = mapped_column(
        RANDOM_ID_TYPE, ForeignKey("submissions.id", ondelete="SET NULL")
    )
    # Only anonymous submissions have a passphrase and a private follow-up code (its digest;
    # failed tries are counted outside the database, see engage.throttle), and the digest of
    # the one browser session at /check that may read it now ("Finish" clears it).
    passphrase_hash: Mapped[str | None] = mapped_column(String(255))
    followup_digest: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)
    check_session_digest: Mapped[str | None] = mapped_column(String(64))
    hidden_reason: Mapped[str | None] = mapped_column(String(500))
    # Messages take their position from this counter, raised in one UPDATE (which also locks
    # the row), so two messages sent at the same moment cannot share a place.
    message_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Kept by database triggers on `supports` (migration a7c15e2f9d40): "most supported" sorts
    # on it through an index instead of counting supports per row. Never written by the app.
    supporter_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    unit: Mapped[Unit] = relationship(lazy="joined")
    theme: Mapped[Theme] = relationship(lazy="joined")
    submitter: Mapped[User | None] = relationship(foreign_keys=[submitter_id])
    merged_into: Mapped[Submission | None] = relationship(remote_side=[id])

    @property
    def kind_enum(self) -> Kind:
        return Kind(self.kind)

    @property
    def mode_enum(self) -> SpeakUpMode:
        return SpeakUpMode(self.mode)

    @property
    def status_enum(self) -> Status:
        return Status(self.status)

    @property
    def queue_enum(self) -> Queue:
        return Queue(self.queue)

    @property
    def is_hidden(self) -> bool:
        return self.hidden_reason is not None

    @hybrid_property
    def hides_submitter(self) -> bool:
        """Raised confidentially or anonymously (see SpeakUpMode.hides_submitter)."""
        return self.mode_enum.hides_submitter

    @hides_submitter.inplace.expression
    @classmethod
    def _hides_submitter_condition(cls) -> ColumnElement[bool]:
        return cls.mode.in_([mode.value for mode in SpeakUpMode if mode.hides_submitter])

    @hybrid_property
    def is_anonymous(self) -> bool:
        """Raised anonymously (see SpeakUpMode.keeps_no_submitter)."""
        return self.mode_enum.keeps_no_submitter

    @is_anonymous.inplace.expression
    @classmethod
    def _is_anonymous_condition(cls) -> ColumnElement[bool]:
        return cls.mode.in_([mode.value for mode in SpeakUpMode if mode.keeps_no_submitter])

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"


class StatusChange(db.Model):  # type: ignore[name-defined,misc]
    """The history the submitter sees: every status, by whom (never shown to them) and when."""

    __tablename__ = "status_changes"

    id: Mapped[int] = mapped_column(
        RANDOM_ID_TYPE, primary_key=True, autoincrement=False, default=random_id
    )
    submission_id: Mapped[int] = mapped_column(
        RANDOM_ID_TYPE, ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    changed_on: Mapped[date] = mapped_column(Date)
    changed_at: Mapped[datetime | None] = mapped_column(DateTime)

    changed_by: Mapped[User | None] = relationship()

    @property
    def to_status_enum(self) -> Status:
        return Status(self.to_status)


class Message(db.Model):  # type: ignore[name-defined,misc]
    """The two-way conversation between the submitter and whoever handles the submission."""

    __tablename__ = "messages"
    __table_args__ = (
        CheckConstraint("author_role IN ('submitter', 'handler')", name="author_role_is_known"),
        Index("ix_messages_submission_position", "submission_id", "position", unique=True),
    )

    id: Mapped[int] = mapped_column(
        RANDOM_ID_TYPE, primary_key=True, autoincrement=False, default=random_id
    )
    submission_id: Mapped[int] = mapped_column(
        RANDOM_ID_TYPE, ForeignKey("submissions.id", ondelete="CASCADE")
    )
    author_role: Mapped[str] = mapped_column(String(10))
    # Null when an anonymous submitter wrote it; then only the date is kept as well.
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    sent_on: Mapped[date] = mapped_column(Date)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Orders the conversation without relying on time or identifier; see message_count.
    position: Mapped[int] = mapped_column(Integer)
    # A handler's reply: its signature as it read when sent ("Sam Jones (Leader, Ward 9)"),
    # kept so that the record of who said what stays when the handler's role or units change
    # (engage.submissions.signatures). Null on the submitter's messages.
    signed_as: Mapped[str | None] = mapped_column(String(300))
    # False on a submitter's answer to a Freedom to Speak Up feedback question, which is kept
    # in the conversation but asks for no reply: the handler's inbox does not list it as a
    # message to answer (engage.submissions.attention.unanswered).
    expects_reply: Mapped[bool] = mapped_column(default=True, server_default=true())

    author: Mapped[User | None] = relationship()


class Support(db.Model):  # type: ignore[name-defined,misc]
    """A colleague's "me too" on an idea, once per person."""

    __tablename__ = "supports"
    __table_args__ = (UniqueConstraint("submission_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        RANDOM_ID_TYPE, ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_on: Mapped[date] = mapped_column(Date)


class Comment(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        RANDOM_ID_TYPE, ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    hidden_reason: Mapped[str | None] = mapped_column(String(500))

    author: Mapped[User | None] = relationship()

    @property
    def is_hidden(self) -> bool:
        return self.hidden_reason is not None


class ContentReport(db.Model):  # type: ignore[name-defined,misc]
    """A staff member's report that an idea or a comment is inappropriate."""

    __tablename__ = "content_reports"
    __table_args__ = (
        CheckConstraint(
            "(submission_id IS NULL) <> (comment_id IS NULL)", name="exactly_one_target"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    submission_id: Mapped[int | None] = mapped_column(
        RANDOM_ID_TYPE, ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    comment_id: Mapped[int | None] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), index=True
    )
    reason: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    resolved: Mapped[bool] = mapped_column(default=False)

    submission: Mapped[Submission | None] = relationship()
    comment: Mapped[Comment | None] = relationship()
