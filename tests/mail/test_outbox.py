"""The durable outbox: mail is a row written with the change, delivered by the sender, once."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, select

from engage.extensions import db
from engage.mail.models import MailStatus, OutboxMessage
from engage.mail.sender import send_due
from engage.mail.services import send_mail
from engage.timeutil import utcnow
from tests.factories.accounts import make_user
from tests.factories.smtp import Inbox, free_port


def _rows() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_html_part_and_extra_headers_arrive_with_a_kept_message_id(
    app: Flask, db_session: object, smtp_inbox: Inbox
) -> None:
    with app.test_request_context():
        send_mail(
            "reader@test.nhs.uk",
            "Your weekly digest",
            "Plain words",
            html="<p>Rich <strong>words</strong></p>",
            headers={
                "List-Unsubscribe": "<https://engage.test/unsubscribe/abc>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )
        db.session.commit()
    assert smtp_inbox.messages == [], "nothing is sent by writing it"
    assert smtp_inbox.deliver()["sent"] == 1
    [mail] = smtp_inbox.to("reader@test.nhs.uk")
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mail.get_body(("plain",)).get_content().strip() == "Plain words"  # type: ignore[union-attr]
    assert "<strong>words</strong>" in mail.get_body(("html",)).get_content()  # type: ignore[union-attr]
    [row] = _rows()
    assert row.status_enum is MailStatus.SENT and mail["Message-ID"] == row.message_id
    assert smtp_inbox.deliver()["sent"] == 0
    assert len(smtp_inbox.messages) == 1, "a delivered message is never sent again"


def test_a_rolled_back_change_leaves_no_mail(app: Flask, db_session: object) -> None:
    with app.test_request_context():
        send_mail("someone@test.nhs.uk", "Subject", "Body")
        db.session.rollback()
    assert _rows() == []


def test_a_request_completes_while_smtp_is_down_and_the_mail_arrives_once_it_is_up(
    app: Flask, client: FlaskClient, smtp_inbox: Inbox
) -> None:
    user = make_user(email="forgetful@test.nhs.uk")
    working_port = app.config["SMTP_PORT"]
    app.config["SMTP_PORT"] = free_port()  # nothing listens there: SMTP is down
    try:
        page = client.post("/forgotten-password", data={"email": user.email})
        assert page.status_code == 200 and "Check your email" in page.get_data(as_text=True)
        assert smtp_inbox.deliver() == {"sent": 0, "retrying": 1, "failed": 0}
    finally:
        app.config["SMTP_PORT"] = working_port
    [row] = _rows()
    assert row.status_enum is MailStatus.PENDING and row.attempts == 1
    assert row.last_error is not None and "ConnectionRefusedError" in row.last_error
    assert user.email not in row.last_error
    assert smtp_inbox.deliver()["sent"] == 0, "not before its back-off has passed"
    later = utcnow() + timedelta(seconds=app.config["MAIL_RETRY_BASE_SECONDS"] + 1)
    assert smtp_inbox.deliver(later)["sent"] == 1
    assert smtp_inbox.deliver(later + timedelta(hours=1))["sent"] == 0
    [mail] = smtp_inbox.to(user.email)
    assert mail["Subject"] == "Reset your engage password"


def test_back_off_doubles_and_a_message_fails_for_good_after_the_limit(
    app: Flask, admin_client: FlaskClient, smtp_inbox: Inbox
) -> None:
    working_port = app.config["SMTP_PORT"]
    app.config["SMTP_PORT"] = free_port()
    with app.test_request_context():
        send_mail("unlucky@test.nhs.uk", "Reset your engage password", "Body")
        db.session.commit()
    now = utcnow()
    waits = []
    for _attempt in range(app.config["MAIL_MAX_ATTEMPTS"]):
        [row] = _rows()
        assert row.status_enum is MailStatus.PENDING
        assert row.next_attempt_at is not None
        now = max(now, row.next_attempt_at)
        smtp_inbox.deliver(now)
        [row] = _rows()
        if row.next_attempt_at is not None and row.status_enum is MailStatus.PENDING:
            waits.append(row.next_attempt_at - now)
    [row] = _rows()
    assert row.status_enum is MailStatus.FAILED
    assert row.attempts == app.config["MAIL_MAX_ATTEMPTS"]
    assert waits[:3] == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]
    assert smtp_inbox.deliver(now + timedelta(days=30))["failed"] == 0, "never tried again"
    page = admin_client.get("/admin/mail").get_data(as_text=True)
    assert "Reset your engage password" in page and "unlucky@test.nhs.uk" in page
    assert "ConnectionRefusedError" in page

    # Once SMTP works again, an administrator sends it again: it arrives, once.
    app.config["SMTP_PORT"] = working_port
    assert admin_client.post(f"/admin/mail/{row.id}/retry").status_code == 302
    assert admin_client.post(f"/admin/mail/{row.id}/retry").status_code == 404, "not twice"
    assert smtp_inbox.deliver()["sent"] == 1
    [mail] = smtp_inbox.to("unlucky@test.nhs.uk")
    assert mail["Message-ID"] == row.message_id
    assert "unlucky@test.nhs.uk" not in admin_client.get("/admin/mail").get_data(as_text=True)


def test_a_claim_whose_sender_died_is_sent_after_its_lease_with_the_same_message_id(
    app: Flask, db_session: object, smtp_inbox: Inbox
) -> None:
    with app.test_request_context():
        message = send_mail("patient@test.nhs.uk", "Subject", "Body")
        db.session.commit()
        message_id = message.message_id
        # A sender claimed it and died before it finished.
        message.status = MailStatus.SENDING.value
        message.claim_token = "dead-sender"
        message.claimed_until = utcnow() + timedelta(minutes=5)
        message.attempts = 1
        db.session.commit()
    assert smtp_inbox.deliver()["sent"] == 0, "the lease still holds"
    assert smtp_inbox.deliver(utcnow() + timedelta(minutes=6))["sent"] == 1
    [mail] = smtp_inbox.to("patient@test.nhs.uk")
    assert mail["Message-ID"] == message_id


def test_the_development_outbox_keeps_mail_and_the_sender_leaves_it(
    app: Flask, db_session: object
) -> None:
    with app.test_request_context():
        send_mail("dev@test.nhs.uk", "Subject", "Body", html="<p>Body</p>")
        db.session.commit()
        assert send_due() == {"sent": 0, "retrying": 0, "failed": 0}
    [row] = _rows()
    assert row.status_enum is MailStatus.KEPT


def test_only_administrators_see_undelivered_mail(
    client: FlaskClient, staff_client: FlaskClient
) -> None:
    assert staff_client.get("/admin/mail").status_code == 403
    assert client.get("/admin/mail").status_code in (302, 401)


def test_a_status_change_is_saved_while_smtp_is_down_and_its_mail_follows_once(
    app: Flask, client: FlaskClient, smtp_inbox: Inbox
) -> None:
    from engage.accounts.models import Role
    from engage.digests.alerts import send_due_alerts
    from engage.digests.models import PendingAlert
    from engage.submissions.models import Kind, Status, Submission
    from tests.factories.accounts import sign_in
    from tests.factories.organisation import make_unit
    from tests.factories.submissions import make_submission

    ward = make_unit()
    leader = make_user(Role.LEADER, leads_units=(ward,))
    raiser = make_user(unit=ward, email="raiser.down@test.nhs.uk")
    concern = make_submission(raiser, kind=Kind.CONCERN)
    # The ward leader's new-concern alert waits for the daily send hour (07:00 London): run
    # from 06:44 to 07:00, it fell due with the raiser's update below. Only that is tested.
    db.session.execute(delete(PendingAlert).where(PendingAlert.user_id == leader.id))
    db.session.commit()
    sign_in(client, leader)
    working_port = app.config["SMTP_PORT"]
    app.config["SMTP_PORT"] = free_port()
    try:
        response = client.post(
            f"/submissions/{concern.id}/status", data={"status": "acknowledged", "note": ""}
        )
        assert response.status_code == 302
        with app.app_context():  # the update is a coalesced alert for 15 minutes first
            send_due_alerts(utcnow() + timedelta(minutes=16))
        assert smtp_inbox.deliver()["retrying"] == 1
    finally:
        app.config["SMTP_PORT"] = working_port
    db.session.expire_all()
    saved = db.session.get(Submission, concern.id)
    assert saved is not None and saved.status_enum is Status.ACKNOWLEDGED
    assert smtp_inbox.messages == []
    later = utcnow() + timedelta(minutes=2)
    assert smtp_inbox.deliver(later)["sent"] == 1
    assert smtp_inbox.deliver(later + timedelta(minutes=10))["sent"] == 0
    [mail] = smtp_inbox.to(raiser.email)
    assert concern.reference in mail["Subject"]
