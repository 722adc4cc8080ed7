"""The escalated-steps bits (issue 15): a sent escalation takes its item out of that step's
partial index in the same transaction, so a run with nothing new to do reads nothing old; an
unrouted one stays in until it is sent. Nothing depends on the last run: the cut-off day
itself, a missed run and a status changed since the last run all escalate as before, once."""

from __future__ import annotations

from datetime import date

from flask import Flask
from sqlalchemy import select, text

from engage.accounts.models import Role
from engage.extensions import db
from engage.responses.escalation import _candidates, escalate_overdue
from engage.responses.models import Escalation, EscalationStatus
from engage.submissions.models import (
    ESCALATION_STEP_BITS,
    Kind,
    Status,
    Submission,
    escalation_step_waiting,
)
from tests.factories.accounts import make_user
from tests.factories.organisation import make_unit
from tests.factories.submissions import make_submission

SUBMITTED = date(2026, 12, 16)  # acknowledge due 23 December: directorate 30th, guardian 8th
FAR = date(2027, 3, 1)


def _steps(submission: Submission) -> int:
    db.session.expire_all()
    return db.session.get(Submission, submission.id).escalated_steps


def _escalations(submission: Submission) -> list[tuple[str, str, str]]:
    rows = db.session.scalars(
        select(Escalation).where(Escalation.submission_id == submission.id).order_by(Escalation.id)
    )
    return [(row.clock, row.level, row.status) for row in rows]


def _concern(ward: object, submitted_on: date = SUBMITTED) -> Submission:
    concern = make_submission(make_user(unit=ward), kind=Kind.CONCERN)
    concern.submitted_on = submitted_on
    db.session.commit()
    return concern


def test_the_bits_follow_the_sent_rows_and_the_steps_partial_index(
    app: Flask, db_session: object
) -> None:
    ward = make_unit()
    make_user(Role.LEADER, leads_directorates=(ward.directorate,))
    concern = _concern(ward)
    assert _steps(concern) == 0
    with app.test_request_context():
        assert escalate_overdue(date(2026, 12, 29))["escalated"] == 0
        assert _steps(concern) == 0, "the day before the cut-off: nothing yet"
        assert escalate_overdue(date(2026, 12, 30))["escalated"] == 1  # the cut-off day itself
        assert _steps(concern) == ESCALATION_STEP_BITS[("acknowledge", "directorate")]
        waiting = escalation_step_waiting("acknowledge", "directorate")
        left = db.session.scalars(select(Submission.id).where(text(waiting)))
        assert concern.id not in list(left)
        assert _candidates("acknowledge", "directorate", FAR, None) == []
        assert escalate_overdue(date(2026, 12, 30))["escalated"] == 0
    assert _escalations(concern) == [("acknowledge", "directorate", "sent")]


def test_an_unrouted_step_keeps_its_bit_unset_until_someone_is_told(
    app: Flask, db_session: object
) -> None:
    ward = make_unit()
    make_user(Role.LEADER, leads_directorates=(ward.directorate,))
    concern = _concern(ward)
    guardian_bit = ESCALATION_STEP_BITS[("acknowledge", "guardian")]
    with app.test_request_context():
        counts = escalate_overdue(date(2027, 1, 8))  # no guardian yet
        assert (counts["escalated"], counts["unrouted"]) == (1, 1)
        assert _steps(concern) & guardian_bit == 0
        assert escalate_overdue(date(2027, 1, 11))["still_unrouted"] == 1
        make_user(Role.GUARDIAN)
        assert escalate_overdue(date(2027, 1, 12))["escalated"] == 1
        assert _steps(concern) & guardian_bit == guardian_bit
        assert escalate_overdue(date(2027, 1, 13)) == {"escalated": 0, "unrouted": 0}
    assert _escalations(concern) == [
        ("acknowledge", "directorate", "sent"),
        ("acknowledge", "guardian", "sent"),
    ]


def test_a_missed_run_catches_up_every_step_once(app: Flask, db_session: object) -> None:
    """The scheduler was down from before the directorate's cut-off to after the guardian's."""
    ward = make_unit()
    make_user(Role.LEADER, leads_directorates=(ward.directorate,))
    make_user(Role.GUARDIAN)
    concern = _concern(ward)
    with app.test_request_context():
        assert escalate_overdue(date(2026, 12, 29))["escalated"] == 0
        assert escalate_overdue(date(2027, 1, 20))["escalated"] == 2
        assert escalate_overdue(date(2027, 1, 21))["escalated"] == 0
    assert _escalations(concern) == [
        ("acknowledge", "directorate", "sent"),
        ("acknowledge", "guardian", "sent"),
    ]
    assert _steps(concern) == 3


def test_an_item_whose_status_changed_after_the_last_run_starts_its_next_clock(
    app: Flask, db_session: object
) -> None:
    ward = make_unit()
    make_user(Role.LEADER, leads_directorates=(ward.directorate,))
    make_user(Role.GUARDIAN)
    concern = _concern(ward)
    with app.test_request_context():
        assert escalate_overdue(date(2027, 1, 8))["escalated"] == 2
        concern = db.session.get(Submission, concern.id)
        concern.status = Status.ACKNOWLEDGED.value
        concern.acknowledged_on = date(2027, 1, 8)
        db.session.commit()
        assert escalate_overdue(date(2027, 1, 11))["escalated"] == 0  # decision due 15th
        assert escalate_overdue(FAR)["escalated"] == 2
        concern = db.session.get(Submission, concern.id)
        concern.status = Status.UNDER_REVIEW.value
        db.session.commit()
        assert escalate_overdue(FAR)["escalated"] == 0, "each step once, whatever the status"
    assert [row[:2] for row in _escalations(concern)] == [
        ("acknowledge", "directorate"),
        ("acknowledge", "guardian"),
        ("decide", "directorate"),
        ("decide", "guardian"),
    ]
    assert _steps(concern) == 15


def test_a_sent_row_without_its_bit_is_not_escalated_again(app: Flask, db_session: object) -> None:
    """The escalations table stays the authority: a row written without the bit (by hand,
    or by a run before the bits existed) still counts as escalated."""
    ward = make_unit()
    make_user(Role.LEADER, leads_directorates=(ward.directorate,))
    concern = _concern(ward)
    db.session.add(
        Escalation(
            submission_id=concern.id,
            clock="acknowledge",
            level="directorate",
            escalated_on=date(2026, 12, 30),
            due_on=date(2026, 12, 23),
            status=EscalationStatus.SENT.value,
        )
    )
    db.session.commit()
    with app.test_request_context():
        assert escalate_overdue(date(2026, 12, 31))["escalated"] == 0
    assert _escalations(concern) == [("acknowledge", "directorate", "sent")]
    assert _steps(concern) == 0
