from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from config import ProductionConfig, _base_url_host
from engage import create_app
from engage.extensions import db
from engage.mail.models import OutboxMessage
from tests.factories.accounts import client_at, make_user
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


def test_production_answers_only_for_its_own_host() -> None:
    """Finding 3: production sets Flask's TRUSTED_HOSTS, so a forged Host header is refused
    before any page (or link) is made from it."""
    production = create_app(
        ProductionConfig,
        SECRET_KEY="k",
        SQLALCHEMY_DATABASE_URI="sqlite://",
        MAIL_BACKEND="smtp",
        TRUSTED_HOSTS=["engage.trust.nhs.uk"],
    )
    client = production.test_client()
    forged = client.get("/sign-in", headers={"Host": "evil.example"})
    assert forged.status_code == 400
    assert client.get("/sign-in", headers={"Host": "engage.trust.nhs.uk"}).status_code == 200


def test_production_trusts_the_base_urls_host_and_refuses_to_start_without_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ENGAGE_BASE_URL", "https://engage.trust.nhs.uk/")
    assert _base_url_host() == ["engage.trust.nhs.uk"]
    with pytest.raises(RuntimeError, match="ENGAGE_TRUSTED_HOSTS"):
        create_app(
            ProductionConfig,
            SECRET_KEY="k",
            SQLALCHEMY_DATABASE_URI="sqlite://",
            MAIL_BACKEND="smtp",
            TRUSTED_HOSTS=None,
        )


def test_make_run_points_links_at_the_port_it_serves(project_dir: Path) -> None:
    """`make run PORT=...` serves there, so the links in its mail must point there too."""
    plan = subprocess.run(
        ["make", "-n", "run", "PORT=5123"],
        cwd=project_dir,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    # db upgrade, seed-demo, and the web server with its scheduler
    assert plan.count("ENGAGE_BASE_URL=http://127.0.0.1:5123") == 3
    assert "--bind 127.0.0.1:5123" in plan


def test_forgotten_password_takes_as_long_for_unknown_and_real_accounts(
    app: Flask, client: FlaskClient, smtp_inbox: Inbox
) -> None:
    """Finding 7: sending the mail took time that only real accounts spent; the answer now
    comes after a fixed time either way, and reads the same."""
    user = make_user(email="timed.reset@test.nhs.uk")
    app.config["RESET_ANSWER_SECONDS"] = 0.3
    pages, took = [], []
    try:
        for email in (user.email, "nobody.timed@test.nhs.uk"):
            started = time.monotonic()
            response = client.post("/forgotten-password", data={"email": email})
            took.append(time.monotonic() - started)
            pages.append(response.get_data(as_text=True).replace(email, "EMAIL"))
    finally:
        app.config["RESET_ANSWER_SECONDS"] = 0.0
    smtp_inbox.deliver()
    assert len(smtp_inbox.to(user.email)) == 1
    assert min(took) >= 0.3
    main = [re.search(r"<main.*</main>", page, re.DOTALL) for page in pages]
    assert main[0] is not None and main[1] is not None
    assert main[0].group(0) == main[1].group(0)


def test_reset_mail_to_one_address_is_capped_whoever_asks(
    app: Flask, smtp_inbox: Inbox, db_session: object
) -> None:
    user = make_user(email="mail.bombed@test.nhs.uk")
    for n in range(5):
        client = client_at(app, f"10.5.5.{n + 1}")
        page = client.post("/forgotten-password", data={"email": user.email})
        assert "Check your email" in page.get_data(as_text=True)
    smtp_inbox.deliver()
    assert len(smtp_inbox.to(user.email)) == 3
