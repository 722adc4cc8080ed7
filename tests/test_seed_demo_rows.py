"""The demo trust, written in bulk, is the same for one seed on one day: the rows of every
table, counted, and what its anonymous submissions keep (only the day, no person)."""

from __future__ import annotations

import random
from datetime import datetime

import pytest
from flask import Flask
from sqlalchemy import func, select

from engage.accounts.models import User
from engage.cli.seed_demo import seed_demo_data
from engage.extensions import db
from engage.guardian.models import GuardianCase
from engage.responses.models import Decision
from engage.submissions.models import Message, SpeakUpMode, Status, StatusChange, Submission

NOW = datetime(2026, 6, 15, 9, 30)
# Counted when the seed moved to bulk inserts. The tables whose rows depended on the order
# of random identifiers (cases, their entries and themes, publications) differed from run to
# run before; the others are as the row-by-row seed made them on this day.
ROWS = {
    "actions": 3784,
    "comments": 280,
    "decisions": 1180,
    "digest_subscriptions": 20,
    "directorates": 3,
    "guardian_case_entries": 1683,
    "guardian_case_themes": 769,
    "guardian_cases": 675,
    "guardian_report_learning": 1,
    "leader_scopes": 19,
    "messages": 1426,
    "metric_snapshots": 45448,
    "publications": 683,
    "status_changes": 5539,
    "submissions": 1235,
    "supports": 4975,
    "units": 15,
    "users": 1501,
}


def _rows() -> dict[str, int]:
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table)) or 0
        for table in db.metadata.sorted_tables
    }


def test_one_seed_on_one_day_makes_one_demo_trust(
    app: Flask, app_context: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("engage.cli.seed_demo.utcnow", lambda: NOW)
    before = _rows()
    counts = seed_demo_data(random.Random(2026), app.config["DEMO_PASSWORD"])
    after = _rows()
    added = {name: after[name] - before[name] for name in after if after[name] != before[name]}
    assert added == ROWS
    # What seed-demo reports: the submissions made through engage (not the guardian's
    # cluster of recent concerns), and every case the guardian has.
    assert counts == {
        "units": 15,
        "users": 1501,
        "submissions": 1228,
        "decisions": 1180,
        "guardian_cases": ROWS["guardian_cases"],
        "snapshot_rows": ROWS["metric_snapshots"],
        "digests": ROWS["digest_subscriptions"],
    }

    anonymous = select(Submission.id).where(Submission.mode == SpeakUpMode.ANONYMOUS.value)
    assert db.session.scalar(select(func.count()).select_from(anonymous.subquery())) > 50
    # Only the day: no submitter, no time, on the submission or its first status.
    assert not db.session.scalar(
        select(func.count()).where(
            Submission.id.in_(anonymous),
            (Submission.submitter_id.is_not(None)) | (Submission.submitted_at.is_not(None)),
        )
    )
    first_steps = select(StatusChange).where(
        StatusChange.submission_id.in_(anonymous),
        StatusChange.to_status == Status.SUBMITTED.value,
    )
    steps = db.session.scalars(first_steps).all()
    assert len(steps) == db.session.scalar(select(func.count()).select_from(anonymous.subquery()))
    assert all(step.changed_at is None and step.changed_by_id is None for step in steps)
    # No one wrote as the submitter; the guardian's case names no person.
    assert not db.session.scalar(
        select(func.count(Message.id)).where(
            Message.submission_id.in_(anonymous), Message.author_role != "handler"
        )
    )
    assert not db.session.scalar(
        select(func.count(GuardianCase.id)).where(
            GuardianCase.mode == SpeakUpMode.ANONYMOUS.value, GuardianCase.person.is_not(None)
        )
    )
    # Every handler's reply is signed as it would be when sent: by name only where the
    # submitter is named too.
    signed = db.session.execute(
        select(Submission.mode, Message.signed_as, User.name)
        .select_from(Message)
        .join(Submission, Submission.id == Message.submission_id)
        .join(User, User.id == Message.author_id)
        .where(Message.author_role == "handler")
    ).all()
    assert {mode for mode, _signed_as, _name in signed} == {m.value for m in SpeakUpMode}
    assert all(
        signed_as and (name in signed_as) == (mode == "open") for mode, signed_as, name in signed
    )
    decided = db.session.execute(
        select(Submission.mode, Decision.signed_as, User.name)
        .select_from(Decision)
        .join(Submission, Submission.id == Decision.submission_id)
        .join(User, User.id == Decision.decided_by_id)
    ).all()
    assert decided and all(
        signed_as and (name in signed_as) == (mode == "open") for mode, signed_as, name in decided
    )
