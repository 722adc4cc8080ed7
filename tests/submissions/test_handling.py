from __future__ import annotations

from datetime import timedelta

from flask.testing import FlaskClient
from sqlalchemy import select

from engage.accounts.models import Role
from engage.audit.models import AuditEvent
from engage.extensions import db
from engage.submissions.models import Kind, SpeakUpMode, Status, Submission
from tests.factories.accounts import make_user, sign_in
from tests.factories.digests import deliver_alerts_after
from tests.factories.organisation import make_unit
from tests.factories.smtp import Inbox
from tests.factories.submissions import make_submission, page_text


def test_inbox_lists_the_leaders_units_oldest_first_with_counters(client: FlaskClient) -> None:
    ward, other = make_unit(), make_unit()
    leader = make_user(Role.LEADER, leads_units=(ward,))
    staff = make_user(unit=ward)
    older = make_submission(staff, title="Older idea")
    older.submitted_on -= timedelta(days=40)
    newer = make_submission(staff, title="Newer idea", kind=Kind.CONCERN)
    make_submission(make_user(unit=other), title="Somewhere else")
    make_submission(
        staff, title="Confidential one", kind=Kind.CONCERN, mode=SpeakUpMode.CONFIDENTIAL
    )
    db.session.commit()
    sign_in(client, leader)
    page = client.get("/inbox").get_data(as_text=True)
    assert "2 waiting to be acknowledged" in page_text(page)
    assert page.index("Older idea") < page.index("Newer idea")
    assert "Somewhere else" not in page and "Confidential one" not in page
    aged = client.get("/inbox?older_than_days=30").get_data(as_text=True)
    assert "Older idea" in aged and "Newer idea" not in aged
    concerns = client.get("/inbox?kind=concern").get_data(as_text=True)
    assert "Newer idea" in concerns and "Older idea" not in concerns
    newest = client.get("/inbox?sort=newest").get_data(as_text=True)
    assert newest.index("Newer idea") < newest.index("Older idea")
    assert newer.status_enum is Status.SUBMITTED


def test_directorate_leader_sees_every_unit_in_it(client: FlaskClient) -> None:
    ward = make_unit()
    lead = make_user(Role.LEADER, leads_directorates=(ward.directorate,))
    submission = make_submission(make_user(unit=ward), title="Ward kitchen rota")
    sign_in(client, lead)
    page = client.get(f"/submissions/{submission.id}").get_data(as_text=True)
    assert "Ward kitchen rota" in page and "Update the status" in page, "theirs to handle"
    assert "Ward kitchen rota" in client.get("/inbox").get_data(as_text=True)


def test_leader_outside_scope_is_refused(client: FlaskClient) -> None:
    submission = make_submission(make_user(), kind=Kind.CONCERN)
    sign_in(client, make_user(Role.LEADER, leads_units=(make_unit(),)))
    response = client.get(f"/submissions/{submission.id}")
    assert response.status_code == 403
    assert "You cannot see this idea or concern" in response.get_data(as_text=True)
    assert (
        client.post(
            f"/submissions/{submission.id}/status", data={"status": "acknowledged"}
        ).status_code
        == 403
    )


def test_staff_cannot_open_another_persons_concern(client: FlaskClient) -> None:
    raiser = make_user()
    concern = make_submission(raiser, kind=Kind.CONCERN, mode=SpeakUpMode.CONFIDENTIAL)
    sign_in(client, make_user(unit=raiser.unit))
    assert client.get(f"/submissions/{concern.id}").status_code == 403
    assert (
        client.post(f"/submissions/{concern.id}/messages", data={"body": "hi"}).status_code == 403
    )


def test_unknown_submission_is_not_found(client: FlaskClient) -> None:
    sign_in(client, make_user())
    assert client.get("/submissions/123456789").status_code == 404


