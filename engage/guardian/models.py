"""The Freedom to Speak Up guardian's case records.

A case is the guardian's own record of one person speaking up: for a concern raised in engage
(then `submission_id` links it) or for one raised in person, by phone or by letter. Private
notes, the contact log, actions and referrals are entries on the case, seen by guardians only.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.accounts.models import User
from engage.extensions import RANDOM_ID_TYPE, db, random_id
from engage.organisation.models import StaffGroup, Unit
from engage.submissions.models import Submission, Theme

NOTE_MAX = 5000
SUMMARY_MAX = 5000
REASON_MAX = 500
PERSON_MAX = 300
OUTCOME_MAX = 3000


class Channel(StrEnum):
    """How the case reached the guardian."""

    ENGAGE = "engage"
    IN_PERSON = "in_person"
    PHONE = "phone"
    EMAIL = "email"
    LETTER = "letter"

    @property
    def label(self) -> str:
        return CHANNEL_LABELS[self]


CHANNEL_LABELS = {
    Channel.ENGAGE: "Through engage",
    Channel.IN_PERSON: "In person",
    Channel.PHONE: "By phone",
    Channel.EMAIL: "By email",
    Channel.LETTER: "By letter",
}


class EntryKind(StrEnum):
    NOTE = "note"
    CONTACT = "contact"
    ACTION = "action"
    REFERRAL = "referral"

    @property
    def label(self) -> str:
        return ENTRY_LABELS[self]


ENTRY_LABELS = {
    EntryKind.NOTE: "Private note",
    EntryKind.CONTACT: "Contact with the person",
    EntryKind.ACTION: "Action taken",
    EntryKind.REFERRAL: "Referral",
}


class ReferralTo(StrEnum):
    HR = "hr"
    MEDICAL_DIRECTOR = "medical_director"
    NURSING_DIRECTOR = "nursing_director"
    SAFEGUARDING = "safeguarding"
    EXTERNAL = "external"

    @property
    def label(self) -> str:
        return REFERRAL_LABELS[self]


REFERRAL_LABELS = {
    ReferralTo.HR: "Human resources",
    ReferralTo.MEDICAL_DIRECTOR: "Medical director",
    ReferralTo.NURSING_DIRECTOR: "Director of nursing",
    ReferralTo.SAFEGUARDING: "Safeguarding team",
    ReferralTo.EXTERNAL: "External body (CQC, NHS England, a regulator)",
}


class SpeakUpAgain(StrEnum):
    """The national feedback question: "Given your experience, would you speak up again?"."""

    YES = "yes"
    NO = "no"
    MAYBE = "maybe"
    DONT_KNOW = "dont_know"

    @property
    def label(self) -> str:
        return SPEAK_UP_AGAIN_LABELS[self]


SPEAK_UP_AGAIN_LABELS = {
    SpeakUpAgain.YES: "Yes",
    SpeakUpAgain.NO: "No",
    SpeakUpAgain.MAYBE: "Maybe",
    SpeakUpAgain.DONT_KNOW: "I don't know",
}


class DetrimentAnswer(StrEnum):
    """The follow-up question: "Have you experienced any detriment as a result of speaking up?"."""

    YES = "yes"
    NO = "no"
    PREFER_NOT_TO_SAY = "prefer_not"

    @property
    def label(self) -> str:
        return DETRIMENT_LABELS[self]


DETRIMENT_LABELS = {
    DetrimentAnswer.YES: "Yes",
    DetrimentAnswer.NO: "No",
    DetrimentAnswer.PREFER_NOT_TO_SAY: "I would rather not say",
}

case_themes = Table(
    "guardian_case_themes",
    db.Model.metadata,
    Column(
        "case_id",
        RANDOM_ID_TYPE,
        ForeignKey("guardian_cases.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("theme_id", ForeignKey("themes.id"), primary_key=True, index=True),
)


class GuardianCase(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "guardian_cases"
    __table_args__ = (
        CheckConstraint("mode IN ('open', 'confidential', 'anonymous')", name="mode_is_known"),
        CheckConstraint("mode <> 'anonymous' OR person IS NULL", name="anonymous_keeps_no_person"),
        CheckConstraint(
            "channel IN ('engage', 'in_person', 'phone', 'email', 'letter')",
            name="channel_is_known",
        ),
        CheckConstraint(
            "speak_up_again IS NULL OR speak_up_again IN ('yes', 'no', 'maybe', 'dont_know')",
            name="speak_up_again_is_known",
        ),
        CheckConstraint(
            "detriment_answer IS NULL OR detriment_answer IN ('yes', 'no', 'prefer_not')",
            name="detriment_answer_is_known",
        ),
    )

    id: Mapped[int] = mapped_column(
        RANDOM_ID_TYPE, primary_key=True, autoincrement=False, default=random_id
    )
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    # One case per concern: a second "start case" finds the first.
    submission_id: Mapped[int | None] = mapped_column(
        RANDOM_ID_TYPE, ForeignKey("submissions.id", ondelete="SET NULL"), unique=True
    )
    channel: Mapped[str] = mapped_column(String(15))
    mode: Mapped[str] = mapped_column(String(15))
    raised_on: Mapped[date] = mapped_column(Date, index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    staff_group_id: Mapped[int | None] = mapped_column(ForeignKey("staff_groups.id"))
    summary: Mapped[str] = mapped_column(Text, default="")
    # Who raised a case outside engage and how to reach them; hidden like a confidential
    # submitter's name until the guardian reveals it, and never kept for anonymous cases.
    person: Mapped[str | None] = mapped_column(String(PERSON_MAX))
    detriment_indicated: Mapped[bool] = mapped_column(default=False)
    outcome: Mapped[str | None] = mapped_column(Text)
    closed_on: Mapped[date | None] = mapped_column(Date, index=True)
    speak_up_again: Mapped[str | None] = mapped_column(String(15))
    speak_up_again_on: Mapped[date | None] = mapped_column(Date)
    # The follow-up question is due some months after closure; the scheduler claims it by
    # setting detriment_asked_on in a conditional UPDATE, so it is asked once.
    detriment_question_due_on: Mapped[date | None] = mapped_column(Date, index=True)
    detriment_asked_on: Mapped[date | None] = mapped_column(Date)
    detriment_answer: Mapped[str | None] = mapped_column(String(15))
    detriment_answer_on: Mapped[date | None] = mapped_column(Date)
    created_on: Mapped[date] = mapped_column(Date)

    submission: Mapped[Submission | None] = relationship()
    unit: Mapped[Unit | None] = relationship(lazy="joined")
    staff_group: Mapped[StaffGroup | None] = relationship(lazy="joined")
    themes: Mapped[list[Theme]] = relationship(
        secondary=case_themes, lazy="selectin", order_by="Theme.position"
    )

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None

    @property
    def concern_awaits_decision(self) -> bool:
        """Its concern in engage still waits for a decision. Closing the case neither tells the
        person who raised it the outcome nor stops the concern's clock; a decision does."""
        return self.submission is not None and self.submission.status_enum.awaits_decision

    @property
    def channel_enum(self) -> Channel:
        return Channel(self.channel)

    @property
    def speak_up_again_label(self) -> str | None:
        return SpeakUpAgain(self.speak_up_again).label if self.speak_up_again else None

    @property
    def detriment_answer_label(self) -> str | None:
        return DetrimentAnswer(self.detriment_answer).label if self.detriment_answer else None

    def __str__(self) -> str:
        return self.reference


