"""Actions ("we did"): owners, due dates, status and progress, grouped under parents so that
progress rolls up as in Decidim's accountability results."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from engage.accounts.models import Role, User
from engage.audit.services import record
from engage.errors import NotFound, PermissionDenied, ValidationFailed
from engage.extensions import db, get_by_id
from engage.responses import progress
from engage.responses.models import Action, ActionStatus
from engage.responses.services import decision_for, handled_submission, require_open
from engage.submissions import access
from engage.submissions.models import Queue, Submission
from engage.timeutil import london_day, london_today, utcnow

DESCRIPTION_MAX = 500


@dataclass(frozen=True)
class ActionDetails:
    description: str
    owner_id: int
    due_on: date
    status: ActionStatus = ActionStatus.PLANNED
    progress: int = 0
    dropped_reason: str = ""
    parent_id: int | None = None


# The guardian works trust-wide, so actions on concerns in their queue go to people with the
# authority to act on them anywhere: leaders, guardians and administrators.
TRUST_WIDE_OWNERS = (Role.LEADER.value, Role.GUARDIAN.value, Role.ADMIN.value)


def _owner_units(actor: User, submission: Submission) -> set[int] | None:
    """Units whose staff may own an action (those the handler leads, and the submission's
    own), or None for the guardian's queue."""
    if submission.queue_enum is Queue.GUARDIAN:
        return None
    return access.led_unit_ids(actor) | {submission.unit_id}


def owner_choices(actor: User, submission: Submission) -> list[User]:
    query = select(User).where(User.active.is_(True)).order_by(User.name)
    units = _owner_units(actor, submission)
    if units is None:
        query = query.where(or_(User.role.in_(TRUST_WIDE_OWNERS), User.id == actor.id))
    else:
        query = query.where(or_(User.unit_id.in_(units), User.id == actor.id))
    return list(db.session.scalars(query.limit(1000)))


def owner_labels(owners: list[User]) -> list[tuple[int, str]]:
    """How owners are offered: by name, with role and unit to tell them apart ("Sam Lee
    (Leader, Ward 9)"). Only people whose labels would still be the same also show their
    email address."""
    labels: list[tuple[int, str]] = []
    for user in owners:
        where = ", ".join(
            part
            for part in (
                user.role_enum.label if user.role_enum is not Role.STAFF else "",
                user.unit.name if user.unit else "",
            )
            if part
        )
        labels.append((user.id, f"{user.name} ({where})" if where else user.name))
    seen = Counter(label for _, label in labels)
    emails = {user.id: user.email for user in owners}
    return [
        (number, f"{label} {emails[number]}" if seen[label] > 1 else label)
        for number, label in labels
    ]


def _may_own(actor: User, submission: Submission, owner: User | None) -> bool:
    if owner is None or not owner.active:
        return False
    if owner.id == actor.id:
        return True
    units = _owner_units(actor, submission)
    return owner.role in TRUST_WIDE_OWNERS if units is None else owner.unit_id in units


def _check(actor: User, submission: Submission, details: ActionDetails, *, creating: bool) -> User:
    description = details.description.strip()
    if not description:
        raise ValidationFailed("Describe the action", "description")
    if len(description) > DESCRIPTION_MAX:
        raise ValidationFailed(
            f"Description must be {DESCRIPTION_MAX} characters or fewer", "description"
        )
    owner = get_by_id(User, details.owner_id)
    if owner is None or not _may_own(actor, submission, owner):
        raise ValidationFailed("Choose an owner who works in the units you lead", "owner_id")
    if creating and details.due_on < london_today():
        raise ValidationFailed("Due date must be today or in the future", "due_on")
    if not 0 <= details.progress <= 100:
        raise ValidationFailed("Progress must be a whole number from 0 to 100", "progress")
    if details.status is ActionStatus.DROPPED and not details.dropped_reason.strip():
        raise ValidationFailed("Say why the action was dropped", "dropped_reason")
    return owner


def add_action(actor: User, submission_id: int, details: ActionDetails) -> Action:
    submission = handled_submission(actor, submission_id)
    require_open(submission)
    if decision_for(submission.id) is None:
        raise ValidationFailed("Record a decision before adding actions", None)
    owner = _check(actor, submission, details, creating=True)
    parent = None
    if details.parent_id is not None:
        parent = get_by_id(Action, details.parent_id)
        if parent is None or parent.submission_id != submission.id:
            raise ValidationFailed("Choose a parent action from this submission", "parent_id")
    now = utcnow()
    settled = progress.settle(details.status, details.progress)
    action = Action(
        submission_id=submission.id,
        parent_id=parent.id if parent else None,
        description=details.description.strip(),
        owner_id=owner.id,
        due_on=details.due_on,
        status=settled.status.value,
        progress=settled.percent,
        dropped_reason=details.dropped_reason.strip() or None,
        completed_on=london_day(now) if settled.status is ActionStatus.DONE else None,
        created_at=now,
        updated_at=now,
    )
    db.session.add(action)
    db.session.flush()
    _roll_up(actor, action.parent)
    record(
        actor,
        "action.created",
        action,
        f"Action on {submission.reference}: {action.description[:80]}",
        detail={"owner": owner.id, "due_on": details.due_on.isoformat()},
    )
    db.session.commit()
    return action