def test_status_changes_are_recorded_and_the_submitter_is_emailed_without_content(
    client: FlaskClient, smtp_inbox: Inbox
) -> None:
    ward = make_unit()
    leader = make_user(Role.LEADER, leads_units=(ward,))
    raiser = make_user(unit=ward, email="raiser@test.nhs.uk")
    concern = make_submission(raiser, kind=Kind.CONCERN, title="Broken hoist on bay 3")
    sign_in(client, leader)
    response = client.post(
        f"/submissions/{concern.id}/status", data={"status": "acknowledged", "note": ""}
    )
    assert response.status_code == 302
    deliver_alerts_after(client.application)  # updates are coalesced for 15 minutes
    [mail] = smtp_inbox.to("raiser@test.nhs.uk")
    assert concern.reference in mail["Subject"]
    body = mail.get_content()
    assert "Sign in to engage to read it" in body
    assert "hoist" not in body.lower() and "hoist" not in mail["Subject"].lower()
    updated = db.session.get(Submission, concern.id)
    assert updated is not None and updated.status_enum is Status.ACKNOWLEDGED
    assert updated.acknowledged_on is not None
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "submission.status_changed")
    )
    assert event is not None and event.actor_id == leader.id

    client.post("/sign-out")
    sign_in(client, raiser)
    page = client.get(f"/submissions/{concern.id}").get_data(as_text=True)
    assert "Acknowledged" in page


def test_invalid_transitions_and_missing_reasons_are_refused(client: FlaskClient) -> None:
    ward = make_unit()
    leader = make_user(Role.LEADER, leads_units=(ward,))
    idea = make_submission(make_user(unit=ward))
    sign_in(client, leader)
    jump = client.post(f"/submissions/{idea.id}/status", data={"status": "closed"})
    assert jump.status_code == 400
    assert "It cannot go from submitted to closed" in jump.get_data(as_text=True)
    by_hand = client.post(
        f"/submissions/{idea.id}/status", data={"status": "decision_made", "note": "Done"}
    )
    assert by_hand.status_code == 400, "decisions are recorded through the decision form"
    client.post(
        f"/submissions/{idea.id}/decision",
        data={
            "outcome": "not_taken_forward",
            "response": "Thank you for this.",
            "reason": "We tried this in 2024; it did not help.",
        },
    )
    closed = client.post(f"/submissions/{idea.id}/status", data={"status": "under_review"})
    assert "This is already not taken forward and cannot change" in closed.get_data(as_text=True)
    reply = client.post(f"/submissions/{idea.id}/messages", data={"body": "One more thing"})
    assert "This is closed, so no more messages can be added" in reply.get_data(as_text=True)


def test_conversation_between_submitter_and_leader(client: FlaskClient) -> None:
    ward = make_unit()
    leader = make_user(Role.LEADER, leads_units=(ward,))
    raiser = make_user(unit=ward)
    idea = make_submission(raiser)
    sign_in(client, raiser)
    client.post(f"/submissions/{idea.id}/messages", data={"body": "Happy to help trial it."})
    client.post("/sign-out")
    sign_in(client, leader)
    client.post(f"/submissions/{idea.id}/messages", data={"body": "Great, let's talk on Monday."})
    page = client.get(f"/submissions/{idea.id}").get_data(as_text=True)
    assert page.index("Happy to help trial it.") < page.index("Great, let&#39;s talk on Monday.")
    colleague_client = client.application.test_client()
    sign_in(colleague_client, make_user(unit=ward))
    shared = colleague_client.get(f"/submissions/{idea.id}").get_data(as_text=True)
    assert "Happy to help trial it." not in shared, "colleagues see the idea, not the conversation"
    assert (
        colleague_client.post(f"/submissions/{idea.id}/messages", data={"body": "me"}).status_code
        == 403
    )


def test_staff_cannot_use_the_inbox(client: FlaskClient) -> None:
    sign_in(client, make_user())
    assert client.get("/inbox").status_code == 403


def test_guardian_filters_the_inbox_by_any_unit_and_bad_filters_are_explained(
    client: FlaskClient,
) -> None:
    ward, other = make_unit(), make_unit()
    make_submission(
        make_user(unit=ward), kind=Kind.CONCERN, mode=SpeakUpMode.CONFIDENTIAL, title="On the ward"
    )
    make_submission(
        make_user(unit=other), kind=Kind.CONCERN, mode=SpeakUpMode.CONFIDENTIAL, title="Elsewhere"
    )
    sign_in(client, make_user(Role.GUARDIAN))
    filtered = client.get(f"/inbox?unit_id={ward.id}").get_data(as_text=True)
    assert "On the ward" in filtered and "Elsewhere" not in filtered
    bad = client.get(f"/inbox?unit_id={ward.id}&older_than_days=-4").get_data(as_text=True)
    assert "Enter a number of days from 0 to 3650" in bad
    assert "On the ward" in bad and "Elsewhere" not in bad, "the valid filter still applies"
