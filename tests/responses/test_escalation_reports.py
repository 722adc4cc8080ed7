"""What administrators see of escalations that reached no one: one mail per active
administrator per run, listing each item as its kind and clock without naming hidden ones, the
page that keeps the list (oldest first, with what is missing), and the escalations an item's
page shows."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from engage.accounts.models import Role, User
from engage.errors import PermissionDenied
from engage.extensions import db
from engage.responses.escalation import (
    escalate_overdue,
    escalations_for,
    unrouted_escalations,
    waiting_escalation_ids,
)
from engage.responses.models import Escalation, Outcome
from engage.responses.services import DecisionDetails, decide
from engage.submissions.models import Kind, Submission
from engage.submissions.workflow import acknowledge_many
from tests.factories.accounts import make_user, sign_in
from tests.factories.organisation import make_unit
from tests.factories.smtp import Inbox
from tests.factories.submissions import make_submission

SUBMITTED = date(2026, 12, 16)  # directorate level on 30 December, guardian on 8 January
ESCALATION_DAY = date(2026, 12, 30)


def _overdue(submission: Submission, submitted_on: date = SUBMITTED) -> Submission:
    submission.submitted_on = submitted_on
    db.session.commit()
    return submission


def test_one_mail_per_active_administrator_lists_every_item_no_one_could_be_told(
    app: Flask, db_session: object, smtp_inbox: Inbox
) -> None:
    ward = make_unit()
    admins = [make_user(Role.ADMIN, email=f"admin{n}@test.nhs.uk") for n in (1, 2)]
    retired = make_user(Role.ADMIN, email="retired.admin@test.nhs.uk", active=False)
    bystander = make_user(Role.LEADER, email="other.lead@test.nhs.uk", leads_units=(ward,))
    raiser = make_user(unit=ward)
    idea = _overdue(make_submission(raiser, title="Idea nobody hears"))
    concern = _overdue(make_submission(raiser, kind=Kind.CONCERN, title="Concern nobody hears"))
    with app.test_request_context():
        counts = escalate_overdue(ESCALATION_DAY)
    assert counts["unrouted"] == 2 and counts["escalated"] == 0
    smtp_inbox.deliver()
    for admin in admins:
        [mail] = smtp_inbox.to(admin.email)
        assert mail["Subject"] == "2 overdue items could not be escalated"
        body = mail.get_content().replace("\r\n", "\n")
        assert body.startswith("These overdue items have no one to be escalated to, so no one")
        leads = "for the directorate's leads, acknowledge was due by 2026-12-23"
        assert f"- An idea ({idea.reference}): {leads}\n" in body
        assert f"- A concern ({concern.reference}): {leads}\n" in body
        assert f"{app.config['BASE_URL']}/admin/escalations" in body
        assert "Idea nobody hears" not in body and "Concern nobody hears" not in body
    assert smtp_inbox.to(retired.email) == []
    assert smtp_inbox.to(bystander.email) == []


def test_the_list_of_escalations_to_no_one_is_for_administrators_oldest_first(
    app: Flask, db_session: object
) -> None:
    first_ward, second_ward = make_unit(), make_unit()
    older = _overdue(make_submission(make_user(unit=second_ward), kind=Kind.CONCERN))
    with app.test_request_context():
        escalate_overdue(ESCALATION_DAY)
    newer = _overdue(make_submission(make_user(unit=first_ward)))
    with app.test_request_context():
        escalate_overdue(ESCALATION_DAY + timedelta(days=1))
        escalate_overdue(date(2027, 1, 8))  # the concern reaches the guardian level: no one
    admin = make_user(Role.ADMIN)
    with app.test_request_context():
        listed = unrouted_escalations(admin)
        for role in (Role.STAFF, Role.LEADER, Role.GUARDIAN, Role.BOARD):
            with pytest.raises(PermissionDenied):
                unrouted_escalations(make_user(role))
    assert [(e.submission_id, e.level, e.unrouted_since) for e, _ in listed] == [
        (older.id, "directorate", ESCALATION_DAY),
        (newer.id, "directorate", ESCALATION_DAY + timedelta(days=1)),
        (older.id, "guardian", date(2027, 1, 8)),
    ]
    reasons = [reason for _, reason in listed]
    assert reasons == [
        f"{second_ward.directorate.name} has no active directorate lead.",
        f"{first_ward.directorate.name} has no active directorate lead.",
        "There is no active Freedom to Speak Up guardian.",
    ]


def test_others_are_told_plainly_that_the_list_is_for_administrators(
    app: Flask, db_session: object
) -> None:
    for role in (Role.STAFF, Role.LEADER, Role.GUARDIAN, Role.BOARD):
        client = app.test_client()
        sign_in(client, make_user(role))
        refused = client.get("/admin/escalations")
        assert refused.status_code == 403
        page = refused.get_data(as_text=True)
        assert re.search(
            r">\s*Only administrators can see escalations that reached no one\.\s*<", page
        )


def test_an_items_escalations_come_in_the_order_they_happened(
    app: Flask, db_session: object
) -> None:
    ward = make_unit()
    lead = make_user(Role.LEADER, leads_directorates=(ward.directorate,))
    guardian = make_user(Role.GUARDIAN)
    concern = _overdue(make_submission(make_user(unit=ward), kind=Kind.CONCERN))
    quiet = _overdue(make_submission(make_user(unit=ward)), submitted_on=date(2027, 1, 8))
    with app.test_request_context():
        escalate_overdue(ESCALATION_DAY)
        escalate_overdue(date(2027, 1, 8))
        found = escalations_for([concern.id, quiet.id])
        assert escalations_for([]) == {}
    assert quiet.id not in found
    rows = found[concern.id]
    assert [(row.level, row.escalated_on) for row in rows] == [
        ("directorate", ESCALATION_DAY),
        ("guardian", date(2027, 1, 8)),
    ]
    assert [[p.id for p in row.recipients] for row in rows] == [[lead.id], [guardian.id]]
    stored = db.session.scalars(select(Escalation).where(Escalation.submission_id == concern.id))
    assert len(list(stored)) == 2


def test_the_inbox_shows_the_clock_running_now(app: Flask, db_session: object) -> None:
    """Acknowledging stops the first clock: the inbox then shows the decision's."""
    from engage.submissions.models import Status
    from engage.submissions.services import set_status

    ward = make_unit()
    leader = make_user(Role.LEADER, leads_units=(ward,))
    raiser = make_user(unit=ward)
    make_submission(raiser, title="Brand new idea")
    seen = make_submission(raiser, title="Acknowledged idea")
    with app.test_request_context():
        set_status(leader, seen, Status.ACKNOWLEDGED)
        db.session.commit()
    client = app.test_client()
    sign_in(client, leader)
    # "Still open" lists both (the default view, "needs action", lists only the waiting one).
    page = client.get("/inbox?status=open").get_data(as_text=True)

    def row(title: str) -> str:
        start = page[page.index(title) :]
        return start[: start.index("</tr>")]

    assert "Acknowledge due by" in row("Brand new idea")
    assert "Decide due by" not in row("Brand new idea")
    assert "Decide due by" in row("Acknowledged idea")
    assert "Acknowledge due by" not in row("Acknowledged idea")