class CaseEntry(db.Model):  # type: ignore[name-defined,misc]
    """A private note, a contact, an action or a referral: guardians only."""

    __tablename__ = "guardian_case_entries"
    __table_args__ = (
        CheckConstraint("kind IN ('note', 'contact', 'action', 'referral')", name="kind_is_known"),
        CheckConstraint("kind <> 'referral' OR referred_to IS NOT NULL", name="referral_has_to"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        RANDOM_ID_TYPE, ForeignKey("guardian_cases.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(10))
    referred_to: Mapped[str | None] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text)
    happened_on: Mapped[date] = mapped_column(Date)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime)

    author: Mapped[User | None] = relationship(lazy="joined")

    @property
    def kind_enum(self) -> EntryKind:
        return EntryKind(self.kind)

    @property
    def referred_to_label(self) -> str | None:
        return ReferralTo(self.referred_to).label if self.referred_to else None


class IdentityReveal(db.Model):  # type: ignore[name-defined,misc]
    """A guardian looked at a confidential submitter's identity: who, when and why."""

    __tablename__ = "guardian_identity_reveals"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        RANDOM_ID_TYPE, ForeignKey("guardian_cases.id", ondelete="CASCADE"), index=True
    )
    revealed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revealed_at: Mapped[datetime] = mapped_column(DateTime)
    reason: Mapped[str] = mapped_column(String(REASON_MAX))

    revealed_by: Mapped[User | None] = relationship(lazy="joined")


class ThemeSuggestion(db.Model):  # type: ignore[name-defined,misc]
    """The guardian's decision on an emerging word or phrase, so it is not suggested again.

    `scope` is "trust" or "directorate:<id>"; a string, so that the unique constraint holds
    on both databases (NULLs never clash in a unique index).
    """

    __tablename__ = "guardian_theme_suggestions"
    __table_args__ = (
        UniqueConstraint("scope", "term", name="uq_guardian_theme_suggestions_scope_term"),
        CheckConstraint("decision IN ('confirmed', 'dismissed')", name="decision_is_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(30))
    term: Mapped[str] = mapped_column(String(80))
    decision: Mapped[str] = mapped_column(String(10))
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("themes.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_on: Mapped[date] = mapped_column(Date)

    theme: Mapped[Theme | None] = relationship(lazy="joined")


class ReportLearning(db.Model):  # type: ignore[name-defined,misc]
    """What the guardian writes for the board about a period's learning and actions."""

    __tablename__ = "guardian_report_learning"

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(10), unique=True)  # "2026-Q2" or "2026"
    learning: Mapped[str] = mapped_column(Text, default="")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_on: Mapped[date] = mapped_column(Date)
