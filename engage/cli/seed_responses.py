"""The demo trust's "you said, we did": decisions on decided submissions, actions with owners
and progress, and published board entries, consistent with each submission's history."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from engage.accounts.models import Role, User
from engage.cli.seed_rows import (
    Row,
    in_order_made,
    insert_returning_ids,
    insert_rows,
    leaders_by_unit,
    update_rows,
)
from engage.extensions import db
from engage.responses.models import Action, ActionStatus, Decision, Outcome, Publication
from engage.submissions.models import Queue, Status, StatusChange, Submission, Theme

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


def seed_responses(rng: random.Random, today: date, made: list[int]) -> int:
    """Decisions, actions and publications for the decided submissions (those of `made`, the
    demo's submissions in the order made, in that order)."""
    leaders = leaders_by_unit()
    guardian = db.session.scalar(select(User.id).where(User.role == Role.GUARDIAN.value))
    themes = {theme: name for theme, name in db.session.execute(select(Theme.id, Theme.name))}
    decision_changes = select(StatusChange.submission_id, StatusChange.changed_on).where(
        StatusChange.to_status.in_((Status.DECISION_MADE.value, Status.NOT_TAKEN_FORWARD.value))
    )
    decisions_on = {submission: day for submission, day in db.session.execute(decision_changes)}
    decided = in_order_made(
        db.session.scalars(select(Submission).where(Submission.status.in_(DECIDED))), made
    )
    decisions: list[Row] = []
    actions: list[Row] = []
    parents: list[int | None] = []  # each action's parent, by its position in `actions`
    publications: list[Row] = []
    for submission in decided:
        handler = (
            guardian
            if submission.queue_enum is Queue.GUARDIAN
            else leaders.get(submission.unit_id, guardian)
        )
        if handler is None:
            continue
        decided_on = decisions_on.get(submission.id) or submission.submitted_on
        outcome = _outcome(submission, rng)
        decisions.append(
            {
                "submission_id": submission.id,
                "outcome": outcome.value,
                "response": "Thank you for raising this. " + WE_DID[outcome],
                "reason": "The budget for this year is committed."
                if outcome is Outcome.NOT_TAKEN_FORWARD
                else None,
                "decided_by_id": handler,
                "decided_on": decided_on,
                "decided_at": datetime.combine(decided_on, time(11, 0)),
            }
        )
        theme = themes[submission.theme_id]
        if outcome is not Outcome.NOT_TAKEN_FORWARD:
            parent, steps = _actions(submission, theme, handler, decided_on, today, rng)
            parents += [None] + [len(actions)] * len(steps)
            actions += [parent, *steps]
        if (today - decided_on).days > 30 and rng.random() < 0.6:
            publications.append(
                _publish(submission, theme, handler, outcome, decided_on, today, rng)
            )
    insert_rows(Decision, decisions)
    # A step refers to its parent action, which has its identifier once inserted.
    ids = insert_returning_ids(Action, actions, by="submission_id")
    update_rows(
        Action,
        [
            {"id": ids[index], "parent_id": ids[parent]}
            for index, parent in enumerate(parents)
            if parent is not None
        ],
    )
    insert_rows(Publication, publications)
    return len(decisions)


def _outcome(submission: Submission, rng: random.Random) -> Outcome:
    if submission.status_enum is Status.NOT_TAKEN_FORWARD:
        return Outcome.NOT_TAKEN_FORWARD
    return rng.choices([Outcome.ADOPT, Outcome.ADAPT, Outcome.PILOT], [5, 3, 2])[0]


def _actions(
    submission: Submission,
    theme: str,
    owner: int,
    decided_on: date,
    today: date,
    rng: random.Random,
) -> tuple[Row, list[Row]]:
    """The action and its steps (whose parent the caller sets, once the action has an id)."""
    steps = ACTION_STEPS.get(theme, ["Make the change", "Review it with staff"])
    created = datetime.combine(decided_on, time(12, 0))
    parent: Row = {
        "submission_id": submission.id,
        "description": f"Deliver: {submission.title}",
        "owner_id": owner,
        "due_on": decided_on + timedelta(days=60),
        "status": ActionStatus.IN_PROGRESS.value,
        "progress": 0,
        "completed_on": None,
        "created_at": created,
        "updated_at": created,
    }
    rows = []
    finished = 0
    for number, step in enumerate(steps, 1):
        due = decided_on + timedelta(days=20 * number)
        done = due < today and rng.random() < 0.85
        finished += done
        rows.append(
            {
                "submission_id": submission.id,
                "description": step,
                "owner_id": owner,
                "due_on": due,
                "status": (
                    ActionStatus.DONE
                    if done
                    else ActionStatus.IN_PROGRESS
                    if due < today + timedelta(days=20)
                    else ActionStatus.PLANNED
                ).value,
                "progress": 100 if done else rng.choice([0, 25, 50]),
                "completed_on": min(due, today) if done else None,
                "created_at": created,
                "updated_at": created,
            }
        )
    if finished == len(steps):
        parent["status"], parent["progress"], parent["completed_on"] = (
            ActionStatus.DONE.value,
            100,
            min(parent["due_on"], today),
        )
    return parent, rows


def _publish(
    submission: Submission,
    theme: str,
    handler: int,
    outcome: Outcome,
    decided_on: date,
    today: date,
    rng: random.Random,
) -> Row:
    # Concerns raised confidentially or anonymously are summarised in the handler's own words.
    own_words = submission.hides_submitter
    you_said = f"Staff raised a concern about {theme.lower()}." if own_words else submission.title
    published_on = min(decided_on + timedelta(days=rng.randint(14, 60)), today)
    return {
        "submission_id": submission.id,
        "unit_id": submission.unit_id,
        "theme_id": submission.theme_id,
        "you_said": you_said,
        "we_did": WE_DID[outcome],
        "published_on": published_on,
        "published_by_id": handler,
    }
