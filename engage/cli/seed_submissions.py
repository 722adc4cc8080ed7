"""Two years of ideas and concerns for the demo trust, with the life each would have had."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from engage.accounts.models import Role, User
from engage.accounts.passwords import hash_password
from engage.cli.seed_rows import Row, UniqueCodes, insert_rows, leaders_by_unit
from engage.cli.seed_texts import CONCERNS, IDEAS
from engage.extensions import db, random_id
from engage.organisation.models import Unit
from engage.submissions.models import (
    Comment,
    Kind,
    Message,
    Queue,
    SpeakUpMode,
    Status,
    StatusChange,
    Submission,
    Support,
    Theme,
)
from engage.submissions.references import followup_digest, random_reference
from engage.submissions.services import route_for

DEMO_ANONYMOUS_REFERENCE = "CN-7KQ4-M2XD"
# Its private follow-up code, published for the demo (a real one is shown once, to its author).
DEMO_ANONYMOUS_FOLLOWUP_CODE = "H3WR-6TNB-Q8ZK"
DEMO_ANONYMOUS_PASSPHRASE = "engage demo passphrase"
WEEKS = 104


def _day_time(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(rng.randint(7, 21), rng.randint(0, 59)))


def _status_path(age_days: int, kind: Kind, rng: random.Random) -> list[Status]:
    """How far a submission of this age has got, as a believable sequence of statuses."""
    path = [Status.SUBMITTED]
    if age_days < 3 and rng.random() < 0.7:
        return path
    path.append(Status.ACKNOWLEDGED)
    if age_days < 14 and rng.random() < 0.6:
        return path
    path.append(Status.UNDER_REVIEW)
    if age_days < 45 and rng.random() < 0.5:
        return path
    if kind is Kind.IDEA and rng.random() < 0.25:
        return [*path, Status.NOT_TAKEN_FORWARD]
    path.append(Status.DECISION_MADE)
    if age_days > 90 and rng.random() < 0.8:
        path.append(Status.CLOSED)
    return path


@dataclass
class Rows:
    """The rows of submissions and their lives, written at the end with one INSERT a table."""

    references: UniqueCodes
    submissions: list[Row] = field(default_factory=list)
    changes: list[Row] = field(default_factory=list)
    messages: list[Row] = field(default_factory=list)
    supports: list[Row] = field(default_factory=list)
    comments: list[Row] = field(default_factory=list)

    def write(self) -> None:
        insert_rows(Submission, self.submissions)
        insert_rows(StatusChange, self.changes)
        insert_rows(Message, self.messages)
        insert_rows(Support, self.supports)
        insert_rows(Comment, self.comments)

    def change(self, submission: Row, to_status: Status, day: date, **values: Any) -> None:
        self.changes.append(
            {
                "submission_id": submission["id"],
                "from_status": values.get("from_status"),
                "to_status": to_status.value,
                "changed_by_id": values.get("changed_by_id"),
                "changed_on": day,
                "changed_at": values.get("changed_at"),
            }
        )


def submission_row(**values: Any) -> Row:
    """A submission's row, every column the demo sets present (a bulk INSERT needs the same
    keys in every row)."""
    return {
        "status": Status.SUBMITTED.value,
        "patient_safety": False,
        "submitter_id": None,
        "submitted_at": None,
        "acknowledged_on": None,
        "closed_on": None,
        "passphrase_hash": None,
        "followup_digest": None,
        "message_count": 0,
        **values,
    }


def submission_references() -> UniqueCodes:
    return UniqueCodes(Submission.reference)


def seed_submissions(rng: random.Random, today: date) -> list[int]:
    """Two years of submissions and their lives; returns their ids in the order made."""
    units = list(db.session.scalars(select(Unit).order_by(Unit.id)))
    themes = {t.name: t.id for t in db.session.scalars(select(Theme))}
    staff_by_unit: dict[int, list[int]] = defaultdict(list)
    staff = select(User.id, User.unit_id).where(User.role == Role.STAFF.value).order_by(User.id)
    for user_id, unit_id in db.session.execute(staff):
        if unit_id is not None:
            staff_by_unit[unit_id].append(user_id)
    leaders = leaders_by_unit()
    guardian = db.session.scalar(select(User.id).where(User.role == Role.GUARDIAN.value))
    # One hash of the demo passphrase, for every anonymous submission.
    passphrase_hash = hash_password(DEMO_ANONYMOUS_PASSPHRASE)
    rows = Rows(submission_references())
    rows.references.taken.add(DEMO_ANONYMOUS_REFERENCE)
    for week in range(WEEKS):
        # Participation grows over the two years as staff see their ideas acted on.
        rate = 0.5 + 0.6 * week / WEEKS
        for unit in units:
            for _ in range(_poisson(rng, rate * unit.headcount / 100)):
                day = today - timedelta(days=(WEEKS - week) * 7 - rng.randint(0, 6))
                submitter = rng.choice(staff_by_unit[unit.id])
                handler = guardian
                submission = _make(rng, rows, unit, submitter, themes, day, passphrase_hash)
                if submission["queue"] == Queue.LEADERS.value:
                    handler = leaders.get(unit.id, guardian)
                _live(rng, rows, submission, handler, (today - day).days, staff_by_unit[unit.id])
    _demo_anonymous_concern(rows, units[3], themes, today, passphrase_hash, guardian)
    rows.write()
    return [submission["id"] for submission in rows.submissions]


def _poisson(rng: random.Random, mean: float) -> int:
    count, threshold, product = 0, 2.718281828 ** (-mean), rng.random()
    while product > threshold:
        count += 1
        product *= rng.random()
    return count


def _make(
    rng: random.Random,
    rows: Rows,
    unit: Unit,
    submitter: int,
    themes: dict[str, int],
    day: date,
    passphrase_hash: str,
) -> Row:
    kind = Kind.IDEA if rng.random() < 0.68 else Kind.CONCERN
    catalogue = IDEAS if kind is Kind.IDEA else CONCERNS
    theme_name = rng.choice(list(catalogue))
    title, description = rng.choice(catalogue[theme_name])
    weights = (85, 10, 5) if kind is Kind.IDEA else (45, 30, 25)
    mode = rng.choices(list(SpeakUpMode), weights)[0]
    # An anonymous submission keeps no submitter and only the day it was raised.
    anonymous = mode.keeps_no_submitter
    submission = submission_row(
        id=random_id(),
        reference=rows.references.new(lambda: random_reference(kind)),
        kind=kind.value,
        mode=mode.value,
        queue=route_for(kind, mode, to_guardian=rng.random() < 0.1).value,
        title=title,
        description=description,
        unit_id=unit.id,
        theme_id=themes[theme_name],
        patient_safety=theme_name == "Patient safety and quality" or rng.random() < 0.1,
        submitter_id=None if anonymous else submitter,
        submitted_on=day,
        submitted_at=None if anonymous else _day_time(day, rng),
        passphrase_hash=passphrase_hash if anonymous else None,
    )
    rows.submissions.append(submission)
    return submission


def _live(
    rng: random.Random,
    rows: Rows,
    submission: Row,
    handler: int | None,
    age_days: int,
    colleagues: list[int],
) -> None:
    kind = Kind(submission["kind"])
    path = _status_path(age_days, kind, rng)
    submitted_on: date = submission["submitted_on"]
    day = submitted_on
    previous: str | None = None
    for position, status in enumerate(path):
        if position:
            day = min(
                day + timedelta(days=rng.randint(1, 12)),
                submitted_on + timedelta(days=age_days),
            )
        anonymous_step = position == 0 and SpeakUpMode(submission["mode"]).keeps_no_submitter
        rows.change(
            submission,
            status,
            day,
            from_status=previous,
            changed_by_id=None if position == 0 else handler,
            changed_at=None if anonymous_step else _day_time(day, rng),
        )
        previous = status.value
        if status is Status.ACKNOWLEDGED:
            submission["acknowledged_on"] = day
            _message(
                rows,
                submission,
                handler,
                day,
                "Thank you for raising this. I am looking into it and will update you here.",
                rng,
            )
        if status.is_ending:
            submission["closed_on"] = day
        if status is Status.NOT_TAKEN_FORWARD:
            _message(
                rows,
                submission,
                handler,
                day,
                "We have looked at this carefully but cannot take it forward now, because the budget for this year is committed. We will look again in the spring.",
                rng,
            )
    submission["status"] = path[-1].value
    if kind is Kind.IDEA and colleagues:
        for supporter in rng.sample(colleagues, min(len(colleagues), rng.randint(0, 12))):
            if supporter != submission["submitter_id"]:
                rows.supports.append(
                    {
                        "submission_id": submission["id"],
                        "user_id": supporter,
                        "created_on": submitted_on + timedelta(days=rng.randint(0, 20)),
                    }
                )
        if rng.random() < 0.3:
            author = rng.choice(colleagues)
            rows.comments.append(
                {
                    "submission_id": submission["id"],
                    "author_id": author,
                    "body": "Yes please, this would make a real difference on nights.",
                    "created_at": _day_time(submitted_on + timedelta(days=1), rng),
                }
            )


def _message(
    rows: Rows, submission: Row, handler: int | None, day: date, body: str, rng: random.Random
) -> None:
    submission["message_count"] += 1
    rows.messages.append(
        {
            "id": random_id(),
            "submission_id": submission["id"],
            "author_role": "handler",
            "author_id": handler,
            "body": body,
            "sent_on": day,
            "sent_at": _day_time(day, rng),
            "position": submission["message_count"],
        }
    )


def _demo_anonymous_concern(
    rows: Rows,
    unit: Unit,
    themes: dict[str, int],
    today: date,
    passphrase_hash: str,
    guardian: int | None,
) -> None:
    """A known anonymous concern, so that the "check" page can be tried in a demo."""
    day = today - timedelta(days=9)
    acknowledged = day + timedelta(days=2)
    submission = submission_row(
        id=random_id(),
        reference=DEMO_ANONYMOUS_REFERENCE,
        kind=Kind.CONCERN.value,
        mode=SpeakUpMode.ANONYMOUS.value,
        queue=Queue.GUARDIAN.value,
        status=Status.ACKNOWLEDGED.value,
        title="Staff too frightened to report errors",
        description="After the last incident review, several of us are afraid to report medication errors in case we are blamed.",
        unit_id=unit.id,
        theme_id=themes["Patient safety and quality"],
        patient_safety=True,
        submitted_on=day,
        acknowledged_on=acknowledged,
        passphrase_hash=passphrase_hash,
        followup_digest=followup_digest(DEMO_ANONYMOUS_FOLLOWUP_CODE),
        message_count=1,
    )
    rows.submissions.append(submission)
    rows.change(submission, Status.SUBMITTED, day)
    rows.change(
        submission,
        Status.ACKNOWLEDGED,
        acknowledged,
        from_status=Status.SUBMITTED.value,
        changed_by_id=guardian,
    )
    rows.messages.append(
        {
            "id": random_id(),
            "submission_id": submission["id"],
            "author_role": "handler",
            "author_id": guardian,
            "body": "Thank you for telling me. I will raise the theme (not you) with the ward's leadership. Can you tell me which incident review you mean?",
            "sent_on": acknowledged,
            "sent_at": datetime.combine(acknowledged, time(10, 15)),
            "position": 1,
        }
    )
