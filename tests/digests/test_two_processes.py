"""Two digest runs at the same moment, each in its own transaction, send each digest once.
The writes really commit, so this runs on a database of its own."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import event, func, select

from engage.accounts.models import Role
from engage.digests.models import Digest
from engage.digests.sending import run_digests
from engage.extensions import db
from engage.mail.models import OutboxMessage
from tests.factories.accounts import make_user
from tests.factories.organisation import make_unit

MONDAY_8 = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def test_two_runs_at_once_send_each_digest_once(empty_app: Flask, database_url: str) -> None:
    if database_url.startswith("sqlite"):
        pytest.skip("SQLite admits one writer at a time: a second run cannot start its claim")
    with empty_app.test_request_context():
        upgrade()
        for _ in range(3):
            make_user(Role.LEADER, leads_units=(make_unit(),))
        db.session.remove()
        engine = db.engine

    first_thread: list[int] = []
    claimed, release = threading.Event(), threading.Event()

    def hold_first_claim(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        # The first run stops after inserting its claims, before it commits.
        if threading.get_ident() in first_thread and statement.startswith("INSERT INTO digests"):
            claimed.set()
            release.wait(timeout=10)

    results: dict[str, dict[str, int]] = {}
    failures: list[BaseException] = []

    def run(name: str) -> None:
        if name == "first":
            first_thread.append(threading.get_ident())
        try:
            with empty_app.test_request_context():
                results[name] = dict(run_digests(MONDAY_8))
        except BaseException as error:  # reported by the test, not lost in the thread
            failures.append(error)

    event.listen(engine, "after_cursor_execute", hold_first_claim)
    try:
        first = threading.Thread(target=run, args=("first",))
        first.start()
        assert claimed.wait(timeout=10)
        second = threading.Thread(target=run, args=("second",))
        second.start()
        time.sleep(0.5)
        assert second.is_alive(), "the second run waits on the first one's claim"
        release.set()
        first.join(timeout=20)
        second.join(timeout=20)
    finally:
        event.remove(engine, "after_cursor_execute", hold_first_claim)
    assert failures == []
    assert results["first"]["leader_weekly"] == 3
    assert results["second"]["leader_weekly"] == 0
    with empty_app.app_context():
        assert db.session.scalar(select(func.count(Digest.id))) == 3
        assert db.session.scalar(select(func.count(OutboxMessage.id))) == 3
