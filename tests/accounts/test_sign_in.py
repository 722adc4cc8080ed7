from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engage.accounts.models import Role, User
from engage.audit.models import AuditEvent
from engage.extensions import db
from tests.factories.accounts import PASSWORD, make_user, sign_in


def test_sign_in_page_has_email_and_password_fields(client: FlaskClient) -> None:
    page = client.get("/sign-in").get_data(as_text=True)
    assert 'name="email"' in page
    assert 'name="password"' in page


def test_correct_password_signs_in_and_records_it(client: FlaskClient) -> None:
    user = make_user(email="Nurse.Jones@Test.nhs.uk")
    response = client.post(
        "/sign-in", data={"email": "  NURSE.JONES@test.nhs.uk ", "password": PASSWORD}
    )
    assert response.status_code == 302
    home = client.get("/").get_data(as_text=True)
    assert f"Hello, {user.name}" in home
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.actor_id == user.id))
    assert "account.signed_in" in list(actions)


def test_wrong_password_and_unknown_email_get_the_same_message(client: FlaskClient) -> None:
    user = make_user()
    wrong = client.post("/sign-in", data={"email": user.email, "password": "not it at all"})
    unknown = client.post("/sign-in", data={"email": "nobody@test.nhs.uk", "password": "x"})
    for response in (wrong, unknown):
        page = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "Enter a correct email address and password" in page
        assert "There is a problem" in page
    assert user.email in wrong.get_data(as_text=True), "the email typed is kept"


def test_empty_fields_get_a_message_beside_each(client: FlaskClient) -> None:
    page = client.post("/sign-in", data={"email": "", "password": ""}).get_data(as_text=True)
    assert "Enter your email address" in page
    assert "Enter your password" in page
    assert 'href="#email"' in page


def test_inactive_user_cannot_sign_in(client: FlaskClient) -> None:
    user = make_user(active=False)
    response = client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    assert "Enter a correct email address and password" in response.get_data(as_text=True)


def test_sign_out_ends_the_session(client: FlaskClient) -> None:
    sign_in(client, make_user())
    assert client.post("/sign-out").status_code == 302
    assert client.get("/account").status_code == 302


def test_sign_out_needs_a_post_with_csrf_token(app: Flask, client: FlaskClient) -> None:
    sign_in(client, make_user())
    assert client.get("/sign-out").status_code == 405
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        forged = client.post("/sign-out")
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert forged.status_code == 400
    assert "Your form has expired" in forged.get_data(as_text=True)
    assert client.get("/account").status_code == 200, "still signed in"


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/account", "/account"),
        ("//evil.example/x", "/"),
        ("https://evil.example", "/"),
        ("/%09/evil.example", "/"),
        ("/%0a/x", "/"),
        ("/\\evil.example", "/"),
        ("account", "/"),
    ],
)
def test_next_parameter_only_redirects_within_engage(
    target: str, expected: str, client: FlaskClient
) -> None:
    user = make_user()
    response = client.post(
        f"/sign-in?next={target}", data={"email": user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.location == expected


def test_pages_need_sign_in(client: FlaskClient) -> None:
    for path in ("/", "/account", "/admin/users", "/admin/audit", "/metrics/chart"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert "/sign-in" in response.location


def test_user_roles_are_stored_as_known_values(client: FlaskClient) -> None:
    user = make_user(Role.GUARDIAN)
    assert db.session.get(User, user.id).role_enum is Role.GUARDIAN
