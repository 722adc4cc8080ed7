"""Who is told when an item is escalated, and on which day: behaviour only, through the
`escalate` command, so these hold however the escalation run is scheduled."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from flask import Flask
from sqlalchemy import select

from engage.accounts.models import Role, User
from engage.audit.models import AuditEvent
from engage.extensions import db
from engage.organisation.models import Unit
from engage.responses.models import Escalation
from engage.submissions.models import Kind, SpeakUpMode, Status, Submission
from tests.factories.accounts import make_user
from tests.factories.digests import deliver_alerts_after
from tests.factories.organisation import make_unit
from tests.factories.smtp import Inbox
from tests.factories.submissions import make_submission

pytestmark = pytest.mark.usefixtures("db_session")

SUBMITTED = date(2026, 12, 16)  # acknowledgement due Wednesday 23 December
DIRECTORATE_DAY = date(2026, 12, 30)  # the third working day late
GUARDIAN_DAY = date(2027, 1, 7)  # the eighth


def _escalate(app: Flask, day: date) -> None:
    result = app.test_cli_runner().invoke(args=["escalate", "--date", day.isoformat()])
    assert result.exit_code == 0, result.output


def _overdue(unit: Unit, kind: Kind = Kind.CONCERN, **options: object) -> Submission:
    submission = make_submission(make_user(unit=unit), kind=kind, **options)  # type: ignore[arg-type]
    submission.submitted_on = SUBMITTED
    db.session.commit()
    return submission


# A day later, so every alert preference (immediate or daily) has been sent.
A_DAY_LATER = 24 * 60 + 1


def _told(app: Flask, inbox: Inbox, *people: User) -> list[bool]:
    deliver_alerts_after(app, minutes=A_DAY_LATER)  # as the alerts and outbox jobs would
    return [bool(inbox.to(person.email)) for person in people]


def _levels(submission: Submission) -> list[str]:
    query = select(Escalation.level).where(Escalation.submission_id == submission.id)
    return sorted(db.session.scalars(query))


def test_only_active_leads_of_the_items_directorate_are_told(app: Flask, smtp_inbox: Inbox) -> None:
    ward, elsewhere = make_unit(), make_unit()
    active_lead = make_user(Role.LEADER, leads_directorates=(ward.directorate,))
    inactive_lead = make_user(Role.LEADER, leads_directorates=(ward.directorate,), active=False)
    unit_leader = make_user(Role.LEADER, leads_units=(ward,))  # not a directorate lead
    other_lead = make_user(Role.LEADER, leads_directorates=(elsewhere.directorate,))
    guardian = make_user(Role.GUARDIAN)
    concern = _overdue(ward)
    deliver_alerts_after(app, minutes=A_DAY_LATER)
    smtp_inbox.messages.clear()  # the unit's leader was told of the new concern: not this test's
    _escalate(app, DIRECTORATE_DAY)
    people = (active_lead, inactive_lead, unit_leader, other_lead, guardian)
    assert _told(app, smtp_inbox, *people) == [True, False, False, False, False]
    assert _levels(concern) == ["directorate"]


def test_only_active_guardians_are_told(app: Flask, smtp_inbox: Inbox) -> None:
    ward = make_unit()
    active_guardian = make_user(Role.GUARDIAN)
    inactive_guardian = make_user(Role.GUARDIAN, active=False)
    concern = _overdue(ward, mode=SpeakUpMode.CONFIDENTIAL)
    _escalate(app, GUARDIAN_DAY)
    assert _told(app, smtp_inbox, active_guardian, inactive_guardian) == [True, False]
    assert _levels(concern) == ["guardian"]


def test_the_day_before_each_grace_period_ends_nothing_is_escalated(
    app: Flask, smtp_inbox: Inbox
) -> None:
    ward = make_unit()
    lead = make_user(Role.LEADER, leads_directorates=(ward.directorate,))
    guardian = make_user(Role.GUARDIAN)
    concern = _overdue(ward)
    _escalate(app, date(2026, 12, 29))
    smtp_inbox.deliver()
    assert _levels(concern) == [] and smtp_inbox.messages == []
    _escalate(app, DIRECTORATE_DAY)
    _escalate(app, date(2027, 1, 6))
    assert _levels(concern) == ["directorate"] and _told(app, smtp_inbox, guardian) == [False]
    assert _guardian_escalated_on(concern) is None
    _escalate(app, GUARDIAN_DAY)
    assert _levels(concern) == ["directorate", "guardian"]
    assert _told(app, smtp_inbox, lead, guardian) == [True, True]
    assert _guardian_escalated_on(concern) == GUARDIAN_DAY


def _guardian_escalated_on(submission: Submission) -> date | None:
    query = select(Submission.guardian_escalated_on).where(Submission.id == submission.id)
    return db.session.scalar(query)


def test_decided_and_closed_items_are_not_escalated(app: Flask, smtp_inbox: Inbox) -> None:
    ward = make_unit()
    make_user(Role.LEADER, leads_directorates=(ward.directorate,))
    for status in (Status.DECISION_MADE, Status.CLOSED, Status.NOT_TAKEN_FORWARD):
        done = _overdue(ward)
        done.status = status.value
    db.session.commit()
    _escalate(app, GUARDIAN_DAY)
    smtp_inbox.deliver()
    assert db.session.scalars(select(Escalation)).all() == []
    assert smtp_inbox.messages == []


def test_the_alert_names_nothing_of_the_item(app: Flask, smtp_inbox: Inbox) -> None:
    """Escalations reach leads through their alerts: content-free, a link to sign in."""
    ward = make_unit()
    lead = make_user(Role.LEADER, leads_directorates=(ward.directorate,))
    idea = _overdue(ward, kind=Kind.IDEA, title="Quieter night-time drug rounds")
    concern = _overdue(ward)
    concern.status = Status.ACKNOWLEDGED.value
    db.session.commit()
    _escalate(app, date(2027, 1, 20))  # decision due 15 January: three working days late
    assert _levels(idea) == ["directorate"] and _levels(concern) == ["directorate"]
    deliver_alerts_after(app, minutes=A_DAY_LATER)
    [mail] = smtp_inbox.to(lead.email)
    text = mail["Subject"] + mail.get_body(preferencelist=("plain",)).get_content()
    assert "overdue" in text.lower()
    for secret in (idea.reference, concern.reference, "night-time", idea.title, concern.title):
        assert secret not in text


def test_each_escalation_is_recorded_with_its_clock_and_dates(app: Flask) -> None:
    ward = make_unit()
    make_user(Role.LEADER, leads_directorates=(ward.directorate,))
    concern = _overdue(ward)
    _escalate(app, DIRECTORATE_DAY)
    [row] = db.session.scalars(select(Escalation)).all()
    assert (row.clock, row.level, row.escalated_on, row.due_on) == (
        "acknowledge",
        "directorate",
        DIRECTORATE_DAY,
        date(2026, 12, 23),
    )
    [summary] = db.session.scalars(
        select(AuditEvent.summary).where(AuditEvent.action == "submission.escalated")
    )
    assert summary == (
        f"{concern.reference}: acknowledge was due by 2026-12-23, escalated to directorate "
        "(1 people)"
    )


def test_the_page_shows_both_clocks_and_a_closing_counts_as_the_decision(app: Flask) -> None:
    from tests.factories.accounts import sign_in

    ward = make_unit()
    raiser = make_user(unit=ward)
    idea = make_submission(raiser, unit=ward)
    idea.submitted_on = SUBMITTED
    idea.acknowledged_on = date(2026, 12, 18)
    idea.status, idea.closed_on = Status.CLOSED.value, date(2027, 1, 10)
    late = make_submission(raiser, unit=ward)
    late.submitted_on = SUBMITTED
    late.acknowledged_on = date(2026, 12, 29)
    late.status, late.closed_on = Status.CLOSED.value, date(2027, 1, 20)
    db.session.commit()
    client = app.test_client()
    sign_in(client, raiser)
    page = client.get(f"/submissions/{idea.id}").get_data(as_text=True)
    assert "<strong>Acknowledge</strong>: done on 18 December 2026, on time" in page
    assert "<strong>Decide</strong>: done on 10 January 2027, on time" in page
    page = client.get(f"/submissions/{late.id}").get_data(as_text=True)
    assert "<strong>Acknowledge</strong>: done on 29 December 2026, after 23 December 2026" in page
    assert "<strong>Decide</strong>: done on 20 January 2027, after 15 January 2027" in page


def test_each_escalation_is_audited_with_its_clock_and_level(app: Flask) -> None:
    ward = make_unit()
    make_user(Role.LEADER, leads_directorates=(ward.directorate,))
    make_user(Role.GUARDIAN)
    concern = _overdue(ward)
    _escalate(app, GUARDIAN_DAY)
    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.action == "submission.escalated")
        .order_by(AuditEvent.summary)
    ).all()
    assert [(e.target_id, e.actor_id, e.detail) for e in events] == [
        (str(concern.id), None, {"clock": "acknowledge", "level": "directorate"}),
        (str(concern.id), None, {"clock": "acknowledge", "level": "guardian"}),
    ]


def test_the_command_counts_every_escalation_and_warns_when_no_one_is_told(
    app: Flask, smtp_inbox: Inbox, caplog: pytest.LogCaptureFixture
) -> None:
    told, untold = make_unit(), make_unit()
    make_user(Role.LEADER, leads_directorates=(told.directorate,))
    reached = [_overdue(told, kind=Kind.IDEA), _overdue(told, kind=Kind.IDEA)]
    stranded = _overdue(untold, kind=Kind.IDEA)
    result = app.test_cli_runner().invoke(args=["escalate", "--date", "2026-12-30"])
    assert result.output == (
        "2 escalations on 2026-12-30.\n"
        "1 could not be escalated: no one to tell (see /admin/escalations).\n"
    )
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert warnings == ["an overdue item has no one to escalate to at directorate level"]
    assert stranded.reference not in "\n".join(warnings), "no reference in the logs"
    assert all(_levels(item) == ["directorate"] for item in reached)
    deliver_alerts_after(app, minutes=A_DAY_LATER)
    assert len(smtp_inbox.messages) == 1, "the lead's alerts arrive together"


def test_a_decision_stops_the_decide_clock_even_if_closed_later(app: Flask) -> None:
    from engage.responses.models import Decision
    from tests.factories.accounts import sign_in

    ward = make_unit()
    raiser = make_user(unit=ward)
    idea = make_submission(raiser, unit=ward)
    idea.submitted_on = SUBMITTED
    idea.acknowledged_on = date(2026, 12, 17)
    idea.status, idea.closed_on = Status.CLOSED.value, date(2027, 2, 1)
    db.session.add(
        Decision(
            submission_id=idea.id,
            outcome="adopt",
            response="We will do it",
            decided_on=date(2027, 1, 5),
            decided_at=datetime(2027, 1, 5, 10, 0),
        )
    )
    db.session.commit()
    client = app.test_client()
    sign_in(client, raiser)
    page = client.get(f"/submissions/{idea.id}").get_data(as_text=True)
    assert "<strong>Decide</strong>: done on 5 January 2027, on time" in page
