"""Who may see, handle, identify, support, discuss, moderate and publish a submission.

Each rule is written once, as the SQL condition a list query filters by (`handled_by`,
`visible_to`, ...). The one-item checks (`can_handle`, `can_see`, ...) evaluate that same
condition on the row in hand (see engage.submissions.rules), so a list and a page can never
disagree about who may do what. Every service asks here; views never do.
"""

from __future__ import annotations

from flask import g, has_app_context
from sqlalchemy import ColumnElement, and_, false, or_, select, true

from engage.accounts.models import Role, User
from engage.errors import NotFound, PermissionDenied
from engage.extensions import db, get_by_id
from engage.organisation.models import Unit
from engage.submissions.models import ENDINGS, Kind, Queue, Submission
from engage.submissions.rules import holds


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


# The rules, as SQL conditions on submissions.


def handled_by(actor: User) -> ColumnElement[bool]:
    """The submissions this user handles (their inbox): the guardian's queue and concerns
    escalated to the guardian for guardians; the leaders' queue in their units for leaders."""
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
    """Ideas colleagues may read, comment on and report: those of their own directorate that
    no moderator has hidden (never concerns)."""
    if actor.unit is None or actor.has_role(Role.BOARD):
        return false()  # the board reads figures, never an individual idea
    return and_(
        Submission.kind == Kind.IDEA.value,
        Submission.hidden_reason.is_(None),
        Submission.unit_id.in_(_units_in((actor.unit.directorate_id,))),
    )


def raised_by(actor: User) -> ColumnElement[bool]:
    """What this user raised with their name on it (anonymous ones are tied to no one)."""
    return Submission.submitter_id == actor.id


def visible_to(actor: User) -> ColumnElement[bool]:
    """Everything this user may open."""
    if actor.has_role(Role.BOARD):
        return false()  # the board reads figures, never an individual idea or concern
    conditions = [raised_by(actor), handled_by(actor), shared_ideas_for(actor)]
    if actor.has_role(Role.GUARDIAN):
        conditions.append(Submission.kind == Kind.CONCERN.value)
    if actor.has_role(Role.ADMIN):
        conditions.append(Submission.kind == Kind.IDEA.value)  # to moderate; never concerns
    return or_(*conditions)


def supportable_by(actor: User) -> ColumnElement[bool]:
    """Shared ideas, still open, that someone else raised: "me too" once per person."""
    return and_(
        shared_ideas_for(actor),
        Submission.status.not_in([status.value for status in ENDINGS]),
        or_(Submission.submitter_id.is_(None), Submission.submitter_id != actor.id),
    )


def moderated_by(actor: User) -> ColumnElement[bool]:
    """Ideas this user may hide or show again, and whose reports they see: every idea for
    administrators, the ideas of the units they lead for leaders. Concerns are never moderated."""
    if actor.has_role(Role.ADMIN):
        scope: ColumnElement[bool] = true()
    elif actor.has_role(Role.LEADER):
        scope = Submission.unit_id.in_(led_unit_ids(actor))
    else:
        return false()
    return and_(Submission.kind == Kind.IDEA.value, scope)


def publishable_by(actor: User) -> ColumnElement[bool]:
    """Whose outcome this user may put on the "You said, we did" boards: what they handle."""
    return handled_by(actor)


def identifies_submitter_to(actor: User) -> ColumnElement[bool]:
    """Submissions whose submitter this user may always know: their own, and open ones.
    Anonymous ones keep no submitter to know. The guardian learns a confidential submitter
    only by revealing it with a reason, for one response at a time (engage.guardian.identity,
    `reveal_for_this_response`): a recorded act, not a standing rule, so it is not here."""
    return or_(raised_by(actor), ~Submission.hides_submitter)


# The one-item checks: the rules above, evaluated on the row in hand.


def can_see(actor: User, submission: Submission) -> bool:
    return holds(visible_to(actor), submission)


def can_handle(actor: User, submission: Submission) -> bool:
    return holds(handled_by(actor), submission)


def can_discuss(actor: User, submission: Submission) -> bool:
    """Comment on it or report it as inappropriate."""
    return holds(shared_ideas_for(actor), submission)


def can_support(actor: User, submission: Submission) -> bool:
    return holds(supportable_by(actor), submission)


def can_moderate(actor: User, submission: Submission) -> bool:
    return holds(moderated_by(actor), submission)


def can_publish(actor: User, submission: Submission) -> bool:
    return holds(publishable_by(actor), submission)


def can_identify_submitter(actor: User, submission: Submission) -> bool:
    return holds(identifies_submitter_to(actor), submission)


def is_submitter(actor: User | None, submission: Submission) -> bool:
    return actor is not None and holds(raised_by(actor), submission)


def submitter_name_for(actor: User | None, submission: Submission) -> str:
    """What this viewer may know of who raised it: the one place a submitter is named."""
    submitter = submission.submitter
    if submitter is None:
        return "Anonymous"
    if is_submitter(actor, submission):
        if submission.hides_submitter:  # tell them how far their name goes
            return f"{submitter.name} (you), confidentially: only the guardian can learn it"
        return f"{submitter.name} (you)"
    if actor is not None and can_identify_submitter(actor, submission):
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
    if not can_see(actor, submission):
        raise PermissionDenied(
            "You cannot see this idea or concern. Concerns are seen only by the person who "
            "raised them and the people handling them."
        )
    return submission
