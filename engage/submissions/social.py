"""The social side of ideas: "me too", comments, and reporting and hiding what is inappropriate."""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from engage.accounts.models import Role, User
from engage.audit.services import record
from engage.errors import NotFound, PermissionDenied, ValidationFailed
from engage.extensions import db, get_by_id
from engage.submissions import access
from engage.submissions.models import Comment, ContentReport, Submission, Support
from engage.timeutil import utcnow

COMMENT_MAX = 1000
REASON_MAX = 500


def _shared_idea(actor: User, submission_id: int) -> Submission:
    submission = access.get_visible(actor, submission_id)
    if not access.can_discuss(actor, submission):
        raise PermissionDenied("Only ideas shared with colleagues can be supported or discussed.")
    return submission


def supporter_count(submission_id: int) -> int:
    query = select(func.count(Support.id)).where(Support.submission_id == submission_id)
    return db.session.scalar(query) or 0


def has_supported(actor: User, submission_id: int) -> bool:
    query = select(Support.id).where(
        Support.submission_id == submission_id, Support.user_id == actor.id
    )
    return db.session.scalar(query) is not None


def support(actor: User, submission_id: int) -> None:
    submission = _shared_idea(actor, submission_id)
    if not access.can_support(actor, submission):
        if access.is_submitter(actor, submission):
            raise ValidationFailed("You cannot support your own idea", None)
        raise ValidationFailed("This idea is closed, so it cannot be supported now", None)
    if has_supported(actor, submission_id):
        return  # a second click changes nothing
    try:
        with db.session.begin_nested():
            db.session.add(
                Support(submission_id=submission.id, user_id=actor.id, created_on=utcnow().date())
            )
    except IntegrityError:
        return  # a double click raced the check above: the first one counted
    record(actor, "idea.supported", submission, f"{actor.email} supported {submission.reference}")
    db.session.commit()


def withdraw_support(actor: User, submission_id: int) -> None:
    submission = _shared_idea(actor, submission_id)
    existing = db.session.scalar(
        select(Support).where(Support.submission_id == submission_id, Support.user_id == actor.id)
    )
    if existing is None:
        return
    db.session.delete(existing)
    record(actor, "idea.support_withdrawn", submission, f"{actor.email} withdrew support")
    db.session.commit()


def add_comment(actor: User, submission_id: int, body: str) -> Comment:
    submission = _shared_idea(actor, submission_id)
    body = body.strip()
    if not body:
        raise ValidationFailed("Write a comment", "body")
    if len(body) > COMMENT_MAX:
        raise ValidationFailed(f"Comment must be {COMMENT_MAX} characters or fewer", "body")
    comment = Comment(
        submission_id=submission.id, author_id=actor.id, body=body, created_at=utcnow()
    )
    db.session.add(comment)
    db.session.flush()
    record(actor, "comment.added", comment, f"Comment on {submission.reference}")
    db.session.commit()
    return comment


def comments(
    submission: Submission, *, include_hidden: bool, viewer: User | None = None
) -> list[Comment]:
    """The comments this viewer may read: moderators see hidden ones; the author of a hidden
    comment sees it too, so that they know it was hidden and why, while others never do."""
    query = (
        select(Comment)
        .options(selectinload(Comment.author))
        .where(Comment.submission_id == submission.id)
    )
    if not include_hidden:
        own = Comment.author_id == viewer.id if viewer is not None else false()
        query = query.where(or_(Comment.hidden_reason.is_(None), own))
    return list(db.session.scalars(query.order_by(Comment.created_at, Comment.id)))


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationFailed("Say why", "reason")
    if len(reason) > REASON_MAX:
        raise ValidationFailed(f"Reason must be {REASON_MAX} characters or fewer", "reason")
    return reason


def submission_id_of_comment(comment_id: int) -> int:
    comment = get_by_id(Comment, comment_id)
    if comment is None:
        raise NotFound("There is no such comment.")
    return comment.submission_id


def _comment(actor: User, comment_id: int) -> tuple[Comment, Submission]:
    comment = get_by_id(Comment, comment_id)
    if comment is None:
        raise NotFound("There is no such comment.")
    return comment, _shared_idea(actor, comment.submission_id)