def get_action(actor: User, action_id: int) -> Action:
    action = get_by_id(Action, action_id)
    if action is None:
        raise NotFound("There is no such action.")
    if not (access.can_handle(actor, action.submission) or action.owner_id == actor.id):
        raise PermissionDenied("Only the action's owner and the people handling it can change it.")
    return action


def handles(actor: User, action: Action) -> bool:
    return access.can_handle(actor, action.submission)


def update_action(actor: User, action_id: int, details: ActionDetails) -> Action:
    action = get_action(actor, action_id)
    require_open(action.submission)
    if not access.can_handle(actor, action.submission) and details.owner_id != action.owner_id:
        raise PermissionDenied("Only the people handling this can give the action to someone else.")
    owner = _check(actor, action.submission, details, creating=False)
    before = {
        "status": action.status,
        "progress": action.progress,
        "owner": action.owner_id,
        "due_on": action.due_on.isoformat(),
    }
    settled = progress.settle(details.status, details.progress, was=action.status_enum)
    action.description = details.description.strip()
    action.owner_id = owner.id
    action.due_on = details.due_on
    action.dropped_reason = details.dropped_reason.strip() or None
    _set(action, settled)
    if settled.status is not ActionStatus.DROPPED:
        _follow_parts(action)  # a parent's own choice gives way to its parts'
    after = {
        "status": action.status,
        "progress": action.progress,
        "owner": action.owner_id,
        "due_on": action.due_on.isoformat(),
    }
    record(
        actor,
        "action.updated",
        action,
        f"Action {action.id} on {action.submission.reference} updated",
        detail={"before": before, "after": after},
    )
    _roll_up(actor, action.parent)
    db.session.commit()
    return action


def followed_its_parts(action: Action, asked: ActionDetails) -> bool:
    """Whether a saved main action's status and progress gave way to its parts' rather than
    being what was chosen (dropped, a choice of its own, stands): the person who saved it is
    told, or "Action saved." would read as if their choice were kept."""
    if asked.status is ActionStatus.DROPPED or _parts(action) is None:
        return False
    chosen = progress.settle(asked.status, asked.progress)
    return (chosen.status, chosen.percent) != (action.status_enum, action.progress)


def _set(action: Action, settled: progress.Progress) -> None:
    action.status = settled.status.value
    action.progress = settled.percent
    done = settled.status is ActionStatus.DONE
    action.completed_on = (action.completed_on or london_today()) if done else None
    action.updated_at = utcnow()


def _parts(action: Action) -> progress.Progress | None:
    return progress.combined(
        progress.Progress(child.status_enum, child.progress) for child in action.children
    )


def _follow_parts(action: Action) -> None:
    followed = _parts(action)
    if followed is not None:
        _set(action, followed)


def _roll_up(actor: User, parent: Action | None) -> None:
    """Each parent above a changed action follows its parts; each change is audited."""
    db.session.flush()
    while parent is not None:
        db.session.refresh(parent, ["children"])
        followed = _parts(parent)
        if parent.status_enum is ActionStatus.DROPPED or followed is None:
            return
        if (parent.status_enum, parent.progress) != (followed.status, followed.percent):
            before = {"status": parent.status, "progress": parent.progress}
            _set(parent, followed)
            record(
                actor,
                "action.updated",
                parent,
                f"Action {parent.id} on {parent.submission.reference} follows its parts",
                detail={
                    "before": before,
                    "after": {"status": parent.status, "progress": parent.progress},
                },
            )
        db.session.flush()
        parent = parent.parent


def response_progress(every: list[Action]) -> progress.Progress | None:
    """The response's state over its main actions (each counted as it rolls up)."""
    return progress.combined(
        progress.Progress(action.status_enum, rolled_up_progress(action, every))
        for action in every
        if action.parent_id is None
    )


def actions_for(submission: Submission) -> list[Action]:
    """Every action on the submission, in one query; the page nests children under parents."""
    query = select(Action).where(Action.submission_id == submission.id).order_by(Action.id)
    return list(db.session.scalars(query))


def rolled_up_progress(action: Action, every: list[Action]) -> int:
    """A parent's progress is the mean of its live children's (dropped ones do not count)."""
    children = [
        a for a in every if a.parent_id == action.id and a.status_enum is not ActionStatus.DROPPED
    ]
    if not children:
        return action.progress
    return round(sum(rolled_up_progress(child, every) for child in children) / len(children))


def is_overdue(action: Action, today: date) -> bool:
    return action.is_open and action.due_on < today


def my_actions(actor: User) -> list[Action]:
    query = (
        select(Action)
        .options(selectinload(Action.submission))
        .where(Action.owner_id == actor.id)
        .order_by(
            Action.status.in_([ActionStatus.DONE.value, ActionStatus.DROPPED.value]), Action.due_on
        )
        .limit(200)
    )
    return list(db.session.scalars(query))


def in_hand_choices(actor: User) -> list[Action]:
    """Open actions the handler could point to when something is "already in hand"."""
    if not actor.has_role(Role.LEADER, Role.GUARDIAN):
        return []
    query = (
        select(Action)
        .options(selectinload(Action.submission))
        .join(Submission, Submission.id == Action.submission_id)
        .where(
            access.handled_by(actor),
            Action.status.in_([ActionStatus.PLANNED.value, ActionStatus.IN_PROGRESS.value]),
        )
        .order_by(Action.due_on)
        .limit(200)
    )
    return list(db.session.scalars(query))
