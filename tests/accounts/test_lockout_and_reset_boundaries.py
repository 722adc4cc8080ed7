"""The boundaries of reset and sign-in wording: who may be sent a reset link at all, what the
mail says, and the refusals word for word. The fifth failed sign-in, and what a success or a
reset clears, are in test_sign_in_throttling.py."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engage.accounts.models import User
from engage.audit.models import AuditEvent
from engage.extensions import db
from engage.timeutil import utcnow
from tests.factories.accounts import PASSWORD, make_user
from tests.factories.smtp import Inbox

NEW_PASSWORD = "a brand new long password"
WRONG = "Enter a correct email address and password"


def _attempt(client: FlaskClient, user: User, password: str) -> str:
    page = client.post("/sign-in", data={"email": user.email, "password": password})
    if page.status_code == 302:
        client.post("/sign-out")
        return "signed in"
    text = page.get_data(as_text=True)
    return WRONG if WRONG in text else text


def _reset_link(client: FlaskClient, smtp_inbox: Inbox, user: User) -> str:
    client.post("/forgotten-password", data={"email": user.email})
    smtp_inbox.deliver()
    [message] = smtp_inbox.to(user.email)
    match = re.search(r"http://127\.0\.0\.1:5000(/reset-password/\S+)", message.get_content())
    assert match
    return match.group(1)


def _audited(action: str, user: User) -> list[str]:
    """This user's audit events of one kind: the summary, with " (by them)" when they acted."""
    query = select(AuditEvent.summary, AuditEvent.actor_id).where(
        AuditEvent.action == action, AuditEvent.target_id == str(user.id)
    )
    return [
        summary + (" (by them)" if actor_id == user.id else "")
        for summary, actor_id in db.session.execute(query)
    ]


def test_inactive_users_are_sent_no_reset_link(client: FlaskClient, smtp_inbox: Inbox) -> None:
    user = make_user(active=False)
    page = client.post("/forgotten-password", data={"email": user.email})
    assert "Check your email" in page.get_data(as_text=True), "the same answer as for anyone"
    smtp_inbox.deliver()
    assert smtp_inbox.messages == []
    assert _audited("account.reset_requested", user) == []


def test_a_link_sent_before_deactivation_no_longer_works(
    client: FlaskClient, smtp_inbox: Inbox
) -> None:
    user = make_user()
    link = _reset_link(client, smtp_inbox, user)
    stored = db.session.get(User, user.id)
    assert stored is not None
    stored.active = False
    db.session.commit()
    page = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert page.status_code == 400
    assert "This link is not valid" in page.get_data(as_text=True)


def test_the_reset_mail_greets_the_person_and_says_how_long_the_link_lasts(
    client: FlaskClient, smtp_inbox: Inbox
) -> None:
    user = make_user(name="Robin Reset")
    client.post("/forgotten-password", data={"email": f"  {user.email.upper()} "})
    smtp_inbox.deliver()
    [message] = smtp_inbox.to(user.email)
    body = message.get_content()
    assert body.startswith("Hello Robin Reset,")
    assert "expires in 2 hours" in body
    assert body.replace("\r\n", "\n").endswith(
        "If you did not ask for this, you can ignore this email: your password has not changed.\n"
    )
    assert _audited("account.reset_requested", user) == [
        f"Password reset requested for {user.email}"
    ]


def test_a_successful_sign_in_is_recorded_with_its_day(client: FlaskClient) -> None:
    user = make_user()
    today = utcnow().date()
    assert _attempt(client, user, PASSWORD) == "signed in"
    stored = db.session.get(User, user.id)
    assert stored is not None and stored.last_login_at is not None
    assert stored.last_login_at.date() == today
    assert _audited("account.signed_in", user) == [f"{user.email} signed in (by them)"]
    assert _audited("account.signed_out", user) == [f"{user.email} signed out (by them)"]


def test_password_length_rules_at_their_boundaries(app: Flask, db_session: object) -> None:
    from engage.accounts.services import check_password_rules
    from engage.errors import ValidationFailed

    with app.test_request_context():
        check_password_rules("x" * 12)
        check_password_rules("x" * 200)
        for bad, message in (
            ("x" * 11, "Password must be 12 characters or more"),
            ("x" * 201, "Password must be 200 characters or fewer"),
        ):
            with pytest.raises(ValidationFailed) as refused:
                check_password_rules(bad, "new_password")
            assert (refused.value.message, refused.value.field) == (message, "new_password")