def test_an_escalation_sent_late_is_listed_by_the_day_it_was_sent(
    app: Flask, db_session: object
) -> None:
    """The directorate level found no one on 30 December and reached a new lead only on 11
    January, after the guardian had been told on 8 January: the item's page lists the guardian
    first."""
    ward = make_unit()
    guardian = make_user(Role.GUARDIAN)
    concern = _overdue(make_submission(make_user(unit=ward), kind=Kind.CONCERN))
    with app.test_request_context():
        escalate_overdue(ESCALATION_DAY)
        escalate_overdue(date(2027, 1, 8))
    lead = make_user(Role.LEADER, leads_directorates=(ward.directorate,))
    with app.test_request_context():
        escalate_overdue(date(2027, 1, 11))
        rows = escalations_for([concern.id])[concern.id]
    assert [(row.level, row.escalated_on) for row in rows] == [
        ("guardian", date(2027, 1, 8)),
        ("directorate", date(2027, 1, 11)),
    ]
    assert [[p.id for p in row.recipients] for row in rows] == [[guardian.id], [lead.id]]


def test_items_waiting_for_someone_to_tell_all_go_to_the_new_lead(
    app: Flask, db_session: object, smtp_inbox: Inbox
) -> None:
    ward = make_unit()
    raiser = make_user(unit=ward)
    ideas = [_overdue(make_submission(raiser)) for _ in range(2)]
    with app.test_request_context():
        assert escalate_overdue(ESCALATION_DAY)["unrouted"] == 2
    lead = make_user(Role.LEADER, leads_directorates=(ward.directorate,))
    with app.test_request_context():
        assert escalate_overdue(date(2027, 1, 4))["escalated"] == 2
        found = escalations_for([idea.id for idea in ideas])
    for idea in ideas:
        [row] = found[idea.id]
        assert row.status == "sent" and row.escalated_on == date(2027, 1, 4)
        assert [p.id for p in row.recipients] == [lead.id]


