"""Alerts respect attention: updates are coalesced, new items reach their handlers as each
of them chose, and no alert carries what anyone wrote."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from sqlalchemy import func, select

from engage.accounts.models import Role
from engage.digests import preferences
from engage.digests.alerts import send_due_alerts
from engage.digests.models import AlertKind, Delivery, PendingAlert
from engage.digests.schedule import send_moment
from engage.extensions import db
from engage.submissions.models import Kind, SpeakUpMode, Status
from engage.submissions.services import reply
from engage.submissions.workflow import change_status
from engage.timeutil import utcnow
from tests.digests.helpers import outbox_to
from tests.factories.accounts import make_user
from tests.factories.organisation import make_unit
from tests.factories.smtp import Inbox
from tests.factories.submissions import make_submission

QUARTER = timedelta(minutes=15)
SECOND = timedelta(seconds=1)


def test_three_updates_in_a_minute_make_one_email_and_a_later_one_a_second(
    app: Flask, db_session: object, smtp_inbox: Inbox
) -> None:
    ward = make_unit()
    leader = make_user(Role.LEADER, leads_units=(ward,))
    raiser = make_user(unit=ward, email="raiser@test.nhs.uk")
    idea = make_submission(raiser, title="Hoist batteries on bay 3")
    started = utcnow()
    with app.test_request_context():
        change_status(leader, idea.id, Status.ACKNOWLEDGED)
        change_status(leader, idea.id, Status.UNDER_REVIEW, note="Looking at the hoist")
        reply(leader, idea.id, "We have ordered new batteries.")
        assert send_due_alerts(started + QUARTER - SECOND)["emails"] == 0, "not before 15 min"
        smtp_inbox.deliver()
        assert smtp_inbox.to(raiser.email) == []
        assert send_due_alerts(utcnow() + QUARTER)["emails"] == 1
    smtp_inbox.deliver()
    [mail] = smtp_inbox.to(raiser.email)
    assert mail["Subject"] == f"There is an update on your idea ({idea.reference})"
    assert "hoist" not in mail.get_content().lower()
    with app.test_request_context():
        assert send_due_alerts(utcnow() + QUARTER)["emails"] == 0, "sent once"
        # Sixteen minutes on, that batch has gone (the job runs every minute): a new update
        # starts a new batch, sent 15 minutes after it.
        reply(leader, idea.id, "They arrive on Monday.")
        later = utcnow()
        assert send_due_alerts(later + QUARTER - SECOND)["emails"] == 0
        assert send_due_alerts(later + QUARTER + SECOND)["emails"] == 1
    smtp_inbox.deliver()
    assert len(smtp_inbox.to(raiser.email)) == 2


def test_updates_wait_for_the_daily_send_when_the_submitter_chose_daily(
    app: Flask, db_session: object
) -> None:
    ward = make_unit()
    leader = make_user(Role.LEADER, leads_units=(ward,))
    raiser = make_user(unit=ward)
    preferences.set_alert(raiser, AlertKind.UPDATE, Delivery.DAILY)
    db.session.commit()
    idea = make_submission(raiser)
    with app.test_request_context():
        change_status(leader, idea.id, Status.ACKNOWLEDGED)
        due = db.session.scalar(
            select(PendingAlert.due_at).where(PendingAlert.user_id == raiser.id)
        )
        assert due is not None and due > utcnow() + QUARTER
        assert due.minute == 0 and due.hour in {6, 7}, "07:00 London, 06:00 or 07:00 UTC"
        assert send_due_alerts(due - SECOND)["emails"] == 0
        # The raiser's update, and the leader's daily alert of the new idea.
        assert send_due_alerts(due)["emails"] == 2
    assert len(outbox_to(raiser.email)) == 1


def test_a_new_idea_reaches_its_unit_leaders_once_a_day_by_default(
    app: Flask, db_session: object
) -> None:
    ward = make_unit()
    unit_leader = make_user(Role.LEADER, leads_units=(ward,))
    directorate_lead = make_user(Role.LEADER, leads_directorates=(ward.directorate,))
    other_leader = make_user(Role.LEADER, leads_units=(make_unit(),))
    make_submission(make_user(unit=ward), title="Night-shift hot food")
    told = set(db.session.scalars(select(PendingAlert.user_id)))
    assert told == {unit_leader.id, directorate_lead.id}
    assert other_leader.id not in told
    with app.test_request_context():
        assert send_due_alerts(utcnow() + SECOND)["emails"] == 0, "leaders default to daily"
        assert send_due_alerts(utcnow() + timedelta(days=1, hours=1))["emails"] == 2
    [mail] = outbox_to(unit_leader.email)
    assert mail.subject == "A new idea is waiting"
    assert "hot food" not in mail.body.lower() and "/inbox" in mail.body


def test_a_leader_who_chose_immediate_hears_at_once_without_content(
    app: Flask, db_session: object, smtp_inbox: Inbox
) -> None:
    ward = make_unit()
    leader = make_user(Role.LEADER, leads_units=(ward,))
    preferences.set_alert(leader, AlertKind.NEW_CONCERN, Delivery.IMMEDIATE)
    db.session.commit()
    make_submission(make_user(unit=ward), kind=Kind.CONCERN, title="Bullying on nights")
    with app.test_request_context():
        assert send_due_alerts(utcnow() + SECOND)["emails"] == 1
    smtp_inbox.deliver()
    [mail] = smtp_inbox.to(leader.email)
    assert mail["Subject"] == "A new concern is waiting"
    assert "bullying" not in mail.get_content().lower()
    assert ward.name not in mail.get_content()


def test_the_guardian_hears_of_a_confidential_concern_at_once(
    app: Flask, db_session: object
) -> None:
    guardian = make_user(Role.GUARDIAN)
    leader_of_ward = make_user(Role.LEADER)
    make_submission(
        make_user(unit=leader_of_ward.unit),
        kind=Kind.CONCERN,
        mode=SpeakUpMode.CONFIDENTIAL,
        title="My manager shouts",
    )
    with app.test_request_context():
        assert send_due_alerts(utcnow() + SECOND)["emails"] == 1
    [mail] = outbox_to(guardian.email)
    assert mail.subject == "A new concern is waiting"
    assert "shouts" not in mail.body


def test_an_anonymous_concern_is_told_only_after_its_day_is_over(
    app: Flask, db_session: object
) -> None:
    guardian = make_user(Role.GUARDIAN)
    concern = make_submission(make_user(), kind=Kind.CONCERN, mode=SpeakUpMode.ANONYMOUS)
    with app.test_request_context():
        morning_after = send_moment(concern.submitted_on + timedelta(days=1), 7)
        due = db.session.scalar(select(PendingAlert.due_at))
        assert due == morning_after, "every anonymous item of one day is told together"
        assert db.session.scalar(select(PendingAlert.submission_id)) is None
        assert send_due_alerts(morning_after - SECOND)["emails"] == 0
        assert send_due_alerts(morning_after)["emails"] == 1
    assert [m.subject for m in outbox_to(guardian.email)] == ["A new concern is waiting"]


def test_two_runs_at_once_send_each_alert_once(app: Flask, db_session: object) -> None:
    ward = make_unit()
    leader = make_user(Role.LEADER, leads_units=(ward,))
    for _ in range(3):
        make_submission(make_user(unit=ward))
    with app.test_request_context():
        later = utcnow() + timedelta(days=2)
        first = send_due_alerts(later)
        second = send_due_alerts(later)
    assert (first["emails"], second["emails"]) == (1, 0)
    [mail] = outbox_to(leader.email)
    assert mail.subject == "3 new ideas are waiting"
    assert db.session.scalar(select(func.count(PendingAlert.id))) == 0


def test_an_update_on_a_confidential_item_names_no_reference(
    app: Flask, db_session: object
) -> None:
    ward = make_unit()
    leader = make_user(Role.LEADER, leads_units=(ward,))
    raiser = make_user(unit=ward)
    idea = make_submission(raiser, mode=SpeakUpMode.CONFIDENTIAL)
    with app.test_request_context():
        change_status(leader, idea.id, Status.ACKNOWLEDGED)
        send_due_alerts(utcnow() + QUARTER + SECOND)
    [mail] = outbox_to(raiser.email)
    assert mail.subject == "There is an update on your idea"
    assert idea.reference not in mail.body and "/submissions/mine" in mail.body
