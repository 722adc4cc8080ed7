"""Overdue clocks, and passing overdue items up the line.

`run_escalations` is idempotent: each (submission, clock, level) is escalated once, enforced
by a unique constraint, so running it twice a day, or from two processes, does no harm.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from engage.accounts.models import LeaderScope, Role, User
from engage.audit.services import record
from engage.digests import alerts
from engage.extensions import db
from engage.responses.clocks import Clock, acknowledge_clock, decision_clock, escalation_levels
from engage.responses.models import Escalation
from engage.responses.services import clock_rules
from engage.submissions.models import Kind, Queue, Status, Submission

log = logging.getLogger(__name__)
UNDECIDED = (Status.SUBMITTED.value, Status.ACKNOWLEDGED.value, Status.UNDER_REVIEW.value)


def running_clock(submission: Submission, today: date) -> Clock | None:
    """The clock that matters now for an undecided submission (no database access)."""
    rules = clock_rules()
    if submission.status_enum is Status.SUBMITTED:
        return acknowledge_clock(rules, submission.submitted_on, None, today)
    if submission.status in UNDECIDED:
        return decision_clock(rules, submission.submitted_on, None, today)
    return None


def submission_clocks(submission: Submission, decided_on: date | None, today: date) -> list[Clock]:
    """Both clocks, met or not, for the submission's own page."""
    rules = clock_rules()
    if decided_on is None and submission.status_enum.is_ending:
        decided_on = submission.closed_on
    return [
        acknowledge_clock(rules, submission.submitted_on, submission.acknowledged_on, today),
        decision_clock(rules, submission.submitted_on, decided_on, today),
    ]


def _directorate_leads() -> dict[int, list[User]]:
    leads: dict[int, list[User]] = defaultdict(list)
    rows = db.session.execute(
        select(LeaderScope.directorate_id, User)
        .join(User, User.id == LeaderScope.user_id)
        .where(LeaderScope.directorate_id.is_not(None), User.active.is_(True))
    )
    for directorate_id, user in rows:
        if directorate_id is not None:
            leads[directorate_id].append(user)
    return leads


def run_escalations(today: date) -> int:
    """Escalate every overdue clock that has passed a grace period; return how many."""
    rules = clock_rules()
    done = set(
        db.session.execute(select(Escalation.submission_id, Escalation.clock, Escalation.level))
    )
    leads = _directorate_leads()
    guardians = list(
        db.session.scalars(
            select(User).where(User.role == Role.GUARDIAN.value, User.active.is_(True))
        )
    )
    count = 0
    for submission in db.session.scalars(
        select(Submission).where(Submission.status.in_(UNDECIDED))
    ):
        clock = running_clock(submission, today)
        if clock is None:
            continue
        name = "acknowledge" if submission.status_enum is Status.SUBMITTED else "decide"
        is_concern = submission.kind_enum is Kind.CONCERN
        for level in escalation_levels(rules, clock, today, is_concern=is_concern):
            # Confidential and anonymous concerns never leave the guardians' hands.
            if level == "directorate" and submission.queue_enum is Queue.GUARDIAN:
                continue
            if (submission.id, name, level) in done:
                continue
            if not _record_once(submission, name, level, clock, today):
                continue
            people = (
                guardians if level == "guardian" else leads.get(submission.unit.directorate_id, [])
            )
            _tell(people, submission, name)
            count += 1
    db.session.commit()
    return count


def _record_once(
    submission: Submission, clock_name: str, level: str, clock: Clock, today: date
) -> bool:
    try:
        with db.session.begin_nested():
            db.session.add(
                Escalation(
                    submission_id=submission.id,
                    clock=clock_name,
                    level=level,
                    escalated_on=today,
                    due_on=clock.due_on,
                )
            )
    except IntegrityError:
        return False  # another run escalated it first
    if level == "guardian":
        submission.guardian_escalated_on = today
    record(
        None,
        "submission.escalated",
        submission,
        f"{submission.reference}: {clock_name} overdue since {clock.due_on}, escalated to {level}",
        detail={"clock": clock_name, "level": level},
    )
    return True


def _tell(people: list[User], submission: Submission, clock_name: str) -> None:
    """A content-free alert, sent when each person chose (the guardian at once by default)."""
    if not people:
        # Recorded in the audit log all the same; the reference alone identifies nobody.
        log.warning("no one to tell about the overdue %s (%s)", submission.reference, clock_name)
    alerts.escalated(people, submission)