def test_a_decision_overdue_with_no_one_to_tell_is_reported_after_the_acknowledgement_was(
    app: Flask, db_session: object, smtp_inbox: Inbox
) -> None:
    """The acknowledgement's escalation found no one; once acknowledged, the decision's clock
    runs out too, and that is a second escalation to no one, reported again."""
    from engage.submissions.models import Status
    from engage.submissions.services import set_status

    ward = make_unit()
    admin = make_user(Role.ADMIN, email="admin.twice@test.nhs.uk")
    idea = _overdue(make_submission(make_user(unit=ward)))
    with app.test_request_context():
        assert escalate_overdue(ESCALATION_DAY)["unrouted"] == 1
        set_status(make_user(Role.LEADER, leads_units=(ward,)), idea, Status.ACKNOWLEDGED)
        db.session.commit()
        assert escalate_overdue(date(2027, 1, 25))["unrouted"] == 1
        found = escalations_for([idea.id])[idea.id]
    assert sorted((row.clock, row.status) for row in found) == [
        ("acknowledge", "unrouted"),
        ("decide", "unrouted"),
    ]
    smtp_inbox.deliver()
    second = smtp_inbox.to(admin.email)[-1].get_content()
    assert "decide was due by 2027-01-15" in second


def test_an_escalation_is_recorded_as_sent_to_active_people_only(
    app: Flask, db_session: object
) -> None:
    """The inbox says who an escalation went to: never someone whose account is closed."""
    ward = make_unit()
    lead = make_user(Role.LEADER, leads_directorates=(ward.directorate,))
    make_user(Role.LEADER, leads_directorates=(ward.directorate,), active=False)
    guardian = make_user(Role.GUARDIAN)
    make_user(Role.GUARDIAN, active=False)
    concern = _overdue(make_submission(make_user(unit=ward), kind=Kind.CONCERN))
    with app.test_request_context():
        assert escalate_overdue(date(2027, 1, 8))["escalated"] == 2
        rows = escalations_for([concern.id])[concern.id]
    assert {row.level: [p.id for p in row.recipients] for row in rows} == {
        "directorate": [lead.id],
        "guardian": [guardian.id],
    }


def test_an_escalation_to_no_one_is_in_the_audit_log_with_its_clock_and_level(
    app: Flask, db_session: object
) -> None:
    from engage.audit.models import AuditEvent

    idea = _overdue(make_submission(make_user()))
    with app.test_request_context():
        escalate_overdue(ESCALATION_DAY)
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "submission.escalation_unrouted")
    ).all()
    assert [(e.target_id, e.actor_id, e.detail) for e in events] == [
        (str(idea.id), None, {"clock": "acknowledge", "level": "directorate"})
    ]


