"""Two POSTs of the same form at the same moment, on PostgreSQL (issue 12): the unique claim
makes the second wait for the first and then answer with its result, creating nothing."""

from __future__ import annotations

import threading
import time

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import func, select, text

from engage.accounts.models import User
from engage.extensions import db
from engage.reliability.once import _digest
from engage.submissions.models import Submission
from tests.factories.accounts import make_user, sign_in
from tests.factories.organisation import make_unit
from tests.factories.submissions import theme

TOKEN = "concurrent-token-0123456789abcdef"


def _form(unit_id: int, theme_id: int) -> dict[str, str]:
    return {
        "kind": "idea",
        "title": "Water fountain in the staff room",
        "description": "Cold water on a hot ward.",
        "unit_id": str(unit_id),
        "theme_id": str(theme_id),
        "patient_safety": "no",
        "mode": "open",
        "submit_token": TOKEN,
    }


def _same_browser(app: Flask, user: User, count: int) -> list[FlaskClient]:
    """Test clients sharing one signed-in session, as one phone's repeated taps do."""
    first = app.test_client()
    sign_in(first, user)
    cookies = [(c.key, c.value) for c in first._cookies.values()]
    clients = [first]
    for _ in range(count - 1):
        client = app.test_client()
        for key, value in cookies:
            client.set_cookie(key, value)
        clients.append(client)
    return clients


def _count(app: Flask) -> int:
    with app.app_context():
        try:
            return db.session.scalar(select(func.count(Submission.id))) or 0
        finally:
            db.session.remove()


@pytest.mark.postgres_only(reason="SQLite admits one writer at a time: its repeats cannot overlap")
def test_concurrent_repeats_create_one_item(empty_app: Flask, database_url: str) -> None:
    with empty_app.test_request_context():
        upgrade()
        ward = make_unit()
        user = make_user(unit=ward)
        data = _form(ward.id, theme().id)
        clients = _same_browser(empty_app, user, 4)
        db.session.remove()

    # Another request holds the claim, uncommitted: this one must wait for it, not create.
    with empty_app.app_context():
        holder = db.engine.connect()
    holding = holder.begin()
    holder.execute(
        text(
            "INSERT INTO submit_tokens (digest, result_path, created_on) "
            "VALUES (:digest, '/submissions/mine', CURRENT_DATE)"
        ),
        {"digest": _digest(TOKEN)},
    )
    answers: list[int] = []
    locations: list[str] = []
    start = threading.Barrier(len(clients))

    def post(index: int) -> None:
        start.wait(timeout=10)
        response = clients[index].post("/speak-up", data=data)
        answers.append(response.status_code)
        locations.append(response.headers.get("Location", ""))

    threads = [threading.Thread(target=post, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    time.sleep(0.5)
    assert all(thread.is_alive() for thread in threads), "they wait for the first claim"
    holding.commit()
    holder.close()
    for thread in threads:
        thread.join(timeout=20)
    assert answers == [302] * len(clients)
    assert set(locations) == {"/submissions/mine"}
    assert _count(empty_app) == 0, "the first request's result stands; nothing else is made"


@pytest.mark.postgres_only(reason="SQLite admits one writer at a time: its repeats cannot overlap")
def test_racing_repeats_create_exactly_one(empty_app: Flask, database_url: str) -> None:
    with empty_app.test_request_context():
        upgrade()
        ward = make_unit()
        user = make_user(unit=ward)
        data = _form(ward.id, theme().id)
        clients = _same_browser(empty_app, user, 4)
        db.session.remove()
    answers: list[tuple[int, str]] = []
    start = threading.Barrier(len(clients))

    def post(index: int) -> None:
        start.wait(timeout=10)
        response = clients[index].post("/speak-up", data=data)
        answers.append((response.status_code, response.headers.get("Location", "")))

    threads = [threading.Thread(target=post, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert _count(empty_app) == 1
    assert [status for status, _ in answers] == [302] * len(clients)
    # Every answer points at the one item (or, for a repeat that overtook the first's last
    # step, at the list of one's own items, where it is).
    with empty_app.app_context():
        made = db.session.scalar(select(Submission.id))
        db.session.remove()
    item = f"/submissions/{made}"
    assert {location for _, location in answers} <= {item, "/submissions/mine"}
    assert item in {location for _, location in answers}