def test_changing_a_password_needs_the_current_one_and_is_recorded(
    app: Flask, db_session: object
) -> None:
    from engage.accounts.passwords import verify_password
    from engage.accounts.services import change_password
    from engage.errors import ValidationFailed

    user = make_user()
    with app.test_request_context():
        with pytest.raises(ValidationFailed) as refused:
            change_password(user, "not my password", NEW_PASSWORD)
        assert (refused.value.message, refused.value.field) == (
            "Your current password is not correct",
            "current_password",
        )
        with pytest.raises(ValidationFailed) as short:
            change_password(user, PASSWORD, "too short")
        assert short.value.field == "new_password"
        change_password(user, PASSWORD, NEW_PASSWORD)
    stored = db.session.get(User, user.id)
    assert stored is not None and verify_password(stored.password_hash, NEW_PASSWORD)
    changed = _audited("account.password_changed", user)
    assert changed == [f"{user.email} changed their password (by them)"]


def test_sign_in_refusals_word_for_word(app: Flask, db_session: object) -> None:
    from engage.accounts.services import SignInRefused, authenticate

    user = make_user(email="Exact.Words@test.nhs.uk")
    inactive = make_user(active=False)
    with app.test_request_context():

        def refusal(email: str, password: str) -> str:
            with pytest.raises(SignInRefused) as refused:
                authenticate(email, password, "client-a")
            assert str(refused.value) == refused.value.message, "reads the same in a log"
            return refused.value.message

        assert refusal("nobody@test.nhs.uk", PASSWORD) == WRONG
        assert refusal(inactive.email, PASSWORD) == WRONG
        assert refusal(user.email, "wrong password") == WRONG
        signed_in = authenticate("  exact.words@TEST.nhs.uk ", PASSWORD, "client-a")
        assert signed_in.user == user


def test_reset_link_refusals_word_for_word(client: FlaskClient, smtp_inbox: Inbox) -> None:
    from engage.accounts.passwords import ResetTokenError
    from engage.accounts.services import user_for_reset_token

    user = make_user()
    token = _reset_link(client, smtp_inbox, user).rsplit("/", 1)[1]
    client.post(
        f"/reset-password/{token}", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    with client.application.test_request_context():
        with pytest.raises(ResetTokenError) as used:
            user_for_reset_token(token)
        assert str(used.value) == (
            "This link has already been used. Ask for a new password reset link if you need one."
        )
        stored = db.session.get(User, user.id)
        assert stored is not None
        stored.active = False
        with pytest.raises(ResetTokenError) as inactive:
            user_for_reset_token(token)
        assert str(inactive.value) == "This link is not valid. Ask for a new password reset link."


def test_a_password_reset_is_recorded_as_done_by_the_person(app: Flask, db_session: object) -> None:
    from engage.accounts.passwords import make_reset_token
    from engage.accounts.services import reset_password

    user = make_user()
    token = make_reset_token(app.config["SECRET_KEY"], user.id, user.password_hash)
    with app.test_request_context():
        reset_password(token, NEW_PASSWORD)
    assert _audited("account.password_reset", user) == [
        f"{user.email} set a new password (by them)"
    ]


@pytest.mark.parametrize(("age", "works"), [(24 * 3600 - 60, True), (24 * 3600 + 5, False)])
def test_a_reset_link_lasts_exactly_its_hours(
    app: Flask, db_session: object, monkeypatch: pytest.MonkeyPatch, age: int, works: bool
) -> None:
    import time

    from itsdangerous.timed import TimestampSigner

    from engage.accounts.passwords import ResetTokenError, make_reset_token
    from engage.accounts.services import user_for_reset_token

    user = make_user()
    with monkeypatch.context() as past:
        past.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - age)
        token = make_reset_token(app.config["SECRET_KEY"], user.id, user.password_hash)
    monkeypatch.setitem(app.config, "PASSWORD_RESET_HOURS", 24)
    with app.test_request_context():
        if works:
            assert user_for_reset_token(token).id == user.id
        else:
            with pytest.raises(ResetTokenError, match="This link has expired"):
                user_for_reset_token(token)


def test_a_short_new_password_on_the_reset_page_is_refused_beside_its_field(
    app: Flask, db_session: object
) -> None:
    from engage.accounts.passwords import make_reset_token
    from engage.accounts.services import reset_password
    from engage.errors import ValidationFailed

    user = make_user()
    token = make_reset_token(app.config["SECRET_KEY"], user.id, user.password_hash)
    with app.test_request_context(), pytest.raises(ValidationFailed) as refused:
        reset_password(token, "x" * 11)
    assert (refused.value.field, refused.value.message) == (
        "password",
        "Password must be 12 characters or more",
    )
