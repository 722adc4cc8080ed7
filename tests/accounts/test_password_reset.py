from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engage.extensions import db
from engage.mail.models import OutboxMessage
from tests.factories.accounts import make_user
from tests.factories.smtp import Inbox

NEW_PASSWORD = "a brand new long password"


def _link(body: str) -> str:
    match = re.search(r"http://127\.0\.0\.1:5000(/reset-password/\S+)", body)
    assert match, body
    return match.group(1)


def test_reset_link_arrives_by_smtp_and_sets_a_new_password(
    client: FlaskClient, smtp_inbox: Inbox
) -> None:
    user = make_user(email="reset.me@test.nhs.uk")
    page = client.post("/forgotten-password", data={"email": "Reset.Me@test.nhs.uk"})
    assert "Check your email" in page.get_data(as_text=True)
    smtp_inbox.deliver()
    [message] = smtp_inbox.to(user.email)
    assert message["Subject"] == "Reset your engage password"
    link = _link(message.get_content())

    form = client.get(link)
    assert form.status_code == 200 and "Set a new password" in form.get_data(as_text=True)
    done = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302
    signed_in = client.post("/sign-in", data={"email": user.email, "password": NEW_PASSWORD})
    assert signed_in.status_code == 302


def test_reset_link_works_only_once(client: FlaskClient, smtp_inbox: Inbox) -> None:
    user = make_user()
    client.post("/forgotten-password", data={"email": user.email})
    smtp_inbox.deliver()
    link = _link(smtp_inbox.to(user.email)[0].get_content())
    client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    again = client.get(link)
    assert again.status_code == 400
    assert "This link has already been used" in again.get_data(as_text=True)
    reuse = client.post(
        link, data={"password": "yet another password", "confirm": "yet another password"}
    )
    assert reuse.status_code == 400


def test_expired_link_is_refused(app: Flask, client: FlaskClient, smtp_inbox: Inbox) -> None:
    user = make_user()
    client.post("/forgotten-password", data={"email": user.email})
    smtp_inbox.deliver()
    link = _link(smtp_inbox.to(user.email)[0].get_content())
    app.config["PASSWORD_RESET_HOURS"] = -1
    try:
        page = client.get(link)
    finally:
        app.config["PASSWORD_RESET_HOURS"] = 2
    assert page.status_code == 400
    assert "This link has expired" in page.get_data(as_text=True)


def test_tampered_link_is_refused(client: FlaskClient) -> None:
    page = client.get("/reset-password/not-a-real-token")
    assert page.status_code == 400
    assert "This link is not valid" in page.get_data(as_text=True)


def test_unknown_email_gets_the_same_answer_and_no_mail(
    client: FlaskClient, smtp_inbox: Inbox
) -> None:
    page = client.post("/forgotten-password", data={"email": "nobody@test.nhs.uk"})
    assert "Check your email" in page.get_data(as_text=True)
    smtp_inbox.deliver()
    assert smtp_inbox.messages == []


def test_short_or_mismatched_passwords_are_refused_beside_the_field(
    client: FlaskClient, smtp_inbox: Inbox
) -> None:
    user = make_user()
    client.post("/forgotten-password", data={"email": user.email})
    smtp_inbox.deliver()
    link = _link(smtp_inbox.to(user.email)[0].get_content())
    short = client.post(link, data={"password": "short", "confirm": "short"}).get_data(as_text=True)
    assert "Password must be 12 characters or more" in short
    mismatch = client.post(
        link, data={"password": NEW_PASSWORD, "confirm": "something else entirely"}
    )
    assert "The passwords do not match" in mismatch.get_data(as_text=True)
    assert client.get(link).status_code == 200, "link still usable after a refused attempt"


def test_development_outbox_keeps_the_message_instead(client: FlaskClient) -> None:
    user = make_user()
    client.post("/forgotten-password", data={"email": user.email})
    kept = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == user.email))
    [message] = list(kept)
    outbox = client.get("/outbox").get_data(as_text=True)
    assert message.subject in outbox
    assert _link(message.body) in outbox


def test_outbox_does_not_exist_when_mail_is_really_sent(
    client: FlaskClient, smtp_inbox: Inbox
) -> None:
    assert client.get("/outbox").status_code == 403


def test_change_password_needs_the_current_one(client: FlaskClient) -> None:
    from tests.factories.accounts import PASSWORD, sign_in

    user = make_user()
    sign_in(client, user)
    wrong = client.post(
        "/account",
        data={"current_password": "nope", "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert "Your current password is not correct" in wrong.get_data(as_text=True)
    right = client.post(
        "/account",
        data={"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert right.status_code == 302
    client.post("/sign-out")
    assert (
        client.post("/sign-in", data={"email": user.email, "password": NEW_PASSWORD}).status_code
        == 302
    )


def test_a_new_password_signs_out_every_other_session(app: Flask, client: FlaskClient) -> None:
    from tests.factories.accounts import PASSWORD, sign_in

    user = make_user()
    elsewhere = app.test_client()
    sign_in(elsewhere, user)
    sign_in(client, user)
    client.post(
        "/account",
        data={"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert elsewhere.get("/account").status_code == 302, "the other session has ended"
    assert client.get("/account").status_code == 200, "this one carries on"


def test_reset_link_ignores_a_forged_host_header(client: FlaskClient, smtp_inbox: Inbox) -> None:
    """The link comes from ENGAGE_BASE_URL: a request sent with `Host: evil.example` must not
    get a valid reset link pointing at evil.example."""
    user = make_user(email="forged.host@test.nhs.uk")
    client.post("/forgotten-password", data={"email": user.email}, headers={"Host": "evil.example"})
    smtp_inbox.deliver()
    [message] = smtp_inbox.to(user.email)
    assert "evil.example" not in message.get_content()
    assert "http://127.0.0.1:5000/reset-password/" in message.get_content()
