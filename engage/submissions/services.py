"""Raising ideas and concerns, routing them, and the conversation about them.

Every public function takes the acting user, checks the rules, records the change in the
audit log and commits once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import select
from zxcvbn import zxcvbn

from engage.accounts.models import User
from engage.accounts.passwords import hash_password
from engage.audit.services import record
from engage.counters import increment
from engage.errors import PermissionDenied, ValidationFailed
from engage.extensions import db, get_by_id
from engage.links import external_url
from engage.organisation.models import Unit
from engage.submissions import access, events, signatures
from engage.submissions.models import (
    DESCRIPTION_MAX,
    MESSAGE_MAX,
    TITLE_MAX,
    Kind,
    Message,
    Queue,
    SpeakUpMode,
    Status,
    StatusChange,
    Submission,
    Theme,
)
from engage.submissions.references import followup_digest, new_followup_code, new_reference
from engage.timeutil import london_day, london_today, utcnow

PASSPHRASE_MIN = 10
# zxcvbn's scale: 3 is "safely unguessable: moderate protection from offline slow-hash
# scenario" (about 10**10 guesses), which argon2 and the throttle on /check make plenty.
PASSPHRASE_MIN_SCORE = 3


@dataclass(frozen=True)
class NewSubmission:
    kind: Kind
    title: str
    description: str
    unit_id: int
    theme_id: int
    patient_safety: bool
    mode: SpeakUpMode
    to_guardian: bool = False
    passphrase: str | None = None


def route_for(kind: Kind, mode: SpeakUpMode, to_guardian: bool) -> Queue:
    """Concerns raised confidentially or anonymously, or sent to the guardian, bypass leaders."""
    if kind is Kind.CONCERN and (to_guardian or mode.hides_submitter):
        return Queue.GUARDIAN
    return Queue.LEADERS


def _check_new(details: NewSubmission) -> None:
    if not details.title.strip():
        raise ValidationFailed("Enter a title", "title")
    if len(details.title) > TITLE_MAX:
        raise ValidationFailed(f"Title must be {TITLE_MAX} characters or fewer", "title")
    if not details.description.strip():
        raise ValidationFailed("Describe your idea or concern", "description")
    if len(details.description) > DESCRIPTION_MAX:
        raise ValidationFailed(
            f"Description must be {DESCRIPTION_MAX} characters or fewer", "description"
        )
    if get_by_id(Unit, details.unit_id) is None:
        raise ValidationFailed("Select the unit it is about", "unit_id")
    theme = get_by_id(Theme, details.theme_id)
    if theme is None or not theme.active:
        raise ValidationFailed("Select a theme", "theme_id")
    if details.mode.keeps_no_submitter:
        check_passphrase(details.passphrase or "", [details.title, details.description])


def check_passphrase(passphrase: str, their_words: list[str]) -> None:
    """Refuse a passphrase that is short or easy to guess, saying how to make a better one."""
    if len(passphrase) < PASSPHRASE_MIN:
        raise ValidationFailed(
            f"Choose a passphrase of {PASSPHRASE_MIN} characters or more", "passphrase"
        )
    # What they wrote is the first thing someone who read the item would try.
    words = [word.lower() for text in their_words for word in text.split()][:50]
    strength = zxcvbn(passphrase[:100], user_inputs=words)
    if strength["score"] < PASSPHRASE_MIN_SCORE:
        feedback = strength["feedback"]
        warning = feedback.get("warning") or "It would be easy to guess."
        advice = " ".join([warning, *(feedback.get("suggestions") or [])])
        raise ValidationFailed(
            f"Choose a passphrase that is harder to guess. {advice} Three or four words that "
            "do not belong together work well.",
            "passphrase",
        )


@dataclass(frozen=True)
class Receipt:
    submission_id: int
    reference: str
    anonymous: bool
    queue: Queue
    # Anonymous only: shown once to the submitter, never stored (only its digest).
    followup_code: str | None = None


class AlreadySent(Exception):
    """The same person sent exactly this today already, words and every choice alike (Back,
    then Send again, after the page that would have stopped a repeat was fetched afresh):
    they are shown the one sent. Anything changed (sent to the guardian, patient safety, the
    theme) makes it a new item."""

    def __init__(self, submission: Submission) -> None:
        super().__init__(submission.reference)
        self.submission_id, self.reference = submission.id, submission.reference


def _sent_already_today(
    actor: User, details: NewSubmission, queue: Queue, today: date
) -> Submission | None:
    return db.session.scalar(
        select(Submission)
        .where(
            Submission.submitter_id == actor.id,
            Submission.submitted_on == today,
            Submission.kind == details.kind.value,
            Submission.mode == details.mode.value,
            Submission.queue == queue.value,
            Submission.unit_id == details.unit_id,
            Submission.theme_id == details.theme_id,
            Submission.patient_safety.is_(details.patient_safety),
            Submission.title == details.title.strip(),
            Submission.description == details.description.strip(),
        )
        .limit(1)
    )


def submit(actor: User | None, details: NewSubmission) -> Receipt:
    """Raise an idea or concern. Anonymous ones are made exactly as for a signed-out visitor
    (`actor` is not used at all, and no audit event is written): nothing links them to the
    account that happened to be signed in. Others need the actor."""
    _check_new(details)
    anonymous = details.mode.keeps_no_submitter
    if anonymous:
        actor = None
    elif actor is None:
        raise PermissionDenied("Sign in to raise an idea or concern openly or confidentially.")
    followup_code = new_followup_code() if anonymous else None
    today = london_today()
    # Anonymous items are never compared: that would join them to whoever sent the same words.
    queue = route_for(details.kind, details.mode, details.to_guardian)
    if actor is not None and (earlier := _sent_already_today(actor, details, queue, today)):
        raise AlreadySent(earlier)
    submission = Submission(
        reference=new_reference(details.kind),
        kind=details.kind.value,
        mode=details.mode.value,
        queue=queue.value,
        title=details.title.strip(),
        description=details.description.strip(),
        unit_id=details.unit_id,
        theme_id=details.theme_id,
        patient_safety=details.patient_safety,
        submitter_id=actor.id if actor else None,
        submitted_on=today,
        submitted_at=None if anonymous else utcnow(),
        passphrase_hash=hash_password(details.passphrase)
        if anonymous and details.passphrase
        else None,
        followup_digest=followup_digest(followup_code) if followup_code else None,
    )
    db.session.add(submission)
    db.session.flush()
    add_status_change(submission, None, None, anonymous=anonymous)
    if not anonymous:
        record(
            actor,
            "submission.created",
            submission,
            f"{details.kind.value.capitalize()} {submission.reference} raised "
            f"{details.mode.value}ly, routed to the {queue.value}",
            anonymous=conceals_submitter(submission),
        )
    events.raised.send(submission)
    db.session.commit()
    return Receipt(submission.id, submission.reference, anonymous, queue, followup_code)


def add_status_change(
    submission: Submission, actor: User | None, previous: str | None, *, anonymous: bool = False
) -> None:
    now = utcnow()
    db.session.add(
        StatusChange(
            submission_id=submission.id,
            from_status=previous,
            to_status=submission.status,
            changed_by_id=actor.id if actor else None,
            changed_on=now.date(),
            changed_at=None if anonymous else now,
        )
    )


def set_status(actor: User, submission: Submission, new_status: Status) -> None:
    """Move to a status, keeping the dates the response clocks read and the history."""
    previous = submission.status
    today = london_today()
    if submission.acknowledged_on is None and new_status is not Status.SUBMITTED:
        submission.acknowledged_on = today
    if new_status.is_ending:
        submission.closed_on = today
    submission.status = new_status.value
    add_status_change(submission, actor, previous)


def conceals_submitter(submission: Submission) -> bool:
    """Whether the audit log must not name the submitter (nor give the time of day, which would
    join it to their sign-in): only the guardian may know who raised a confidential item."""
    return submission.hides_submitter


def add_message(
    submission: Submission,
    author: User | None,
    role: str,
    body: str,
    *,
    expects_reply: bool = True,
) -> Message:
    """Append to the conversation (the caller has checked the right and will commit)."""
    body = body.strip()
    if not body:
        raise ValidationFailed("Write a message", "body")
    if len(body) > MESSAGE_MAX:
        raise ValidationFailed(f"Message must be {MESSAGE_MAX} characters or fewer", "body")
    anonymous_author = role == "submitter" and submission.is_anonymous
    now = utcnow()
    message = Message(
        submission_id=submission.id,
        author_role=role,
        author_id=None if anonymous_author or author is None else author.id,
        body=body,
        sent_on=london_day(now),
        sent_at=None if anonymous_author else now,
        position=increment(submission, Submission.message_count),
        signed_as=signatures.signature(author, submission) if role == "handler" else None,
        expects_reply=expects_reply,
    )
    db.session.add(message)
    return message


def mail_reference(submission: Submission, fallback_endpoint: str) -> tuple[str, str]:
    """How an email names the item (" (ID-7KQ4-M2XD)" or nothing) and the link it gives.

    Confidential and anonymous items are never named in mail, nor linked by their number:
    mail servers and their logs keep who received what, and a reference there would join a
    person to the item. Their emails link to a list (`fallback_endpoint`) instead."""
    if not submission.hides_submitter:
        link = external_url("submissions.detail", submission_id=submission.id)
        return f" ({submission.reference})", link
    return "", external_url(fallback_endpoint)


def notify_submitter(submission: Submission) -> None:
    """Tell identifiable submitters that something changed (never the content itself), as they
    chose; by default changes within 15 minutes of each other make one email."""
    events.updated.send(submission)


def reply(actor: User, submission_id: int, body: str) -> Message:
    """A message from the identifiable submitter or from whoever handles the submission."""
    submission = access.get_visible(actor, submission_id)
    if access.can_handle(actor, submission):
        role = "handler"
    elif access.is_submitter(actor, submission):
        role = "submitter"
    else:
        raise PermissionDenied("Only the person who raised this and its handlers can reply.")
    if submission.status_enum.is_ending:
        raise ValidationFailed("This is closed, so no more messages can be added", "body")
    message = add_message(submission, actor, role, body)
    record(
        actor,
        f"message.{role}",
        submission,
        f"Message on {submission.reference}",
        anonymous=role == "submitter" and conceals_submitter(submission),
    )
    if role == "handler":
        notify_submitter(submission)
    db.session.commit()
    return message


def conversation(submission: Submission) -> list[Message]:
    return list(
        db.session.scalars(
            select(Message).where(Message.submission_id == submission.id).order_by(Message.position)
        )
    )


def history(submission: Submission) -> list[StatusChange]:
    return list(
        db.session.scalars(
            select(StatusChange)
            .where(StatusChange.submission_id == submission.id)
            # The first change of an anonymous item has no time: it sorts first in its day.
            .order_by(StatusChange.changed_on, StatusChange.changed_at.asc().nulls_first())
        )
    )


def may_converse(actor: User, submission: Submission) -> bool:
    return access.can_handle(actor, submission) or access.is_submitter(actor, submission)


def themes(include_retired: bool = False) -> list[Theme]:
    query = select(Theme).order_by(Theme.position, Theme.name)
    if not include_retired:
        query = query.where(Theme.active.is_(True))
    return list(db.session.scalars(query))


def units() -> list[Unit]:
    return list(db.session.scalars(select(Unit).order_by(Unit.name)))


def acknowledge_days() -> int:
    return int(current_app.config["ACKNOWLEDGE_WORKING_DAYS"])
