from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from engage.accounts.models import Role
from engage.audit.models import AuditEvent
from engage.digests.alerts import send_due_alerts
from engage.extensions import db
from engage.responses.escalation import run_escalations
from engage.responses.models import Escalation
from engage.submissions.models import Kind, SpeakUpMode, Submission
from engage.timeutil import utcnow
from tests.factories.accounts import make_user
from tests.factories.digests import deliver_alerts_after
from tests.factories.organisation import make_unit
from tests.factories.smtp import Inbox
from tests.factories.submissions import make_submission

SUBMITTED = date(2026, 12, 16)  # acknowledgement due 23 December


def _backdate(submission: Submission) -> None:
    submission.submitted_on = SUBMITTED
    db.session.commit()


def _escalations() -> list[tuple[str, str]]:
    return [
        (e.clock, e.level) for e in db.session.scalars(select(Escalation).order_by(Escalation.id))
    ]


def test_overdue_items_go_to_the_directorate_then_the_guardian_once(
    app: Flask, db_session: object, smtp_inbox: Inbox
) -> None:
    ward = make_unit()
    lead = make_user(Role.LEADER, leads_directorates=(ward.directorate,), email="lead@test.nhs.uk")
    make_user(Role.GUARDIAN, email="guardian@test.nhs.uk")
    concern = make_submission(make_user(unit=ward), kind=Kind.CONCERN, title="Broken hoist")
    _backdate(concern)
    with app.test_request_context():
        assert run_escalations(date(2026, 12, 29)) == 0
        assert run_escalations(date(2026, 12, 30)) == 1
        assert _escalations() == [("acknowledge", "directorate")]
        assert run_escalations(date(2026, 12, 30)) == 0, "running twice does nothing more"
        assert run_escalations(date(2027, 1, 8)) == 1
    assert _escalations() == [("acknowledge", "directorate"), ("acknowledge", "guardian")]
    # Each as they chose (digests.alerts): the guardian at once, the lead in the daily send.
    deliver_alerts_after(app, minutes=1)
    assert smtp_inbox.to(lead.email) == []
    [to_guardian] = smtp_inbox.to("guardian@test.nhs.uk")
    deliver_alerts_after(app, minutes=24 * 60 + 1)
    [to_lead] = smtp_inbox.to(lead.email)
    assert to_guardian["Subject"] == "An overdue item has been passed to you"
    # The lead's daily email also tells of the concern's arrival, in the same email.
    assert "An overdue item has been passed to you." in to_lead.get_content()
    for mail in (to_lead, to_guardian):
        assert "hoist" not in mail.get_content().lower()
    audited = db.session.scalar(
        select(func.count(AuditEvent.id)).where(AuditEvent.action == "submission.escalated")
    )
    assert audited == 2


def test_ideas_never_go_to_the_guardian(app: Flask, db_session: object) -> None:
    make_user(Role.GUARDIAN)
    idea = make_submission(make_user(), kind=Kind.IDEA)
    _backdate(idea)
    with app.test_request_context():
        run_escalations(date(2027, 2, 1))
    assert _escalations() == [("acknowledge", "directorate")]


def test_confidential_concerns_never_reach_the_directorate(app: Flask, db_session: object) -> None:
    ward = make_unit()
    make_user(Role.LEADER, leads_directorates=(ward.directorate,))
    make_user(Role.GUARDIAN)
    concern = make_submission(
        make_user(unit=ward), kind=Kind.CONCERN, mode=SpeakUpMode.CONFIDENTIAL
    )
    _backdate(concern)
    with app.test_request_context():
        run_escalations(date(2027, 2, 1))
    assert _escalations() == [("acknowledge", "guardian")]


def test_acknowledged_items_run_the_decision_clock(app: Flask, db_session: object) -> None:
    ward = make_unit()
    make_user(Role.LEADER, leads_directorates=(ward.directorate,))
    idea = make_submission(make_user(unit=ward))
    idea.submitted_on = SUBMITTED
    idea.acknowledged_on = SUBMITTED + timedelta(days=1)
    idea.status = "acknowledged"
    db.session.commit()
    with app.test_request_context():
        assert run_escalations(date(2027, 1, 8)) == 0  # decision due 15 January
        assert run_escalations(date(2027, 1, 25)) == 1
    assert _escalations() == [("decide", "directorate")]


def test_the_escalate_command(
    app: Flask, db_session: object, smtp_inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The command runs with no request at all, as the scheduler will: the link in the mail
    comes from ENGAGE_BASE_URL."""
    monkeypatch.setitem(app.config, "BASE_URL", "https://engage.trust.example/app")
    ward = make_unit()
    lead = make_user(Role.LEADER, leads_directorates=(ward.directorate,), email="lead@test.nhs.uk")
    idea = make_submission(make_user(unit=ward))
    _backdate(idea)
    result = app.test_cli_runner().invoke(args=["escalate", "--date", "2027-01-08"])
    assert result.exit_code == 0, result.output
    assert "1 escalations on 2027-01-08" in result.output
    # The lead's escalation alert goes in their daily send (digests.alerts), also a job.
    with app.app_context():
        send_due_alerts(utcnow() + timedelta(days=1, minutes=1))
    smtp_inbox.deliver()
    [mail] = smtp_inbox.to(lead.email)
    assert "An overdue item has been passed to you." in mail.get_content()
    assert "https://engage.trust.example/app/inbox" in mail.get_content().split()
    again = app.test_cli_runner().invoke(args=["escalate", "--date", "2027-01-08"])
    assert "0 escalations" in again.output
    with app.app_context():
        send_due_alerts(utcnow() + timedelta(days=2, minutes=1))
    smtp_inbox.deliver()
    assert len(smtp_inbox.to(lead.email)) == 1


def test_overdue_items_are_flagged_in_the_inbox(app: Flask, db_session: object) -> None:
    from tests.factories.accounts import sign_in

    ward = make_unit()
    leader = make_user(Role.LEADER, leads_units=(ward,))
    idea = make_submission(make_user(unit=ward), title="Old idea")
    idea.submitted_on = date.today() - timedelta(days=40)
    db.session.commit()
    client = app.test_client()
    sign_in(client, leader)
    page = client.get("/inbox").get_data(as_text=True)
    row = page[page.index("Old idea") :]
    assert "Overdue" in row[: row.index("</tr>")]


def test_the_guardian_can_act_on_a_concern_escalated_to_them(
    app: Flask, db_session: object
) -> None:
    from tests.factories.accounts import sign_in

    ward = make_unit()
    guardian = make_user(Role.GUARDIAN)
    concern = make_submission(make_user(unit=ward), kind=Kind.CONCERN, title="Unanswered concern")
    _backdate(concern)
    client = app.test_client()
    sign_in(client, guardian)
    assert "Unanswered concern" not in client.get("/inbox").get_data(as_text=True)
    refused = client.post(f"/submissions/{concern.id}/messages", data={"body": "Hello"})
    assert refused.status_code == 403
    with app.test_request_context():
        run_escalations(date(2027, 1, 8))
    assert "Unanswered concern" in client.get("/inbox").get_data(as_text=True)
    replied = client.post(
        f"/submissions/{concern.id}/messages", data={"body": "I have picked this up."}
    )
    assert replied.status_code == 302