def report(
    actor: User, reason: str, *, submission_id: int | None = None, comment_id: int | None = None
) -> None:
    reason = _reason(reason)
    if comment_id is not None:
        comment, submission = _comment(actor, comment_id)
        target = {"comment_id": comment.id}
    elif submission_id is not None:
        submission = _shared_idea(actor, submission_id)
        target = {"submission_id": submission.id}
    else:
        raise ValidationFailed("Say what you are reporting", None)
    duplicate = select(ContentReport.id).where(
        ContentReport.reporter_id == actor.id,
        ContentReport.resolved.is_(False),
        *[getattr(ContentReport, key) == value for key, value in target.items()],
    )
    if db.session.scalar(duplicate) is not None:
        return
    db.session.add(
        ContentReport(reporter_id=actor.id, reason=reason, created_at=utcnow(), **target)
    )
    record(actor, "content.reported", submission, f"Report about {submission.reference}")
    db.session.commit()


def _moderated_idea(actor: User, submission_id: int) -> Submission:
    submission = access.get_visible(actor, submission_id)
    if not access.can_moderate(actor, submission):
        raise PermissionDenied("Only the idea's leaders and administrators can moderate it.")
    return submission


def _moderated_comment(actor: User, comment_id: int) -> tuple[Comment, Submission]:
    comment = get_by_id(Comment, comment_id)
    if comment is None:
        raise NotFound("There is no such comment.")
    return comment, _moderated_idea(actor, comment.submission_id)


def hide_submission(actor: User, submission_id: int, reason: str) -> Submission:
    submission = _moderated_idea(actor, submission_id)
    submission.hidden_reason = _reason(reason)
    _resolve_reports(ContentReport.submission_id == submission.id)
    record(actor, "idea.hidden", submission, f"{submission.reference} hidden: {reason.strip()}")
    db.session.commit()
    return submission


def unhide_submission(actor: User, submission_id: int) -> Submission:
    submission = _moderated_idea(actor, submission_id)
    submission.hidden_reason = None
    record(actor, "idea.unhidden", submission, f"{submission.reference} shown again")
    db.session.commit()
    return submission


def hide_comment(actor: User, comment_id: int, reason: str) -> Comment:
    comment, submission = _moderated_comment(actor, comment_id)
    comment.hidden_reason = _reason(reason)
    _resolve_reports(ContentReport.comment_id == comment.id)
    record(actor, "comment.hidden", comment, f"Comment on {submission.reference} hidden")
    db.session.commit()
    return comment


def unhide_comment(actor: User, comment_id: int) -> Comment:
    comment, submission = _moderated_comment(actor, comment_id)
    comment.hidden_reason = None
    record(actor, "comment.unhidden", comment, f"Comment on {submission.reference} shown again")
    db.session.commit()
    return comment


def dismiss_report(actor: User, report_id: int) -> None:
    """A moderator decides a report needs no action: it leaves the list, and the log says so."""
    found = get_by_id(ContentReport, report_id)
    if found is None:
        raise NotFound("There is no such report.")
    submission_id = found.submission_id or (found.comment.submission_id if found.comment else 0)
    submission = _moderated_idea(actor, submission_id)
    found.resolved = True
    record(actor, "report.dismissed", submission, f"Report about {submission.reference} dismissed")
    db.session.commit()


def _resolve_reports(condition: ColumnElement[bool]) -> None:
    for open_report in db.session.scalars(select(ContentReport).where(condition)):
        open_report.resolved = True


def open_reports(actor: User) -> list[ContentReport]:
    """Reports that this moderator can act on, oldest first."""
    if not actor.has_role(Role.LEADER, Role.ADMIN):
        raise PermissionDenied("Only leaders and administrators moderate ideas.")
    query = (
        select(ContentReport)
        .options(selectinload(ContentReport.comment))
        .where(ContentReport.resolved.is_(False))
    )
    if not actor.has_role(Role.ADMIN):
        reported_idea = func.coalesce(
            ContentReport.submission_id,
            select(Comment.submission_id)
            .where(Comment.id == ContentReport.comment_id)
            .scalar_subquery(),
        )
        moderated = select(Submission.id).where(access.moderated_by(actor))
        query = query.where(reported_idea.in_(moderated))
    return list(db.session.scalars(query.order_by(ContentReport.created_at).limit(200)))
