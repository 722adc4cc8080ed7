"""Speaking up anonymously without an account (issue 11, finding 2): the front door takes
anonymous ideas and concerns from signed-out visitors, a few per client; and nothing links an
anonymous item to the account of someone who was signed in, nor times their sign-ins."""

from __future__ import annotations

import re
from datetime import time

from flask.testing import FlaskClient
from sqlalchemy import func, select

from engage.accounts.models import Role, User
from engage.audit.models import AuditEvent
from engage.extensions import db
from engage.submissions.models import Queue, SpeakUpMode, Submission
from engage.throttle import _limiter
from tests.factories.accounts import make_user, sign_in
from tests.factories.organisation import make_unit
from tests.factories.submissions import PASSPHRASE, shown_followup_code, theme


def _form(unit_id: int, **overrides: str) -> dict[str, str]:
    data = {
        "kind": "concern",
        "title": "Bullying on the night shift",
        "description": "A senior colleague shouts at juniors most nights.",
        "unit_id": str(unit_id),
        "theme_id": str(theme().id),
        "patient_safety": "no",
        "mode": "anonymous",
        "passphrase": PASSPHRASE,
        "passphrase_confirm": PASSPHRASE,
    }
    data.update(overrides)
    return data


def _count() -> int:
    return db.session.scalar(select(func.count(Submission.id))) or 0


def test_a_signed_out_visitor_raises_an_anonymous_concern(client: FlaskClient) -> None:
    ward = make_unit("Ward 31 (Quiet)")
    page = client.get("/speak-up").get_data(as_text=True)
    assert "you can speak up anonymously only" in page
    assert "Ward 31 (Quiet)" in page, "the trust's units to choose from"
    assert 'value="open"' not in page and 'value="confidential"' not in page
    assert "Check for similar ideas" not in page, "colleagues' ideas are for signed-in staff"

    response = client.post(
        "/speak-up", data=_form(ward.id), environ_base={"REMOTE_ADDR": "10.1.1.1"}
    )
    receipt = response.get_data(as_text=True)
    assert response.status_code == 200 and "Write this code down now" in receipt
    code = shown_followup_code(receipt)
    concern = db.session.scalar(select(Submission))
    assert concern is not None
    assert concern.mode_enum is SpeakUpMode.ANONYMOUS and concern.queue_enum is Queue.GUARDIAN
    assert concern.submitter_id is None and concern.unit_id == ward.id
    assert db.session.scalar(select(func.count(AuditEvent.id))) == 0

    opened = client.post("/check", data={"reference": code, "passphrase": PASSPHRASE})
    assert opened.status_code == 302


def test_a_signed_out_visitor_cannot_speak_up_openly(client: FlaskClient) -> None:
    ward = make_unit()
    for mode in ("open", "confidential"):
        response = client.post("/speak-up", data=_form(ward.id, mode=mode))
        assert response.status_code == 200
        assert 'id="mode-error"' in response.get_data(as_text=True)
    assert _count() == 0
    assert client.get("/submissions/mine").status_code == 302, "other pages still need sign-in"


def test_signed_out_submissions_are_limited_per_client_without_keeping_the_address(
    client: FlaskClient,
) -> None:
    ward = make_unit()
    for _ in range(3):
        sent = client.post(
            "/speak-up", data=_form(ward.id), environ_base={"REMOTE_ADDR": "10.9.9.9"}
        )
        assert sent.status_code == 200
    fourth = client.post("/speak-up", data=_form(ward.id), environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert fourth.status_code == 429
    assert re.search(r"Try again in \d+ minutes", fourth.get_data(as_text=True))
    assert _count() == 3
    elsewhere = client.post(
        "/speak-up", data=_form(ward.id), environ_base={"REMOTE_ADDR": "10.9.9.10"}
    )
    assert elsewhere.status_code == 200 and _count() == 4
    with client.application.app_context():
        storage = _limiter().storage
    kept = repr(vars(storage))
    assert "front-door" in kept, "the counts are there"
    assert "10.9.9.9" not in kept, "but not the address"


def test_signed_in_staff_choosing_anonymous_leave_no_trace_of_the_link(
    client: FlaskClient,
) -> None:
    person = make_user(name="Tam Trace")
    sign_in(client, person)
    before = db.session.scalar(select(func.count(AuditEvent.id)))
    with client.session_transaction() as session:
        session["last_seen"] -= 60  # their previous page, a minute ago
        last_seen = session["last_seen"]
    response = client.post("/speak-up", data=_form(person.unit_id))  # type: ignore[arg-type]
    assert "Write this code down now" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(AuditEvent.id))) == before
    with client.session_transaction() as session:
        assert session["last_seen"] == last_seen, "the session does not mark the moment"
    concern = db.session.scalar(select(Submission))
    assert concern is not None and concern.submitter_id is None


def test_staff_sign_ins_keep_the_date_only_admins_and_guardians_the_time(
    client: FlaskClient,
) -> None:
    staff, leader = make_user(Role.STAFF), make_user(Role.LEADER)
    admin, guardian = make_user(Role.ADMIN), make_user(Role.GUARDIAN)
    for user in (staff, leader, admin, guardian):
        sign_in(client, user)
        client.post("/sign-out")
    for user, keeps_time in ((staff, False), (leader, False), (admin, True), (guardian, True)):
        event = db.session.scalar(
            select(AuditEvent).where(
                AuditEvent.action == "account.signed_in", AuditEvent.actor_id == user.id
            )
        )
        assert event is not None, user.role
        last_login = db.session.scalar(select(User.last_login_at).where(User.id == user.id))
        assert last_login is not None
        # Each on its own: the account's last sign-in and the audit record both keep the time
        # for administrators and guardians, and both drop it for everyone else.
        assert (event.occurred_at.time() == time(0)) is not keeps_time, user.role
        assert (last_login.time() == time(0)) is not keeps_time, user.role
