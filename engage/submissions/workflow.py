"""Moving a submission through its statuses, and merging duplicate ideas."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from engage.accounts.models import User
from engage.audit.services import record
from engage.errors import PermissionDenied, ValidationFailed
from engage.extensions import db
from engage.submissions import access
from engage.submissions.models import MESSAGE_MAX, Kind, Status, Submission, Support
from engage.submissions.references import normalise_reference
from engage.submissions.services import add_message, notify_submitter, set_status
from engage.timeutil import utcnow

# Decisions (including "not taken forward") are made through the decision form, which records
# what was decided and tells the submitter why; these are the other moves a handler makes.
ALLOWED_NEXT: dict[Status, tuple[Status, ...]] = {
    Status.SUBMITTED: (Status.ACKNOWLEDGED, Status.UNDER_REVIEW),
    Status.ACKNOWLEDGED: (Status.UNDER_REVIEW,),
    Status.UNDER_REVIEW: (),
    Status.DECISION_MADE: (Status.CLOSED,),
    Status.CLOSED: (),
    Status.NOT_TAKEN_FORWARD: (),
    Status.MERGED: (),
}


def _handled(actor: User, submission_id: int) -> Submission:
    submission = access.get_visible(actor, submission_id)
    if not access.can_handle(actor, submission):
        raise PermissionDenied("Only the people handling this can change it.")
    return submission


def next_statuses(submission: Submission) -> tuple[Status, ...]:
    return ALLOWED_NEXT[submission.status_enum]


def change_status(
    actor: User, submission_id: int, new_status: Status, note: str = ""
) -> Submission:
    submission = _handled(actor, submission_id)
    current = submission.status_enum
    if current.is_ending:
        raise ValidationFailed(
            f"This is already {current.label.lower()} and cannot change", "status"
        )
    if new_status not in ALLOWED_NEXT[current]:
        raise ValidationFailed(
            f"It cannot go from {current.label.lower()} to {new_status.label.lower()}", "status"
        )
    set_status(actor, submission, new_status)
    if note.strip():
        add_message(submission, actor, "handler", note)
    record(
        actor,
        "submission.status_changed",
        submission,
        f"{submission.reference}: {current.label} to {new_status.label}",
        detail={"from": current.value, "to": new_status.value},
    )
    notify_submitter(submission)
    db.session.commit()
    return submission


# The inbox ticks at most a page of items; more at once is not a person's choice.
BULK_MAX = 100


@dataclass(frozen=True)
class Acknowledged:
    acknowledged: list[Submission]
    already: list[Submission]  # moved on before this request (someone else acknowledged it)


def acknowledge_many(actor: User, submission_ids: list[int], message: str) -> Acknowledged:
    """Acknowledge several items, sending each submitter the one message: each item checked
    as its own page checks it, recorded in the audit log on its own, committed together.

    Every item is checked before any is changed, so one the actor may not handle refuses the
    lot and writes nothing. Items no longer waiting are left as they are and reported."""
    ids = list(dict.fromkeys(submission_ids))
    if not ids:
        raise ValidationFailed("Tick at least one item waiting to be acknowledged", "submission_id")
    if len(ids) > BULK_MAX:
        raise ValidationFailed(f"Tick {BULK_MAX} items or fewer at a time", "submission_id")
    if not message.strip():
        raise ValidationFailed("Write the message to send with the acknowledgement", "body")
    if len(message.strip()) > MESSAGE_MAX:
        raise ValidationFailed(f"Message must be {MESSAGE_MAX} characters or fewer", "body")
    items = [_handled(actor, submission_id) for submission_id in ids]
    done: list[Submission] = []
    already: list[Submission] = []
    for submission in items:
        if submission.status_enum is not Status.SUBMITTED:
            already.append(submission)
            continue
        set_status(actor, submission, Status.ACKNOWLEDGED)
        add_message(submission, actor, "handler", message)
        record(
            actor,
            "submission.status_changed",
            submission,
            f"{submission.reference}: Submitted to Acknowledged, from the inbox with "
            f"{len(ids)} ticked",
            detail={"from": Status.SUBMITTED.value, "to": Status.ACKNOWLEDGED.value, "bulk": True},
        )
        notify_submitter(submission)
        done.append(submission)
    db.session.commit()
    return Acknowledged(acknowledged=done, already=already)


def merge_idea(actor: User, duplicate_id: int, original_reference: str) -> Submission:
    """Merge a duplicate idea into the original: supporters move across, a link remains."""
    duplicate = _handled(actor, duplicate_id)
    original: Submission | None = db.session.scalar(
        select(Submission).where(
            Submission.reference == normalise_reference(original_reference),
            access.visible_to(actor),
        )
    )
    if original is None or original.kind_enum is not Kind.IDEA or original.is_hidden:
        raise ValidationFailed(
            "Enter the reference of an idea you can see, like ID-7KQ4-M2XD", "original"
        )
    if original.id == duplicate.id:
        raise ValidationFailed("An idea cannot be merged into itself", "original")
    if duplicate.kind_enum is not Kind.IDEA:
        raise ValidationFailed("Only ideas can be merged", "original")
    if duplicate.status_enum.is_ending or duplicate.status_enum is Status.DECISION_MADE:
        raise ValidationFailed(
            "This idea already has a decision, so it can no longer be merged", "original"
        )
    if original.status_enum.is_ending:
        raise ValidationFailed("Choose an idea that is still open", "original")
    moved = _move_supporters(duplicate, original)
    duplicate.merged_into_id = original.id
    set_status(actor, duplicate, Status.MERGED)
    add_message(
        duplicate,
        actor,
        "handler",
        f"Thank you. This is the same as idea {original.reference}, so the two have been merged "
        "and your support now counts there.",
    )
    record(
        actor,
        "submission.merged",
        duplicate,
        f"{duplicate.reference} merged into {original.reference}; {moved} supporters moved",
        detail={"into": original.id, "supporters_moved": moved},
    )
    notify_submitter(duplicate)
    db.session.commit()
    return original


def _move_supporters(duplicate: Submission, original: Submission) -> int:
    already = set(
        db.session.scalars(select(Support.user_id).where(Support.submission_id == original.id))
    )
    # The duplicate's own submitter backs the original too: their vote should not be lost.
    wanted = set(
        db.session.scalars(select(Support.user_id).where(Support.submission_id == duplicate.id))
    )
    if duplicate.submitter_id is not None:
        wanted.add(duplicate.submitter_id)
    wanted -= already
    if original.submitter_id is not None:
        wanted.discard(original.submitter_id)
    for support in db.session.scalars(select(Support).where(Support.submission_id == duplicate.id)):
        db.session.delete(support)
    today = utcnow().date()
    for user_id in sorted(wanted):
        db.session.add(Support(submission_id=original.id, user_id=user_id, created_on=today))
    return len(wanted)
