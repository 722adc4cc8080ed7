"""The demo trust's "you said, we did": decisions on decided submissions, actions with owners
and progress, and published board entries, consistent with each submission's history."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from engage.accounts.models import Role, User
from engage.extensions import db
from engage.responses.models import Action, ActionStatus, Decision, Outcome, Publication
from engage.submissions.models import Queue, Status, StatusChange, Submission

DECIDED = (Status.DECISION_MADE.value, Status.CLOSED.value, Status.NOT_TAKEN_FORWARD.value)
ACTION_STEPS = {
    "Staffing and workload": [
        "Agree the change with the rota team",
        "Trial it for four weeks",
        "Review with staff",
    ],
    "Equipment and environment": ["Get quotes", "Order and install", "Tell staff where it is"],
    "Processes and systems": ["Write the new procedure", "Train the team", "Audit after a month"],
    "Training and development": ["Book the sessions", "Run the first session", "Collect feedback"],
    "Worker safety and wellbeing": [
        "Agree it with estates",
        "Put it in place",
        "Ask staff if it helps",
    ],
    "Patient safety and quality": ["Risk assess", "Introduce on one bay", "Roll out to the ward"],
}
WE_DID = {
    Outcome.ADOPT: "We made the change. Thank you to everyone who suggested and supported it.",
    Outcome.ADAPT: "We made a version of this that fits how the ward works, and will review it in three months.",
    Outcome.PILOT: "We tried it for four weeks and are now deciding, with staff, whether to keep it.",
    Outcome.NOT_TAKEN_FORWARD: "We looked at this carefully but could not do it this year; we explained why and will look again in spring.",
}


def seed_responses(rng: random.Random, today: date) -> int:
    leaders = {
        scope.unit_id: user
        for user in db.session.scalars(select(User).where(User.role == Role.LEADER.value))
        for scope in user.scopes
    }
    guardian = db.session.scalar(select(User).where(User.role == Role.GUARDIAN.value))
    decided = db.session.scalars(select(Submission).where(Submission.status.in_(DECIDED)))
    count = 0
    for submission in decided:
        handler = (
            guardian
            if submission.queue_enum is Queue.GUARDIAN
            else leaders.get(submission.unit_id, guardian)
        )
        if handler is None:
            continue
        decided_on = _decided_on(submission)
        outcome = _outcome(submission, rng)
        db.session.add(
            Decision(
                submission_id=submission.id,
                outcome=outcome.value,
                response="Thank you for raising this. " + WE_DID[outcome],
                reason="The budget for this year is committed."
                if outcome is Outcome.NOT_TAKEN_FORWARD
                else None,
                decided_by_id=handler.id,
                decided_on=decided_on,
                decided_at=datetime.combine(decided_on, time(11, 0)),
            )
        )
        if outcome is not Outcome.NOT_TAKEN_FORWARD:
            _actions(submission, handler, decided_on, today, rng)
        if (today - decided_on).days > 30 and rng.random() < 0.6:
            _publish(submission, handler, outcome, decided_on, today, rng)
        count += 1
    return count


def _decided_on(submission: Submission) -> date:
    change = db.session.scalar(
        select(StatusChange.changed_on).where(
            StatusChange.submission_id == submission.id,
            StatusChange.to_status.in_(
                (Status.DECISION_MADE.value, Status.NOT_TAKEN_FORWARD.value)
            ),
        )
    )
    return change or submission.submitted_on


def _outcome(submission: Submission, rng: random.Random) -> Outcome:
    if submission.status_enum is Status.NOT_TAKEN_FORWARD:
        return Outcome.NOT_TAKEN_FORWARD
    return rng.choices([Outcome.ADOPT, Outcome.ADAPT, Outcome.PILOT], [5, 3, 2])[0]


def _actions(
    submission: Submission, owner: User, decided_on: date, today: date, rng: random.Random
) -> None:
    steps = ACTION_STEPS.get(submission.theme.name, ["Make the change", "Review it with staff"])
    parent = Action(
        submission_id=submission.id,
        description=f"Deliver: {submission.title}",
        owner_id=owner.id,
        due_on=decided_on + timedelta(days=60),
        status=ActionStatus.IN_PROGRESS.value,
        progress=0,
        created_at=datetime.combine(decided_on, time(12, 0)),
        updated_at=datetime.combine(decided_on, time(12, 0)),
    )
    db.session.add(parent)
    db.session.flush()
    finished = 0
    for number, step in enumerate(steps, 1):
        due = decided_on + timedelta(days=20 * number)
        done = due < today and rng.random() < 0.85
        finished += done
        db.session.add(
            Action(
                submission_id=submission.id,
                parent_id=parent.id,
                description=step,
                owner_id=owner.id,
                due_on=due,
                status=(
                    ActionStatus.DONE
                    if done
                    else ActionStatus.IN_PROGRESS
                    if due < today + timedelta(days=20)
                    else ActionStatus.PLANNED
                ).value,
                progress=100 if done else rng.choice([0, 25, 50]),
                completed_on=min(due, today) if done else None,
                created_at=parent.created_at,
                updated_at=parent.created_at,
            )
        )
    if finished == len(steps):
        parent.status, parent.progress, parent.completed_on = (
            ActionStatus.DONE.value,
            100,
            min(parent.due_on, today),
        )


def _publish(
    submission: Submission,
    handler: User,
    outcome: Outcome,
    decided_on: date,
    today: date,
    rng: random.Random,
) -> None:
    # Concerns raised confidentially or anonymously are summarised in the handler's own words.
    own_words = submission.hides_submitter
    you_said = (
        f"Staff raised a concern about {submission.theme.name.lower()}."
        if own_words
        else submission.title
    )
    published_on = min(decided_on + timedelta(days=rng.randint(14, 60)), today)
    db.session.add(
        Publication(
            submission_id=submission.id,
            unit_id=submission.unit_id,
            theme_id=submission.theme_id,
            you_said=you_said,
            we_did=WE_DID[outcome],
            published_on=published_on,
            published_by_id=handler.id,
        )
    )
