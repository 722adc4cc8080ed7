"""Who may see, handle and identify a submission. Every service asks here; views never do."""

from __future__ import annotations

from flask import g, has_app_context
from sqlalchemy import ColumnElement, and_, false, or_, select

from engage.accounts.models import Role, User
from engage.errors import NotFound, PermissionDenied
from engage.extensions import db, get_by_id
from engage.organisation.models import Unit
from engage.submissions.models import Kind, Queue, SpeakUpMode, Submission


def led_unit_ids(leader: User) -> set[int]:
    """The units a leader answers for: named units, and every unit of named directorates."""
    unit_ids = {scope.unit_id for scope in leader.scopes if scope.unit_id is not None}
    directorates = tuple(sorted(s.directorate_id for s in leader.scopes if s.directorate_id))
    if directorates:
        unit_ids.update(_units_in(directorates))
    return unit_ids


def _units_in(directorate_ids: tuple[int, ...]) -> frozenset[int]:
    """One query per request for a set of directorates: a page asks several times (can this
    leader see it, handle it, moderate it?) and the answer cannot change meanwhile."""
    cache: dict[tuple[int, ...], frozenset[int]] = (
        g.setdefault("units_in_directorates", {}) if has_app_context() else {}
    )
    if directorate_ids not in cache:
        query = select(Unit.id).where(Unit.directorate_id.in_(directorate_ids))
        cache[directorate_ids] = frozenset(db.session.scalars(query))
    return cache[directorate_ids]


def inbox_units(actor: User) -> list[Unit]:
    """The units a handler's inbox can be filtered by: all of them for the guardian."""
    query = select(Unit).order_by(Unit.name)
    if not actor.has_role(Role.GUARDIAN):
        query = query.where(Unit.id.in_(led_unit_ids(actor)))
    return list(db.session.scalars(query))


def handled_by(actor: User) -> ColumnElement[bool]:
    """SQL condition: the submissions this user handles (their inbox)."""
    if actor.has_role(Role.GUARDIAN):
        escalated = and_(
            Submission.kind == Kind.CONCERN.value, Submission.guardian_escalated_on.is_not(None)
        )
        return or_(Submission.queue == Queue.GUARDIAN.value, escalated)
    if actor.has_role(Role.LEADER):
        return and_(
            Submission.queue == Queue.LEADERS.value,
            Submission.unit_id.in_(led_unit_ids(actor)),
        )
    return false()


def shared_ideas_for(actor: User) -> ColumnElement[bool]:
    """SQL condition: ideas colleagues may read, support and comment on (never concerns)."""
    if actor.unit is None or actor.has_role(Role.BOARD):
        return false()  # the board reads figures, never an individual idea
    same_directorate = select(Unit.id).where(Unit.directorate_id == actor.unit.directorate_id)
    return and_(
        Submission.kind == Kind.IDEA.value,
        Submission.hidden_reason.is_(None),
        Submission.unit_id.in_(same_directorate),
    )


def visible_to(actor: User) -> ColumnElement[bool]:
    if actor.has_role(Role.BOARD):
        return false()  # the board reads figures, never an individual idea or concern
    conditions = [Submission.submitter_id == actor.id, handled_by(actor), shared_ideas_for(actor)]
    if actor.has_role(Role.GUARDIAN):
        conditions.append(Submission.kind == Kind.CONCERN.value)
    if actor.has_role(Role.ADMIN):
        conditions.append(Submission.kind == Kind.IDEA.value)  # to moderate; never concerns
    return or_(*conditions)


def can_handle(actor: User, submission: Submission) -> bool:
    if actor.has_role(Role.GUARDIAN):
        escalated = submission.guardian_escalated_on is not None
        return submission.queue_enum is Queue.GUARDIAN or (
            submission.kind_enum is Kind.CONCERN and escalated
        )
    if actor.has_role(Role.LEADER):
        return submission.queue_enum is Queue.LEADERS and submission.unit_id in led_unit_ids(actor)
    return False


def can_moderate(actor: User, submission: Submission) -> bool:
    return actor.has_role(Role.ADMIN) or (
        actor.has_role(Role.LEADER) and submission.unit_id in led_unit_ids(actor)
    )


def is_submitter(actor: User | None, submission: Submission) -> bool:
    return (
        actor is not None
        and submission.submitter_id is not None
        and submission.submitter_id == actor.id
    )


def submitter_name_for(actor: User | None, submission: Submission) -> str:
    """What this viewer may know of who raised it."""
    mode = submission.mode_enum
    submitter = submission.submitter
    if mode is SpeakUpMode.ANONYMOUS or submitter is None:
        return "Anonymous"
    if is_submitter(actor, submission):
        return f"{submitter.name} (you)"
    if mode is SpeakUpMode.OPEN:
        return submitter.name
    if actor is not None and actor.has_role(Role.GUARDIAN):
        # Hidden from the guardian too until revealed with a reason (engage.guardian.identity
        # records and audits the reveal), and then for that one response only.
        if submission.id in g.get(REVEALED_THIS_RESPONSE, set()):
            return f"{submitter.name} (confidential: do not share without consent)"
        return HIDDEN_FROM_GUARDIAN
    return "Confidential: known only to the Freedom to Speak Up guardian"


REVEALED_THIS_RESPONSE = "ftsu_revealed_submissions"
HIDDEN_FROM_GUARDIAN = "Confidential: hidden until you reveal it on the case record, with a reason"


def reveal_for_this_response(submission_id: int) -> None:
    """Show a confidential submitter's name to the guardian in this response only; the caller
    (engage.guardian.identity) has recorded and audited the reveal."""
    g.setdefault(REVEALED_THIS_RESPONSE, set()).add(submission_id)


def get_visible(actor: User, submission_id: int) -> Submission:
    submission = get_by_id(Submission, submission_id)
    if submission is None:
        raise NotFound("There is no idea or concern with that number.")
    visible = db.session.scalar(
        select(Submission.id).where(Submission.id == submission_id, visible_to(actor))
    )
    if visible is None:
        raise PermissionDenied(
            "You cannot see this idea or concern. Concerns are seen only by the person who "
            "raised them and the people handling them."
        )
    return submission
