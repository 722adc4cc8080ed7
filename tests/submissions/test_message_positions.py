"""Two people writing on one submission at the same moment: both messages are kept, each in
a place of its own. The writes really commit, so this runs on a database of its own."""

from __future__ import annotations

import threading
import time

import pytest
from flask import Flask
from flask_migrate import upgrade

from engage.accounts.models import Role, User
from engage.extensions import db
from engage.submissions.models import Kind, Submission
from engage.submissions.services import add_message, conversation
from tests.factories.accounts import make_user
from tests.factories.organisation import make_unit
from tests.factories.submissions import make_submission


def _write(
    app: Flask,
    submission_id: int,
    user_id: int,
    body: str,
    hold: threading.Event | None,
    held: threading.Event | None,
    failures: list[BaseException],
) -> None:
    """Add a message in a transaction of its own, optionally waiting before it commits."""
    try:
        with app.test_request_context():
            submission = db.session.get(Submission, submission_id)
            author = db.session.get(User, user_id)
            assert submission is not None and author is not None
            add_message(submission, author, "handler", body)
            if held is not None and hold is not None:
                held.set()
                hold.wait(timeout=10)
            db.session.commit()
    except BaseException as error:  # reported by the test, not lost in the thread
        failures.append(error)


@pytest.mark.postgres_only(
    reason="SQLite admits one writer at a time, so it cannot interleave two messages"
)
def test_two_messages_sent_at_once_each_keep_their_own_place(empty_app: Flask) -> None:
    with empty_app.test_request_context():
        upgrade()
        ward = make_unit()
        leader = make_user(Role.LEADER, unit=ward, leads_units=(ward,))
        idea = make_submission(make_user(unit=ward), kind=Kind.IDEA, title="Shared printer")
        submission_id, leader_id = idea.id, leader.id
        db.session.remove()

    failures: list[BaseException] = []
    hold, held = threading.Event(), threading.Event()
    first = threading.Thread(
        target=_write, args=(empty_app, submission_id, leader_id, "first", hold, held, failures)
    )
    second = threading.Thread(
        target=_write, args=(empty_app, submission_id, leader_id, "second", None, None, failures)
    )
    first.start()
    assert held.wait(timeout=10)
    second.start()
    time.sleep(0.3)
    # The second writer waits for the first to commit rather than take the same place.
    assert second.is_alive()
    hold.set()
    first.join(timeout=10)
    second.join(timeout=10)
    assert failures == []

    with empty_app.test_request_context():
        idea = db.session.get(Submission, submission_id)
        assert idea is not None
        bodies = [(message.position, message.body) for message in conversation(idea)]
        db.session.remove()
    assert bodies == [(1, "first"), (2, "second")]
