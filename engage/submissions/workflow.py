"""Moving a submission through its statuses, and merging duplicate ideas."""

from __future__ import annotations

from sqlalchemy import select

from engage.accounts.models import User
from engage.audit.services import record
from engage.errors import PermissionDenied, ValidationFailed
from engage.extensions import db
from engage.submissions import access
from engage.submissions.models import Kind, Status, Submission, Support
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
