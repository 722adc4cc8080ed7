"""Fixtures built from the factories: one signed-in client per role, and a small-number
threshold other than the default 5."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engage.accounts.models import Role, User
from tests.factories.accounts import make_user, sign_in


@pytest.fixture
def admin(db_session: object) -> User:
    return make_user(Role.ADMIN, name="Ada Admin")


@pytest.fixture
def staff_member(db_session: object) -> User:
    return make_user(Role.STAFF, name="Sam Staff")


def _client_for(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    sign_in(client, user)
    return client


@pytest.fixture
def admin_client(app: Flask, admin: User) -> FlaskClient:
    return _client_for(app, admin)


@pytest.fixture
def staff_client(app: Flask, staff_member: User) -> FlaskClient:
    return _client_for(app, staff_member)


@pytest.fixture
def threshold_of_3(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """SMALL_NUMBER_THRESHOLD set to 3 for one test, so a place that hard-codes 5 shows."""
    monkeypatch.setitem(app.config, "SMALL_NUMBER_THRESHOLD", 3)
