"""One-click unsubscribe (RFC 8058): the signed link in a digest works without sign-in or
CSRF token, once; a tampered link is refused; the headers are on the message."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from engage.accounts.models import Role, User
from engage.audit.models import AuditEvent
from engage.digests import preferences
from engage.digests.models import DigestKind
from engage.digests.sending import run_digests
from engage.extensions import db
from tests.digests.helpers import outbox_to
from tests.factories.accounts import make_user, sign_in
from tests.factories.organisation import make_unit
from tests.factories.smtp import Inbox

MONDAY_8 = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
LINK = re.compile(r"https?://\S+/digests/unsubscribe/\S+")


@pytest.fixture
def csrf_on(app: Flask) -> Iterator[None]:
    """Forms are protected as in production, to show this one address does without."""
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        yield
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def _leader_with_digest(app: Flask) -> tuple[User, str]:
    leader = make_user(Role.LEADER, leads_units=(make_unit(),))
    with app.test_request_context():
        run_digests(MONDAY_8)
    [mail] = outbox_to(leader.email)
    found = LINK.search(mail.body)
    assert found is not None, "the digest carries its unsubscribe link"
    return leader, found.group(0).split("/digests/", 1)[1]


def _subscribed(user: User) -> bool:
    return preferences.digest_choices(user)[DigestKind.LEADER].enabled


def _unsubscribes() -> int:
    query = select(func.count(AuditEvent.id)).where(AuditEvent.action == "digests.unsubscribed")
    return int(db.session.scalar(query) or 0)


def test_one_click_post_works_without_sign_in_or_csrf_token_once(
    app: Flask, client: FlaskClient, csrf_on: None
) -> None:
    leader, path = _leader_with_digest(app)
    confirm = client.get(f"/digests/{path}")
    assert confirm.status_code == 200
    assert "Stop sending the leader" in confirm.get_data(as_text=True)
    assert _subscribed(leader), "opening the page changes nothing"
    response = client.post(f"/digests/{path}", data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "Digest stopped" in response.get_data(as_text=True)
    db.session.expire_all()
    assert not _subscribed(leader)
    again = client.post(f"/digests/{path}", data={"List-Unsubscribe": "One-Click"})
    assert again.status_code == 200
    assert _unsubscribes() == 1, "a second click changes and records nothing"
    assert "already off" in client.get(f"/digests/{path}").get_data(as_text=True)
    with app.test_request_context():
        assert run_digests(datetime(2026, 11, 30, 8, 0, tzinfo=UTC))["leader_weekly"] == 0


def test_other_forms_still_need_their_csrf_token(
    app: Flask, client: FlaskClient, csrf_on: None
) -> None:
    user = make_user()
    app.config["WTF_CSRF_ENABLED"] = False
    sign_in(client, user)
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/settings/notifications", data={"alert_update": "daily"})
    assert response.status_code == 400


@pytest.mark.parametrize("change", ["tamper", "other_kind", "garbage"])
def test_a_tampered_link_is_refused_and_changes_nothing(
    app: Flask, client: FlaskClient, change: str
) -> None:
    leader, path = _leader_with_digest(app)
    token = path.rsplit("/", 1)[1]
    if change == "tamper":
        token = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    elif change == "other_kind":
        payload, signature = token.split(".", 1)
        token = f"{payload[:-1]}x.{signature}"
    else:
        token = "not-a-token"
    for method in ("GET", "POST"):
        response = client.open(f"/digests/unsubscribe/{token}", method=method)
        assert response.status_code == 404
        assert "not valid" in response.get_data(as_text=True)
    db.session.expire_all()
    assert _subscribed(leader) and _unsubscribes() == 0


def test_the_digest_email_has_html_and_one_click_headers(
    app: Flask, db_session: object, smtp_inbox: Inbox
) -> None:
    leader = make_user(Role.LEADER, leads_units=(make_unit(),))
    with app.test_request_context():
        run_digests(MONDAY_8)
    smtp_inbox.deliver()
    [mail] = smtp_inbox.to(leader.email)
    assert re.fullmatch(r"<https?://\S+/digests/unsubscribe/\S+>", mail["List-Unsubscribe"])
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html = mail.get_body(("html",))
    text = mail.get_body(("plain",))
    assert html is not None and text is not None
    page = html.get_content()
    assert '<html lang="en">' in page and "<caption>" in page and '<th scope="col">' in page
    assert "Stop this digest" in page and "Stop this digest" in text.get_content()
