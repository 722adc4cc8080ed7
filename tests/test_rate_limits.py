"""Finding 5: rate limits on what strangers and uploads can make engage do, with a clear 429
page. Counts are kept in memory here, and in Redis (as in production) in the last tests."""

from __future__ import annotations

import io

from flask import Flask
from flask.testing import FlaskClient
from limits import parse

from config import TestConfig
from engage import create_app
from engage.extensions import db
from engage.ratelimits import limiter_for
from tests.conftest import RedisTarget
from tests.factories.accounts import client_at, make_user


def _allowed(app: Flask, setting: str) -> int:
    return int(parse(app.config[setting]).amount)


def _forgotten(client: FlaskClient, email: str = "someone@test.nhs.uk") -> int:
    return client.post("/forgotten-password", data={"email": email}).status_code


def test_forgotten_password_is_limited_per_client(app: Flask, client: FlaskClient) -> None:
    allowed = _allowed(app, "RATELIMIT_FORGOTTEN_PASSWORD")
    assert allowed == 5
    assert [_forgotten(client) for _ in range(allowed)] == [200] * allowed
    over = client.post("/forgotten-password", data={"email": "someone@test.nhs.uk"})
    assert over.status_code == 429
    page = over.get_data(as_text=True)
    assert "Too many attempts" in page
    assert "Try again in 15 minutes." in page
    assert 890 <= int(over.headers["Retry-After"]) <= 900
    assert 'class="nhsuk-header' in page, "the page is NHS.UK styled, like the others"
    elsewhere = client_at(app, "10.9.8.7")
    assert _forgotten(elsewhere) == 200, "another client is not held up"
    assert client.get("/forgotten-password").status_code == 200, "only sending is limited"


def test_chart_uploads_are_limited_per_user(
    app: Flask, staff_client: FlaskClient, client: FlaskClient
) -> None:
    allowed = _allowed(app, "RATELIMIT_UPLOADS")

    def upload() -> int:
        data = {"file": (io.BytesIO(b"2024-01-07,5\n2024-01-14,6\n"), "figures.csv")}
        return staff_client.post("/metrics/chart", data=data).status_code

    assert {upload() for _ in range(allowed)} == {200}
    assert upload() == 429
    assert staff_client.get("/metrics/chart").status_code == 200


def test_staff_import_is_limited_per_admin(app: Flask, admin_client: FlaskClient) -> None:
    allowed = _allowed(app, "RATELIMIT_UPLOADS")

    def upload() -> int:
        data = {"kind": "units", "file": (io.BytesIO(b"unit,directorate,headcount\n"), "u.csv")}
        return admin_client.post("/admin/import", data=data).status_code

    assert {upload() for _ in range(allowed)} == {302}, "each import is done"
    assert upload() == 429


def test_a_shared_redis_counts_for_every_worker(
    app: Flask, redis_target: RedisTarget, db_session: object
) -> None:
    """Two workers (two apps) share the counts through Redis, as gunicorn's workers do."""
    settings = {
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "RATELIMIT_STORAGE_URI": redis_target.url,
        "RATELIMIT_KEY_PREFIX": redis_target.prefix,
    }
    workers = [create_app(TestConfig, **settings) for _ in range(2)]
    try:
        first, second = (worker.test_client() for worker in workers)
        assert [_forgotten(first) for _ in range(3)] == [200] * 3
        assert [_forgotten(second) for _ in range(2)] == [200] * 2
        assert _forgotten(first) == 429
        assert _forgotten(second) == 429
    finally:
        for worker in workers:
            limiter_for(worker).reset()
            with worker.app_context():
                db.engine.dispose()


def test_client_addresses_are_not_kept_in_the_counts(
    app: Flask, redis_target: RedisTarget, db_session: object
) -> None:
    import redis

    worker = create_app(
        TestConfig,
        SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
        RATELIMIT_STORAGE_URI=redis_target.url,
        RATELIMIT_KEY_PREFIX=redis_target.prefix,
    )
    client = client_at(worker, "192.0.2.77")
    make_user(email="known@test.nhs.uk")
    assert _forgotten(client, "known@test.nhs.uk") == 200
    store = redis.Redis.from_url(redis_target.url)
    try:
        keys = [key.decode() for key in store.scan_iter(match=f"{redis_target.prefix}*")]
        assert keys, "the count is in Redis"
        assert all(store.ttl(key) > 0 for key in keys), "every key expires"
        assert not [key for key in keys if "192.0.2.77" in key or "known@" in key]
    finally:
        store.close()
        with worker.app_context():
            db.engine.dispose()


def test_follow_up_and_speak_up_throttles_key_a_client_with_the_days_salt(app: Flask) -> None:
    # The same keyed hash as the sign-in limits: no address in it, and tomorrow's key for the
    # same address is unrelated to today's (yesterday's salt is forgotten, not the SECRET_KEY).
    from engage import ratelimits, throttle

    with app.test_request_context(environ_base={"REMOTE_ADDR": "192.0.2.9"}):
        today = throttle.client_key("192.0.2.9")
        assert ratelimits.client_key() == f"client:{today}"
        assert "192.0.2.9" not in today and len(today) == 32
        assert throttle.client_key("192.0.2.10") != today
        ratelimits._local_salts.clear()  # what the first call of a new day does
        assert throttle.client_key("192.0.2.9") != today
