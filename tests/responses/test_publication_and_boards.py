from __future__ import annotations

from datetime import date

from flask.testing import FlaskClient
from sqlalchemy import select

from engage.accounts.models import Role, User
from engage.extensions import db
from engage.organisation.models import Unit
from engage.responses.models import Publication
from engage.submissions.models import Kind, SpeakUpMode, Submission, Support
from tests.factories.accounts import make_user, sign_in
from tests.factories.digests import deliver_alerts_after
from tests.factories.organisation import make_unit
from tests.factories.smtp import Inbox
from tests.factories.submissions import make_submission

DESCRIPTION = "Staff on nights cannot get hot food after seven in the evening at all."


def _decided(client: FlaskClient, **kwargs: object) -> tuple[Unit, User, Submission]:
    ward = make_unit()
    leader = make_user(Role.LEADER, leads_units=(ward,))
    raiser = make_user(unit=ward, email="raiser@test.nhs.uk")
    submission = make_submission(
        raiser, title="Hot food at night", description=DESCRIPTION, unit=ward, **kwargs
    )  # type: ignore[arg-type]
    sign_in(client, leader)
    client.post(
        f"/submissions/{submission.id}/decision",
        data={"outcome": "pilot", "response": "We will try it."},
    )
    return ward, leader, submission


def _publish(client: FlaskClient, submission: Submission, **data: str) -> str:
    form = {
        "you_said": "Night staff had no hot food.",
        "we_did": "The canteen now opens until 2am.",
    }
    form.update(data)
    return client.post(f"/submissions/{submission.id}/publish", data=form).get_data(as_text=True)


def test_publishing_needs_a_decision(client: FlaskClient) -> None:
    ward = make_unit()
    leader = make_user(Role.LEADER, leads_units=(ward,))
    idea = make_submission(make_user(unit=ward))
    sign_in(client, leader)
    assert "Record a decision before publishing the outcome" in _publish(client, idea)
    opened = client.get(f"/submissions/{idea.id}/publish", follow_redirects=True)
    assert opened.request.path == f"/submissions/{idea.id}"
    assert "Record a decision before publishing the outcome." in opened.get_data(as_text=True)
    assert db.session.scalar(select(Publication)) is None


def test_publication_reaches_the_boards_and_tells_submitter_and_supporters(
    client: FlaskClient, smtp_inbox: Inbox
) -> None:
    ward, _, idea = _decided(client)
    supporter = make_user(unit=ward, email="supporter@test.nhs.uk")
    db.session.add(
        Support(submission_id=idea.id, user_id=supporter.id, created_on=idea.submitted_on)
    )
    db.session.commit()
    smtp_inbox.deliver()
    smtp_inbox.messages.clear()
    _publish(client, idea)
    deliver_alerts_after(client.application)  # updates are coalesced for 15 minutes
    for address in ("raiser@test.nhs.uk", "supporter@test.nhs.uk"):
        [mail] = smtp_inbox.to(address)
        assert "hot food" not in mail.get_content().lower()
    board = client.get(f"/boards/unit/{ward.id}").get_data(as_text=True)
    assert "Night staff had no hot food." in board and "The canteen now opens until 2am." in board
    directorate = client.get(f"/boards/directorate/{ward.directorate_id}").get_data(as_text=True)
    assert "The canteen now opens until 2am." in directorate
    assert "The outcome has already been published" in _publish(client, idea)
    opened = client.get(f"/submissions/{idea.id}/publish", follow_redirects=True)
    assert opened.request.path == f"/submissions/{idea.id}"  # no form that cannot be sent
    assert "The outcome has already been published." in opened.get_data(as_text=True)


def test_confidential_concerns_are_published_only_in_the_leaders_own_words(
    client: FlaskClient,
) -> None:
    ward = make_unit()
    guardian = make_user(Role.GUARDIAN)
    raiser = make_user(unit=ward)
    concern = make_submission(
        raiser, kind=Kind.CONCERN, mode=SpeakUpMode.CONFIDENTIAL, description=DESCRIPTION
    )
    sign_in(client, guardian)
    client.post(
        f"/submissions/{concern.id}/decision", data={"outcome": "adapt", "response": "Thank you."}
    )
    form = client.get(f"/submissions/{concern.id}/publish").get_data(as_text=True)
    assert "Write both parts in your own words" in form
    assert DESCRIPTION not in form, "nothing of theirs is put in the form for them"
    quoted = _publish(
        client, concern, you_said="Someone said: cannot get hot food after seven in the evening."
    )
    assert "use your own words, not theirs" in quoted
    assert db.session.scalar(select(Publication)) is None
    _publish(client, concern, you_said="Staff raised access to food on night shifts.")
    assert db.session.scalar(select(Publication)) is not None


def test_quoting_is_allowed_with_consent(client: FlaskClient) -> None:
    ward = make_unit()
    guardian = make_user(Role.GUARDIAN)
    concern = make_submission(
        make_user(unit=ward), kind=Kind.CONCERN, mode=SpeakUpMode.ANONYMOUS, description=DESCRIPTION
    )
    sign_in(client, guardian)
    client.post(
        f"/submissions/{concern.id}/decision", data={"outcome": "adopt", "response": "Thanks."}
    )
    _publish(
        client,
        concern,
        you_said="cannot get hot food after seven in the evening",
        submitter_agreed="y",
    )
    assert db.session.scalar(select(Publication)) is not None


def test_board_filters_by_theme_and_financial_quarter(client: FlaskClient) -> None:
    ward = make_unit()
    from tests.factories.submissions import theme

    entries = [
        (date(2026, 5, 10), "Staffing and workload", "Spring entry"),
        (date(2026, 8, 1), "Equipment and environment", "Summer entry"),
        (date(2027, 2, 1), "Staffing and workload", "Winter entry"),
    ]
    for published_on, theme_name, text in entries:
        idea = make_submission(make_user(unit=ward), unit=ward, theme_name=theme_name)
        db.session.add(
            Publication(
                submission_id=idea.id,
                unit_id=ward.id,
                theme_id=theme(theme_name).id,
                you_said=text,
                we_did="Done",
                published_on=published_on,
            )
        )
    db.session.commit()
    sign_in(client, make_user())
    everything = client.get(f"/boards/unit/{ward.id}").get_data(as_text=True)
    assert (
        everything.index("Winter entry")
        < everything.index("Summer entry")
        < everything.index("Spring entry")
    )
    q2 = client.get(f"/boards/unit/{ward.id}?quarter=2026-Q2").get_data(as_text=True)
    assert "Summer entry" in q2 and "Spring entry" not in q2 and "July to September 2026" in q2
    q4 = client.get(f"/boards/unit/{ward.id}?quarter=2026-Q4").get_data(as_text=True)
    assert "Winter entry" in q4 and "Summer entry" not in q4
    staffing = client.get(f"/boards/unit/{ward.id}?theme_id={theme('Staffing and workload').id}")
    assert "Summer entry" not in staffing.get_data(as_text=True)
    poster = client.get(f"/boards/unit/{ward.id}/poster?n=2").get_data(as_text=True)
    assert "Winter entry" in poster and "Summer entry" in poster and "Spring entry" not in poster
    nonsense = client.get(f"/boards/unit/{ward.id}?quarter=nonsense")
    assert nonsense.status_code == 200, "an unknown quarter is ignored, not an error"
    shown = nonsense.get_data(as_text=True)
    assert all(entry in shown for entry in ("Winter entry", "Summer entry", "Spring entry"))
    assert client.get("/boards/unit/999999").status_code == 404
