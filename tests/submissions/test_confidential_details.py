"""Confidential submitters' traces (issue 11, finding 8): leaders see the day, not the time,
of a confidential submitter's messages; emails about confidential and anonymous items name
no reference and link to no item, since mail logs keep who received what."""

from __future__ import annotations

import re
from datetime import date

from flask import Flask
from flask.testing import FlaskClient

from engage.accounts.models import Role
from engage.extensions import db
from engage.responses.escalation import run_escalations
from engage.submissions.models import Kind, SpeakUpMode, Submission
from tests.factories.accounts import make_user, sign_in
from tests.factories.digests import deliver_alerts_after
from tests.factories.organisation import make_unit
from tests.factories.smtp import Inbox
from tests.factories.submissions import make_submission, message_heading

TIME_OF_DAY = re.compile(r"at \d\d:\d\d")


def test_leaders_see_the_day_of_a_confidential_submitters_message_not_the_time(
    app: Flask, client: FlaskClient
) -> None:
    ward = make_unit()
    raiser = make_user(unit=ward)
    leader = make_user(Role.LEADER, leads_units=(ward,))
    guardian = make_user(Role.GUARDIAN)
    idea = make_submission(raiser, kind=Kind.IDEA, mode=SpeakUpMode.CONFIDENTIAL)
    sign_in(client, raiser)
    client.post(f"/submissions/{idea.id}/messages", data={"body": "Sent from the ward PC"})
    client.post("/sign-out")

    sign_in(client, leader)
    client.post(f"/submissions/{idea.id}/messages", data={"body": "Thanks, looking at it"})
    as_leader = client.get(f"/submissions/{idea.id}").get_data(as_text=True)
    theirs = message_heading(as_leader, "Sent from the ward PC")
    assert date.today().strftime("%-d %B %Y") in theirs
    assert not TIME_OF_DAY.search(theirs)
    assert TIME_OF_DAY.search(message_heading(as_leader, "Thanks, looking at it"))
    client.post("/sign-out")

    sign_in(client, raiser)
    seen = client.get(f"/submissions/{idea.id}").get_data(as_text=True)
    assert TIME_OF_DAY.search(message_heading(seen, "Sent from the ward PC"))
    concern = make_submission(raiser, kind=Kind.CONCERN, mode=SpeakUpMode.CONFIDENTIAL)
    client.post(f"/submissions/{concern.id}/messages", data={"body": "Told the guardian"})
    client.post("/sign-out")
    sign_in(client, guardian)
    seen = client.get(f"/submissions/{concern.id}").get_data(as_text=True)
    assert TIME_OF_DAY.search(message_heading(seen, "Told the guardian")), "the guardian knows"


def test_an_open_submitters_messages_keep_their_time_for_leaders(client: FlaskClient) -> None:
    ward = make_unit()
    raiser = make_user(unit=ward)
    leader = make_user(Role.LEADER, leads_units=(ward,))
    idea = make_submission(raiser, kind=Kind.IDEA)
    sign_in(client, raiser)
    client.post(f"/submissions/{idea.id}/messages", data={"body": "Openly said"})
    client.post("/sign-out")
    sign_in(client, leader)
    page = client.get(f"/submissions/{idea.id}").get_data(as_text=True)
    assert TIME_OF_DAY.search(message_heading(page, "Openly said"))


def _mentions(mail_text: str, submission: Submission) -> bool:
    return submission.reference in mail_text or str(submission.id) in mail_text


def test_update_emails_about_confidential_items_carry_no_reference(
    client: FlaskClient, smtp_inbox: Inbox
) -> None:
    ward = make_unit()
    raiser = make_user(unit=ward, email="raiser@test.nhs.uk")
    leader = make_user(Role.LEADER, leads_units=(ward,))
    confidential = make_submission(raiser, kind=Kind.IDEA, mode=SpeakUpMode.CONFIDENTIAL)
    open_idea = make_submission(raiser, kind=Kind.IDEA)
    sign_in(client, leader)
    for item in (confidential, open_idea):
        client.post(f"/submissions/{item.id}/messages", data={"body": "A reply"})
        # Updates within 15 minutes make one email (digests.alerts): send each batch apart.
        deliver_alerts_after(client.application)
    about_confidential, about_open = smtp_inbox.to("raiser@test.nhs.uk")
    text = f"{about_confidential['Subject']}\n{about_confidential.get_content()}"
    assert not _mentions(text, confidential)
    assert "/submissions/mine" in text, "a link to their own list instead"
    assert _mentions(f"{about_open['Subject']}\n{about_open.get_content()}", open_idea)


def test_overdue_emails_about_anonymous_and_confidential_items_carry_no_reference(
    app: Flask, db_session: object, smtp_inbox: Inbox
) -> None:
    ward = make_unit()
    make_user(Role.GUARDIAN, email="guardian@test.nhs.uk")
    raiser = make_user(unit=ward)
    items = [
        make_submission(raiser, kind=Kind.CONCERN, mode=mode)
        for mode in (SpeakUpMode.ANONYMOUS, SpeakUpMode.CONFIDENTIAL)
    ]
    for item in items:
        item.submitted_on = date(2026, 12, 16)
    db.session.commit()
    with app.test_request_context():
        assert run_escalations(date(2027, 2, 1)) == 2
    # Alerts are content-free and go as one email per person (digests.alerts); those about an
    # anonymous item wait for the morning after its day, here still ahead of the real clock.
    deliver_alerts_after(app, minutes=90 * 24 * 60)
    [mail] = smtp_inbox.to("guardian@test.nhs.uk")
    text = f"{mail['Subject']}\n{mail.get_content()}"
    assert "2 overdue items have been passed to you" in text
    for item in items:
        assert not _mentions(text, item)
