"""Factories for decisions and actions."""

from __future__ import annotations

from datetime import timedelta

from engage.accounts.models import User
from engage.extensions import db
from engage.responses.models import Action, ActionStatus
from engage.submissions.models import Submission
from engage.timeutil import utcnow


def make_action(
    submission: Submission,
    *,
    owner: User,
    description: str = "Order a second bladder scanner",
    due_in_days: int = 14,
    status: ActionStatus = ActionStatus.PLANNED,
    progress: int = 0,
    parent: Action | None = None,
) -> Action:
    now = utcnow()
    action = Action(
        submission_id=submission.id,
        parent_id=parent.id if parent else None,
        description=description,
        owner_id=owner.id,
        due_on=now.date() + timedelta(days=due_in_days),
        status=status.value,
        progress=progress,
        dropped_reason="No longer needed" if status is ActionStatus.DROPPED else None,
        created_at=now,
        updated_at=now,
    )
    db.session.add(action)
    db.session.commit()
    return action
