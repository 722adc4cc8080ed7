"""Anonymity is a promise: nothing stored or logged can be joined to the person."""

from __future__ import annotations

import logging
from datetime import datetime, time
from itertools import pairwise

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import inspect, select

from engage.accounts.models import Role, User
from engage.audit.models import AuditEvent
from engage.extensions import db
from engage.submissions.models import Message, StatusChange, Submission
from engage.submissions.references import followup_digest
from tests.factories.accounts import make_user, sign_in
from tests.factories.smtp import Inbox
from tests.factories.submissions import PASSPHRASE, shown_followup_code, theme


def _raise_anonymously(client: FlaskClient, user: User) -> str:
    sign_in(client, user)
    response = client.post(
        "/speak-up",
        data={
            "kind": "concern",
            "title": "Unsafe staffing at night",
            "description": "Two nurses for 28 patients on most nights this month.",
            "unit_id": str(user.unit_id),
            "theme_id": str(theme().id),
            "patient_safety": "yes",
            "mode": "anonymous",
            "passphrase": PASSPHRASE,
            "passphrase_confirm": PASSPHRASE,
        },
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Write this code down now" in page
    return shown_followup_code(page)


def _submission_for(followup_code: str) -> Submission:
    found = db.session.scalar(
        select(Submission).where(Submission.followup_digest == followup_digest(followup_code))
    )
    assert found is not None
    return found


def _assert_identifies_nobody(row: object, user: User) -> None:
    """No column points at a user, names them, or holds a time of day."""
    mapper = inspect(row).mapper
    for attribute in mapper.column_attrs:
        [column] = attribute.columns
        value = getattr(row, attribute.key)
        where = f"{type(row).__name__}.{attribute.key} = {value!r}"
        if any(fk.column.table.name == "users" for fk in column.foreign_keys):
            assert value is None, where
        if isinstance(value, str):
            assert user.email not in value and user.name not in value, where
        if isinstance(value, datetime):
            assert value.time() == time(0, 0), where


def test_anonymous_rows_hold_nothing_that_identifies_the_person(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    user = make_user(name="Wren Whistleblower", email="wren@test.nhs.uk")
    reference = _raise_anonymously(client, user)
    client.post("/sign-out")
    client.post("/check", data={"reference": reference, "passphrase": PASSPHRASE})
    client.post("/check/case/messages", data={"body": "It happened again last night."})

    submission = _submission_for(reference)
    assert submission.submitter_id is None and submission.submitted_at is None
    rows: list[object] = [submission]
    rows += db.session.scalars(select(Message).where(Message.submission_id == submission.id)).all()
    rows += db.session.scalars(
        select(StatusChange).where(StatusChange.submission_id == submission.id)
    ).all()
    assert len(rows) == 3
    for row in rows:
        _assert_identifies_nobody(row, user)
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.target_id == str(submission.id))
    ).all()
    assert events == [], "no audit event joins the item to the signed-in account's session"
    message = db.session.scalar(select(Message).where(Message.submission_id == submission.id))
    assert message is not None and message.author_id is None and message.sent_at is None

    logged = "\n".join(record.getMessage() for record in caplog.records)
    for identifier in (user.email, user.name, reference, submission.reference):
        assert identifier not in logged


def test_anonymous_submission_is_not_listed_as_theirs(client: FlaskClient) -> None:
    user = make_user()
    submission = _submission_for(_raise_anonymously(client, user))
    assert submission.reference not in client.get("/submissions/mine").get_data(as_text=True)


def test_return_with_code_and_passphrase_and_read_the_guardians_reply(
    client: FlaskClient, smtp_inbox: Inbox
) -> None:
    user = make_user()
    guardian = make_user(Role.GUARDIAN)
    reference = _raise_anonymously(client, user)
    submission = _submission_for(reference)

    guardian_client = client.application.test_client()
    sign_in(guardian_client, guardian)
    guardian_client.post(
        f"/submissions/{submission.id}/messages",
        data={"body": "Thank you. Which shifts were worst?"},
    )
    smtp_inbox.deliver()
    assert smtp_inbox.messages == [], "no email can reach an anonymous person"

    visitor = client.application.test_client()  # a different, signed-out browser
    typed = reference.lower().replace("-", " ")
    opened = visitor.post("/check", data={"reference": typed, "passphrase": PASSPHRASE})
    assert opened.status_code == 302
    case = visitor.get("/check/case").get_data(as_text=True)
    assert "Thank you. Which shifts were worst?" in case
    sent = visitor.post("/check/case/messages", data={"body": "Mostly weekend nights."})
    assert sent.status_code == 302
    seen = guardian_client.get(f"/submissions/{submission.id}").get_data(as_text=True)
    assert "Mostly weekend nights." in seen and "Anonymous" in seen

    visitor.post("/check/finish")
    assert visitor.get("/check/case").status_code == 302


