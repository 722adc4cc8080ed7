"""A large synthetic trust for the scale benchmarks, written fast with bulk inserts.

The demo trust (engage.cli.seed_demo) gives each submission its whole life (messages,
supporters, comments, a guardian's case), which is right for a demo but far too much for a
million submissions. This writes only what the snapshots read: units, staff, submissions with
their dates, decisions, actions and publications, with the same proportions as the demo.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Table, insert, select

from engage.accounts.models import User
from engage.extensions import db, random_id
from engage.organisation.models import Directorate, StaffGroup, Unit
from engage.responses.models import Action, Decision, Publication
from engage.submissions.models import Submission, Theme

CHUNK = 5_000
OUTCOMES = ("adopt", "adapt", "pilot", "not_taken_forward")
OUTCOME_WEIGHTS = (4, 3, 2, 2)


def _insert(model: Any, rows: Iterator[dict[str, object]]) -> int:
    table: Table = model.__table__
    count = 0
    batch: list[dict[str, object]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == CHUNK:
            db.session.execute(insert(table), batch)
            count += len(batch)
            batch = []
    if batch:
        db.session.execute(insert(table), batch)
        count += len(batch)
    return count


def generate_scale_trust(
    *,
    units: int = 300,
    staff: int = 20_000,
    submissions: int = 1_000_000,
    years: int = 3,
    seed: int = 2026,
    today: date | None = None,
) -> dict[str, int]:
    """Fill an empty, migrated database; the caller commits."""
    rng = random.Random(seed)
    today = today or date.today()
    start = today - timedelta(days=365 * years)
    directorate_count = max(1, units // 25)
    _insert(Directorate, ({"name": f"Directorate {n}"} for n in range(directorate_count)))
    directorate_ids = list(db.session.scalars(select(Directorate.id).order_by(Directorate.id)))
    headcount = max(1, staff // units)
    _insert(
        Unit,
        (
            {
                "name": f"Unit {n}",
                "directorate_id": directorate_ids[n % directorate_count],
                "headcount": headcount,
            }
            for n in range(units)
        ),
    )
    unit_ids = list(db.session.scalars(select(Unit.id).order_by(Unit.id)))
    group_id = db.session.scalar(select(StaffGroup.id).limit(1))
    created = datetime.combine(start, time(9))
    _insert(
        User,
        (
            {
                "email": f"person{n}@scale.engage.nhs.uk",
                "name": f"Person {n}",
                "role": "staff",
                "unit_id": unit_ids[n % units],
                "staff_group_id": group_id,
                "active": True,
                "failed_logins": 0,
                "created_at": created,
            }
            for n in range(headcount * units)
        ),
    )
    people: dict[int, list[int]] = {unit_id: [] for unit_id in unit_ids}
    for user_id, unit_id in db.session.execute(select(User.id, User.unit_id)):
        if unit_id is not None:
            people[unit_id].append(user_id)
    theme_ids = list(db.session.scalars(select(Theme.id)))
    decided: list[tuple[int, int, int, date, date, str]] = []
    span = (today - start).days

    def submission_rows() -> Iterator[dict[str, object]]:
        for n in range(submissions):
            day = start + timedelta(days=rng.randrange(span))
            unit_id = rng.choice(unit_ids)
            idea = rng.random() < 0.68
            mode = rng.choices(("open", "confidential", "anonymous"), (70, 18, 12))[0]
            anonymous = mode == "anonymous"
            age = (today - day).days
            acknowledged = day + timedelta(days=rng.randint(0, 12)) if age > 3 else None
            status = "acknowledged" if acknowledged else "submitted"
            decided_on = None
            if acknowledged and age > 20 and rng.random() < 0.85:
                decided_on = min(day + timedelta(days=rng.randint(5, 50)), today)
                status = "decision_made"
            submission_id = random_id()
            theme_id = rng.choice(theme_ids)
            if decided_on is not None:
                outcome = rng.choices(
                    ("adopt", "adapt", "pilot", "not_taken_forward"), (4, 3, 2, 2)
                )[0]
                decided.append((submission_id, unit_id, theme_id, day, decided_on, outcome))
            yield {
                "id": submission_id,
                "reference": f"{'ID' if idea else 'CN'}-{n:012d}",
                "kind": "idea" if idea else "concern",
                "mode": mode,
                "queue": "leaders" if idea or mode == "open" else "guardian",
                "status": status,
                "title": "A scale benchmark submission",
                "description": "Generated for the scale benchmark.",
                "unit_id": unit_id,
                "theme_id": theme_id,
                "patient_safety": rng.random() < 0.15,
                "submitter_id": None if anonymous else rng.choice(people[unit_id]),
                "submitted_on": day,
                "submitted_at": None if anonymous else datetime.combine(day, time(10)),
                "acknowledged_on": acknowledged,
                "failed_passphrases": 0,
                "message_count": 0,
            }

    count = _insert(Submission, submission_rows())
    _insert(
        Decision,
        (
            {
                "submission_id": submission_id,
                "outcome": outcome,
                "response": "Thank you.",
                "reason": "Budget" if outcome == "not_taken_forward" else None,
                "decided_on": decided_on,
                "decided_at": datetime.combine(decided_on, time(11)),
            }
            for submission_id, _, _, _, decided_on, outcome in decided
        ),
    )
    acted = [row for row in decided if row[5] != "not_taken_forward"]
    _insert(
        Action,
        (
            {
                "submission_id": submission_id,
                "description": "Make the change",
                "due_on": decided_on + timedelta(days=30),
                "status": "done" if done else "in_progress",
                "progress": 100 if done else 50,
                "completed_on": decided_on + timedelta(days=rng.randint(10, 45)) if done else None,
                "created_at": datetime.combine(decided_on, time(12)),
                "updated_at": datetime.combine(decided_on, time(12)),
            }
            for submission_id, _, _, _, decided_on, _ in acted
            for done in (rng.random() < 0.8,)
        ),
    )
    _insert(
        Publication,
        (
            {
                "submission_id": submission_id,
                "unit_id": unit_id,
                "theme_id": theme_id,
                "you_said": "An idea",
                "we_did": "We did it",
                "published_on": min(decided_on + timedelta(days=21), today),
            }
            for submission_id, unit_id, theme_id, _, decided_on, _ in acted
            if rng.random() < 0.4
        ),
    )
    return {"units": units, "staff": headcount * units, "submissions": count}
