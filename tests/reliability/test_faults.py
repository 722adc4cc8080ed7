"""Database faults (issue 12): an unreachable database is a 503 "try again" page, never a 500
or a stack trace; a lost connection is retried where safe; /healthz and /readyz tell a load
balancer whether the process and the database can serve."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask, Response
from flask_migrate import downgrade, upgrade
from sqlalchemy import event, func, select, text

from config import TestConfig
from engage import create_app
from engage.extensions import db
from engage.submissions.models import Comment
from tests.factories.accounts import make_user, sign_in
from tests.factories.organisation import make_unit
from tests.factories.submissions import make_submission

# Nothing listens on port 1 on 127.0.0.1: connections are refused at once.
UNREACHABLE = "postgresql://postgres@127.0.0.1:1/engage_unreachable"


@pytest.fixture
def unreachable_app() -> Iterator[Flask]:
    application = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=UNREACHABLE)
    yield application
    with application.app_context():
        db.engine.dispose()


def _assert_try_again_page(response: object) -> None:
    assert response.status_code == 503  # type: ignore[attr-defined]
    page = response.get_data(as_text=True)  # type: ignore[attr-defined]
    assert "Sorry, the service is busy or restarting" in page
    assert "Try again in a minute" in page
    assert "nhsuk-header" in page, "the NHS.UK page, not a bare error"
    assert "Traceback" not in page and "psycopg" not in page and "127.0.0.1" not in page


def test_an_unreachable_database_gets_the_try_again_page(unreachable_app: Flask) -> None:
    client = unreachable_app.test_client()
    _assert_try_again_page(client.get("/speak-up"))
    _assert_try_again_page(client.post("/speak-up", data={"title": "x", "submit_token": "t"}))
    _assert_try_again_page(client.post("/sign-in", data={"email": "a@b.nhs.uk", "password": "x"}))


def test_a_signed_in_visitor_also_gets_it(unreachable_app: Flask, empty_app: Flask) -> None:
    # A browser signed in before the database went away: loading who they are needs the
    # database too, and the page's header must not ask it again.
    signed_in = empty_app.test_client()
    with empty_app.test_request_context():
        upgrade()
        sign_in(signed_in, make_user())
        db.session.remove()
    client = unreachable_app.test_client()
    for cookie in signed_in._cookies.values():
        client.set_cookie(cookie.key, cookie.value)
    _assert_try_again_page(client.get("/"))


def test_healthz_needs_no_database_and_readyz_says_it_is_unreachable(
    unreachable_app: Flask,
) -> None:
    client = unreachable_app.test_client()
    assert client.get("/healthz").get_json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.get_json() == {
        "status": "not ready",
        "database": "unreachable",
        "schema": "unknown",
    }


def test_readyz_is_ready_only_at_the_migrations_head(empty_app: Flask) -> None:
    client = empty_app.test_client()
    blank = client.get("/readyz")
    assert blank.status_code == 503 and blank.get_json()["schema"] == "behind head"
    with empty_app.app_context():
        upgrade()
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.get_json() == {"status": "ready", "database": "reachable", "schema": "at head"}
    with empty_app.app_context():
        downgrade(revision="-1")
    behind = client.get("/readyz")
    assert behind.status_code == 503 and behind.get_json()["schema"] == "behind head"


def _lose_the_connection_once(app: Flask, database_url: str) -> list[int]:
    """Kill the request's PostgreSQL backend at its first comment insert, as a restart or
    failover would, and count how often that happened."""
    killed: list[int] = []

    def kill_first(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if killed or not statement.lstrip().upper().startswith("INSERT INTO COMMENTS"):
            return
        pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
        killed.append(pid)
        with db.engine.connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", kill_first)
    return killed


@pytest.mark.postgres_only(reason="an embedded SQLite file has no connection to lose")
def test_a_lost_connection_is_retried_and_creates_once(empty_app: Flask, database_url: str) -> None:
    with empty_app.test_request_context():
        upgrade()
        ward = make_unit()
        idea = make_submission(make_user(unit=ward))
        idea_id = idea.id
        client = empty_app.test_client()
        sign_in(client, make_user(unit=ward))
        db.session.remove()
    killed = _lose_the_connection_once(empty_app, database_url)
    response = client.post(
        f"/submissions/{idea_id}/comments", data={"body": "Yes please", "submit_token": "k1"}
    )
    assert killed, "the connection was lost mid-request"
    assert response.status_code == 302
    with empty_app.app_context():
        assert db.session.scalar(select(func.count(Comment.id))) == 1
        db.session.remove()


@pytest.mark.postgres_only(reason="an embedded SQLite file has no connection to lose")
def test_a_post_without_a_token_is_not_retried_and_writes_nothing(
    empty_app: Flask, database_url: str
) -> None:
    with empty_app.test_request_context():
        upgrade()
        ward = make_unit()
        idea = make_submission(make_user(unit=ward))
        idea_id = idea.id
        client = empty_app.test_client()
        sign_in(client, make_user(unit=ward))
        db.session.remove()
    killed = _lose_the_connection_once(empty_app, database_url)
    response = client.post(f"/submissions/{idea_id}/comments", data={"body": "Yes please"})
    assert len(killed) == 1
    _assert_try_again_page(response)
    with empty_app.app_context():
        assert db.session.scalar(select(func.count(Comment.id))) == 0
        db.session.remove()


@pytest.mark.postgres_only(reason="an embedded SQLite file has no connection to lose")
def test_a_connection_lost_after_the_page_was_ready_still_answers_it(empty_app: Flask) -> None:
    # PostgreSQL restarting between a page's last query and the end of its request: closing
    # the session then fails to roll back, and that failure must not become a 500 (the fault
    # run, `make faults`, found gunicorn answering 500 to finished pages this way).
    with empty_app.test_request_context():
        upgrade()
        make_unit("Ward 7")
        db.session.commit()
        db.session.remove()
    lost: list[int] = []

    @empty_app.after_request
    def lose_the_connection(response: Response) -> Response:
        pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar()
        with db.engine.connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        lost.append(int(pid or 0))
        return response

    client = empty_app.test_client()
    page = client.get("/speak-up")
    assert lost, "the connection was lost after the page was ready"
    assert page.status_code == 200
    assert "Ward 7" in page.get_data(as_text=True)
    # The pool dropped the dead connection: the next request is served normally.
    assert client.get("/speak-up").status_code == 200
    assert len(lost) == 2
