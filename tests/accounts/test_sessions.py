"""Finding 4: sessions are held server-side, in the database or in Redis, and end at once on
sign-out, a new password or an administrator's "sign out everywhere"; the absolute limit
counts from sign-in, and the idle limit is kept. Every test runs against both stores."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from config import TestConfig
from engage import create_app
from engage.accounts import management, sessions
from engage.accounts.models import Role, User, UserSession
from engage.audit.models import AuditEvent
from engage.extensions import db
from tests.conftest import RedisTarget
from tests.factories.accounts import PASSWORD, make_user, sign_in


@pytest.fixture(params=["database", "redis"])
def web(request: pytest.FixtureRequest, app: Flask, db_session: object) -> Iterator[Flask]:
    """engage with its sessions in the database (the session-wide app) or in Redis."""
    if request.param == "database":
        yield app
        return
    target: RedisTarget = request.getfixturevalue("redis_target")
    worker = create_app(
        TestConfig,
        SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
        REDIS_URL=target.url,
        REDIS_KEY_PREFIX=target.prefix,
    )
    yield worker
    worker.extensions["engage_session_redis"].close()
    with worker.app_context():
        db.engine.dispose()


class Clock:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = sessions.clock()
        monkeypatch.setattr(sessions, "clock", lambda: self.now)

    def advance(self, *, minutes: float = 0, hours: float = 0) -> None:
        self.now += minutes * 60 + hours * 3600


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)


def _signed_in(client: FlaskClient) -> bool:
    response = client.get("/account")
    return response.status_code == 200


def _copy(web: Flask, client: FlaskClient) -> FlaskClient:
    """Another browser holding a copy of the client's session cookie."""
    name = web.config["SESSION_COOKIE_NAME"]
    cookie = client.get_cookie(name)
    assert cookie is not None
    thief = web.test_client()
    thief.set_cookie(name, cookie.value)
    return thief


def test_a_copied_cookie_stops_working_after_sign_out(web: Flask) -> None:
    user = make_user()
    client = web.test_client()
    sign_in(client, user)
    thief = _copy(web, client)
    assert _signed_in(thief), "the copy works while the session lasts"
    client.post("/sign-out")
    assert not _signed_in(client)
    response = thief.get("/account")
    assert response.status_code == 302 and "/sign-in" in response.location
    assert "You have been signed out" in thief.get(response.location).get_data(as_text=True)


def test_a_new_password_ends_every_other_session(web: Flask) -> None:
    user = make_user()
    here, elsewhere = web.test_client(), web.test_client()
    sign_in(here, user)
    sign_in(elsewhere, user)
    copied = _copy(web, here)
    new_password = "a brand new long password"
    changed = here.post(
        "/account",
        data={
            "current_password": PASSWORD,
            "new_password": new_password,
            "confirm": new_password,
        },
    )
    assert changed.status_code == 302
    assert _signed_in(here), "the person who changed it carries on"
    assert not _signed_in(elsewhere)
    assert not _signed_in(copied), "a cookie copied before the change is dead"


def test_an_admin_signs_a_user_out_everywhere(web: Flask) -> None:
    admin, user = make_user(Role.ADMIN), make_user()
    admin_client, phone, desktop = web.test_client(), web.test_client(), web.test_client()
    sign_in(admin_client, admin)
    sign_in(phone, user)
    sign_in(desktop, user)
    page = admin_client.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert "Sign out everywhere" in page
    done = admin_client.post(f"/admin/users/{user.id}/sign-out-everywhere", follow_redirects=True)
    assert f"{user.name} is signed out everywhere (2 sessions ended)." in done.get_data(
        as_text=True
    )
    assert not _signed_in(phone) and not _signed_in(desktop)
    assert _signed_in(admin_client)
    event = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "user.signed_out_everywhere", AuditEvent.actor_id == admin.id
        )
    )
    assert event is not None
    sign_in(phone, user)
    assert _signed_in(phone), "they can sign in again straight away"


def test_only_an_admin_can_sign_someone_out_everywhere(web: Flask) -> None:
    leader, user = make_user(Role.LEADER), make_user()
    client, victim = web.test_client(), web.test_client()
    sign_in(client, leader)
    sign_in(victim, user)
    assert client.post(f"/admin/users/{user.id}/sign-out-everywhere").status_code == 403
    assert _signed_in(victim)


def test_deactivating_a_user_ends_their_sessions_for_good(web: Flask) -> None:
    admin, user = make_user(Role.ADMIN), make_user()
    client = web.test_client()
    sign_in(client, user)

    def save(active: bool) -> None:
        details = management.UserDetails(
            name=user.name,
            email=user.email,
            role=Role.STAFF,
            unit_id=user.unit_id,
            staff_group_id=user.staff_group_id,
            active=active,
        )
        with web.test_request_context():
            management.update_user(db.session.merge(admin), user.id, details)

    save(active=False)
    save(active=True)
    assert not _signed_in(client), "coming back does not revive the old session"


def test_the_absolute_limit_counts_from_sign_in_not_from_the_last_request(
    web: Flask, clock: Clock
) -> None:
    client = web.test_client()
    sign_in(client, make_user())
    hours = web.config["PERMANENT_SESSION_LIFETIME"].total_seconds() / 3600
    assert hours == 8
    # Busy all shift: a request every 20 minutes keeps it from idling...
    for _ in range(int(hours * 3) - 1):
        clock.advance(minutes=20)
        assert _signed_in(client)
    clock.advance(minutes=20 - 1 / 60)
    assert _signed_in(client), "a second before 8 hours, still signed in"
    clock.advance(minutes=2 / 60)  # ...but 8 hours and a second after signing in, it ends.
    response = client.get("/account")
    assert response.status_code == 302
    assert "you signed in a while ago" in client.get(response.location).get_data(as_text=True)


def test_a_session_left_idle_is_signed_out(web: Flask, clock: Clock) -> None:
    client = web.test_client()
    sign_in(client, make_user())
    idle = web.config["SESSION_IDLE_MINUTES"]
    clock.advance(minutes=idle - 1 / 60)
    assert _signed_in(client), "a second before the idle limit, still signed in"
    clock.advance(minutes=idle + 1 / 60)
    response = client.get("/account")
    assert response.status_code == 302
    follow = client.get(response.location).get_data(as_text=True)
    assert "You were signed out because you had not used engage for a while" in follow


def test_the_database_keeps_a_hash_of_the_token_never_the_token(
    app: Flask, db_session: object
) -> None:
    user = make_user()
    client = app.test_client()
    sign_in(client, user)
    with client.session_transaction() as cookie:
        token = cookie["sid"]
    stored = db.session.scalars(
        select(UserSession.token_hash).where(UserSession.user_id == user.id)
    )
    [token_hash] = list(stored)
    assert token not in token_hash and len(token_hash) == 64


def test_expired_database_sessions_are_purged_by_the_job(
    app: Flask, db_session: object, clock: Clock
) -> None:
    from engage.accounts.jobs import purge_expired_sessions

    user = make_user()
    for _ in range(2):
        sign_in(app.test_client(), user)
    with app.test_request_context():
        from datetime import UTC, datetime

        later = datetime.fromtimestamp(clock.now + 9 * 3600, UTC)
        assert purge_expired_sessions(later) == {"purged": 2}
        assert purge_expired_sessions(later) == {"purged": 0}
    count = select(func.count()).select_from(UserSession).where(UserSession.user_id == user.id)
    assert db.session.scalar(count) == 0
    assert db.session.get(User, user.id) is not None