def test_the_decision_is_escalated_after_the_acknowledgement_was(
    app: Flask, db_session: object
) -> None:
    from engage.submissions.models import Status
    from engage.submissions.services import set_status

    ward = make_unit()
    lead = make_user(Role.LEADER, leads_directorates=(ward.directorate,))
    idea = _overdue(make_submission(make_user(unit=ward)))
    with app.test_request_context():
        assert escalate_overdue(ESCALATION_DAY)["escalated"] == 1
        set_status(lead, idea, Status.ACKNOWLEDGED)
        db.session.commit()
        assert escalate_overdue(date(2027, 1, 25))["escalated"] == 1
        rows = escalations_for([idea.id])[idea.id]
    assert [(row.clock, row.status) for row in rows] == [
        ("acknowledge", "sent"),
        ("decide", "sent"),
    ]


def _listed(app: Flask, admin: User) -> list[int]:
    with app.test_request_context():
        return [row.submission_id for row, _reason in unrouted_escalations(admin)]


def test_an_unrouted_escalation_is_no_longer_listed_once_the_item_is_acknowledged(
    app: Flask, db_session: object, smtp_inbox: Inbox
) -> None:
    ward = make_unit()
    admin = make_user(Role.ADMIN)
    leader = make_user(Role.LEADER, leads_units=(ward,))  # no directorate lead: no one to tell
    answered = _overdue(make_submission(make_user(unit=ward), title="Answered since"))
    waiting = _overdue(make_submission(make_user(unit=ward), title="Still waiting"))
    with app.test_request_context():
        assert escalate_overdue(ESCALATION_DAY)["unrouted"] == 2
        acknowledge_many(leader, [answered.id], "Thank you: we are looking into it.")
        rows = escalations_for([answered.id, waiting.id])
        # Of the escalations asked about, those still waiting: not every one that waits.
        assert waiting_escalation_ids(rows[answered.id]) == set()
        assert waiting_escalation_ids(rows[waiting.id]) == {rows[waiting.id][0].id}

    assert _listed(app, admin) == [waiting.id]
    client = app.test_client()
    sign_in(client, leader)
    page = client.get(f"/submissions/{answered.id}").get_data(as_text=True)
    assert "no one to tell. It has moved on since, so it will not be sent." in page
    assert "it will be sent once there is" not in page
    assert "it will be sent once there is" in client.get(f"/submissions/{waiting.id}").get_data(
        as_text=True
    )
    # The job agrees with the list: a lead appears, and only the waiting item is sent.
    make_user(Role.LEADER, leads_directorates=(ward.directorate,))
    with app.test_request_context():
        assert escalate_overdue(ESCALATION_DAY + timedelta(days=1))["escalated"] == 1
    sent = db.session.scalars(select(Escalation).where(Escalation.status == "sent")).all()
    assert [row.submission_id for row in sent] == [waiting.id]
    admin_client = app.test_client()
    sign_in(admin_client, admin)
    listing = admin_client.get("/admin/escalations").get_data(as_text=True)
    assert answered.reference not in listing and waiting.reference not in listing
    assert "None waiting" in listing


def test_an_unrouted_decision_escalation_is_no_longer_listed_once_the_item_is_decided(
    app: Flask, db_session: object, smtp_inbox: Inbox
) -> None:
    ward = make_unit()
    admin = make_user(Role.ADMIN)
    leader = make_user(Role.LEADER, leads_units=(ward,))
    # Acknowledged before the job runs, but its decision is long overdue.
    idea = _overdue(make_submission(make_user(unit=ward)), SUBMITTED - timedelta(days=60))
    with app.test_request_context():
        acknowledge_many(leader, [idea.id], "Thank you: we are looking into it.")
        assert escalate_overdue(ESCALATION_DAY)["unrouted"] == 1
    assert _listed(app, admin) == [idea.id]

    with app.test_request_context():
        decide(leader, idea.id, DecisionDetails(outcome=Outcome.ADOPT, response="We will"))

    assert _listed(app, admin) == []