def test_wrong_passphrase_or_code_gets_one_generic_message(client: FlaskClient) -> None:
    reference = _raise_anonymously(client, make_user())
    visitor = client.application.test_client()
    wrong = visitor.post("/check", data={"reference": reference, "passphrase": "not the phrase"})
    unknown = visitor.post("/check", data={"reference": "0000-0000-0000", "passphrase": PASSPHRASE})
    for response in (wrong, unknown):
        assert response.status_code == 200
        assert "The follow-up code and passphrase do not match" in response.get_data(as_text=True)
    assert visitor.get("/check/case").status_code == 302


def test_someone_elses_code_with_my_passphrase_is_refused(client: FlaskClient) -> None:
    mine = _raise_anonymously(client, make_user())
    other_client = client.application.test_client()
    theirs = _raise_anonymously(other_client, make_user())
    assert mine != theirs
    visitor = client.application.test_client()
    visitor.post("/check", data={"reference": theirs, "passphrase": "another passphrase"})
    assert visitor.get("/check/case").status_code == 302


def test_unlocked_case_expires(client: FlaskClient) -> None:
    reference = _raise_anonymously(client, make_user())
    visitor = client.application.test_client()
    visitor.post("/check", data={"reference": reference, "passphrase": PASSPHRASE})
    with visitor.session_transaction() as session:
        session["anonymous_case"] = {**session["anonymous_case"], "until": 0}
    assert visitor.get("/check/case").status_code == 302


def test_empty_or_oversized_anonymous_reply_is_refused(client: FlaskClient) -> None:
    reference = _raise_anonymously(client, make_user())
    visitor = client.application.test_client()
    visitor.post("/check", data={"reference": reference, "passphrase": PASSPHRASE})
    empty = visitor.post("/check/case/messages", data={"body": "   "})
    assert empty.status_code == 400 and "Write a message" in empty.get_data(as_text=True)
    huge = visitor.post("/check/case/messages", data={"body": "x" * 3001})
    assert "Message must be 3000 characters or fewer" in huge.get_data(as_text=True)


def test_the_audit_log_never_names_a_confidential_submitter(
    client: FlaskClient, admin_client: FlaskClient
) -> None:
    from engage.submissions.models import Kind, SpeakUpMode
    from tests.factories.submissions import make_submission

    raiser = make_user(email="quiet.person@test.nhs.uk")
    concern = make_submission(raiser, kind=Kind.CONCERN, mode=SpeakUpMode.CONFIDENTIAL)
    sign_in(client, raiser)
    client.post(f"/submissions/{concern.id}/messages", data={"body": "More detail"})
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.target_id == str(concern.id))
    ).all()
    assert len(events) == 2
    for event in events:
        assert event.actor_id is None and event.occurred_at.time() == time(0, 0)
    page = admin_client.get(f"/admin/audit?text={concern.reference}").get_data(as_text=True)
    assert concern.reference in page and "quiet.person@test.nhs.uk" not in page


def test_rows_written_for_submissions_do_not_take_sequential_ids(client: FlaskClient) -> None:
    """A sequence would place an anonymous row between rows with exact times."""
    from tests.factories.submissions import make_submission

    raiser = make_user()
    made = [make_submission(raiser) for _ in range(3)]
    submission_ids = [submission.id for submission in made]
    rows_of = {
        Submission: select(Submission.id).where(Submission.id.in_(submission_ids)),
        StatusChange: select(StatusChange.id).where(StatusChange.submission_id.in_(submission_ids)),
        AuditEvent: select(AuditEvent.id).where(
            AuditEvent.target_id.in_([str(i) for i in submission_ids])
        ),
    }
    for model, query in rows_of.items():
        ids = sorted(db.session.scalars(query))
        assert len(ids) == 3, model.__name__
        gaps = {later - earlier for earlier, later in pairwise(ids)}
        assert gaps != {1}, f"{model.__name__} ids run in sequence: {ids}"


def test_following_up_refusals_and_replies_word_for_word(app: Flask, db_session: object) -> None:
    """The service behind the follow-up page: one message for any refusal (it reads the same
    in a log), only anonymous cases open, and a closed case takes no reply."""
    from engage.errors import ValidationFailed
    from engage.submissions.anonymous import AccessRefused, anonymous_reply, open_case
    from engage.submissions.models import Kind, SpeakUpMode
    from tests.factories.submissions import make_submission

    with app.test_request_context():
        case = make_submission(make_user(), kind=Kind.CONCERN, mode=SpeakUpMode.ANONYMOUS)
        with pytest.raises(AccessRefused) as refused:
            open_case("AB-CDEF-GHJK-MNPQ", PASSPHRASE, "client-one")
        assert refused.value.message == (
            "The follow-up code and passphrase do not match, or there have been too many "
            "tries. Check them, and if you are sure they are right, try again in 15 minutes."
        )
        assert str(refused.value) == refused.value.message, "reads the same in a log"
        case.status = "closed"
        with pytest.raises(ValidationFailed) as closed:
            anonymous_reply(case, "One more thing")
        assert (closed.value.message, closed.value.field) == (
            "This is closed, so no more messages can be added",
            "body",
        )
        case.status = "acknowledged"
        message = anonymous_reply(case, "One more thing")
        assert (message.author_id, message.author_role, message.body, message.sent_at) == (
            None,
            "submitter",
            "One more thing",
            None,
        )
