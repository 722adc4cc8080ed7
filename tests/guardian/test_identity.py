"""Confidential identity on demand: hidden from the guardian until revealed with a reason;
every reveal audited (who, when, why) and listed on the case; administrators read the audit
but never the identity; leaders never see it."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from sqlalchemy import select

from engage.accounts.models import Role, User
from engage.audit.models import AuditEvent
from engage.extensions import db
from engage.guardian.models import GuardianCase, IdentityReveal
from engage.submissions.models import Kind, SpeakUpMode, Submission
from tests.factories.accounts import make_user, sign_in
from tests.factories.guardian import make_case
from tests.factories.submissions import make_submission

NAME = "Cora Confidential"


def _confidential_case(client: FlaskClient) -> tuple[Submission, GuardianCase, User]:
    raiser = make_user(name=NAME)
    concern = make_submission(raiser, kind=Kind.CONCERN, mode=SpeakUpMode.CONFIDENTIAL)
    guardian = make_user(Role.GUARDIAN, name="Gita Guardian")
    sign_in(client, guardian)
    response = client.post(f"/guardian/cases/start/{concern.id}")
    assert response.status_code == 302
    case = db.session.scalar(select(GuardianCase).where(GuardianCase.submission_id == concern.id))
    assert case is not None
    return concern, case, guardian


def test_the_guardian_sees_a_confidential_name_only_after_revealing_it(client: FlaskClient) -> None:
    concern, case, guardian = _confidential_case(client)
    assert NAME not in client.get(f"/submissions/{concern.id}").get_data(as_text=True)
    page = client.get(f"/guardian/cases/{case.id}").get_data(as_text=True)
    assert NAME not in page and "hidden until you reveal it" in page

    reason = "Serious risk of harm: need to offer support today"
    revealed = client.post(f"/guardian/cases/{case.id}/reveal", data={"reason": reason})
    assert revealed.status_code == 200
    shown = revealed.get_data(as_text=True)
    assert f"{NAME} (confidential: do not share without consent)" in shown
    assert reason in shown and "Gita Guardian" in shown  # listed on the case: who and why

    # Once: the next look is hidden again, and the reveal stays listed.
    again = client.get(f"/guardian/cases/{case.id}").get_data(as_text=True)
    assert NAME not in again and reason in again
    stored = db.session.scalars(select(IdentityReveal)).all()
    assert [(r.revealed_by_id, r.reason) for r in stored] == [(guardian.id, reason)]
    assert stored[0].revealed_at is not None
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "guardian.identity_revealed")
    )
    assert event is not None and event.actor_id == guardian.id
    assert event.detail == {"reason": reason} and event.occurred_at is not None
    assert NAME not in event.summary and NAME not in str(event.detail)


def test_a_reveal_without_a_reason_is_refused_and_shows_nothing(client: FlaskClient) -> None:
    _, case, _ = _confidential_case(client)
    for blank in ("", "   "):
        response = client.post(f"/guardian/cases/{case.id}/reveal", data={"reason": blank})
        assert response.status_code == 400
        page = response.get_data(as_text=True)
        assert "Say why you need to see who raised it" in page
        assert NAME not in page
    assert db.session.scalar(select(IdentityReveal)) is None
    assert (
        db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "guardian.identity_revealed")
        )
        is None
    )


def test_administrators_read_the_audit_but_never_the_identity(client: FlaskClient) -> None:
    concern, case, _ = _confidential_case(client)
    client.post(f"/guardian/cases/{case.id}/reveal", data={"reason": "Safeguarding referral"})
    client.post("/sign-out")
    sign_in(client, make_user(Role.ADMIN))
    audit = client.get("/admin/audit?action=guardian.identity_revealed").get_data(as_text=True)
    assert f"Identity on case {case.reference} revealed to Gita Guardian" in audit
    assert NAME not in audit
    assert client.get(f"/guardian/cases/{case.id}").status_code == 403
    assert client.get(f"/submissions/{concern.id}").status_code == 403


def test_leaders_never_see_it(client: FlaskClient) -> None:
    concern, case, _ = _confidential_case(client)
    client.post(f"/guardian/cases/{case.id}/reveal", data={"reason": "Safeguarding referral"})
    client.post("/sign-out")
    leader = make_user(Role.LEADER, leads_units=(concern.unit,))
    sign_in(client, leader)
    for path in (f"/guardian/cases/{case.id}", f"/submissions/{concern.id}", "/inbox"):
        response = client.get(path)
        assert NAME not in response.get_data(as_text=True), path
    refused = client.post(f"/guardian/cases/{case.id}/reveal", data={"reason": "Curious"})
    assert refused.status_code == 403
    assert (
        db.session.scalar(select(IdentityReveal).where(IdentityReveal.reason == "Curious")) is None
    )


def test_the_person_on_a_case_raised_outside_engage_is_hidden_too(client: FlaskClient) -> None:
    case = make_case(
        make_user().created_at.date(), mode="confidential", person="Pat Private, ext 4411"
    )
    sign_in(client, make_user(Role.GUARDIAN))
    assert "Pat Private" not in client.get(f"/guardian/cases/{case.id}").get_data(as_text=True)
    revealed = client.post(f"/guardian/cases/{case.id}/reveal", data={"reason": "Call back"})
    assert "Pat Private, ext 4411" in revealed.get_data(as_text=True)


def test_an_open_or_anonymous_case_has_nothing_to_reveal(client: FlaskClient) -> None:
    case = make_case(make_user().created_at.date(), mode="anonymous")
    sign_in(client, make_user(Role.GUARDIAN))
    page = client.get(f"/guardian/cases/{case.id}").get_data(as_text=True)
    assert "Reveal who raised it" not in page
    response = client.post(f"/guardian/cases/{case.id}/reveal", data={"reason": "Why not"})
    assert response.status_code == 400
    assert "no confidential identity to reveal" in response.get_data(as_text=True)
    assert re.search(r"Raised by.*?Anonymous", response.get_data(as_text=True), re.S)
