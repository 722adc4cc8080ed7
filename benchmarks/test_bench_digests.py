"""The leaders' digest run: its queries do not grow with the number of recipients, and its
time on the demo trust and with 20,000 leaders, writing to the outbox included.

Run explicitly: make bench. The figures are printed (pytest -s) and asserted where they are
promises: at most 10 read queries, for 15 recipients as for 20,000.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from pytest_benchmark.fixture import BenchmarkFixture
from sqlalchemy import event, func, insert, select

from config import TestConfig
from engage import create_app
from engage.accounts.models import LeaderScope, Role, User
from engage.cli.seed_demo import seed_demo_data
from engage.digests.models import Digest, DigestKind, Frequency
from engage.digests.schedule import latest_period, send_time
from engage.digests.sending import send_digests
from engage.extensions import db
from engage.mail.models import OutboxMessage
from engage.organisation.models import Unit

SCALED_LEADERS = 20_000
READS_BOUND = 10


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    path: Path = tmp_path_factory.mktemp("bench-digests") / "bench.db"
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}")
    with app.app_context():
        upgrade()
        seed_demo_data(random.Random(7), app.config["DEMO_PASSWORD"])
        db.session.commit()
    yield app
    with app.app_context():
        db.engine.dispose()


class Counter:
    def __init__(self) -> None:
        self.reads = 0
        self.writes = 0

    def __call__(self, conn, cursor, statement: str, *args: object) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT"):
            self.reads += 1
        else:
            self.writes += 1


def _run(app: Flask, week: int) -> tuple[int, Counter, float]:
    """Send the leaders' weekly digest for a week not yet sent; count and time it."""
    with app.test_request_context():
        as_of = datetime(2026, 11, 23, 8, tzinfo=UTC) + timedelta(weeks=week)
        period = latest_period(Frequency.WEEKLY, send_time(), as_of)
        counter = Counter()
        event.listen(db.engine, "before_cursor_execute", counter)
        started = time.perf_counter()
        try:
            sent = send_digests(DigestKind.LEADER, period)
            db.session.commit()
        finally:
            event.remove(db.engine, "before_cursor_execute", counter)
        return sent, counter, time.perf_counter() - started


def _add_leaders(app: Flask, count: int) -> None:
    with app.app_context():
        units = list(db.session.scalars(select(Unit.id)))
        first = int(db.session.scalar(select(func.max(User.id))) or 0) + 1
        db.session.execute(
            insert(User),
            [
                {
                    "id": first + i,
                    "email": f"bench.leader{i}@demo.engage.nhs.uk",
                    "name": f"Bench Leader {i}",
                    "role": Role.LEADER.value,
                    "unit_id": units[i % len(units)],
                    "active": True,
                    "failed_logins": 0,
                }
                for i in range(count)
            ],
        )
        db.session.execute(
            insert(LeaderScope),
            [{"user_id": first + i, "unit_id": units[i % len(units)]} for i in range(count)],
        )
        db.session.commit()


def test_leader_digest_queries_are_bounded_and_20000_take_under_a_minute(
    benchmark: BenchmarkFixture, demo_app: Flask
) -> None:
    sent_demo, demo, demo_seconds = _run(demo_app, week=0)
    print(
        f"\ndemo trust: {sent_demo} leader digests in {demo_seconds:.2f}s, "
        f"{demo.reads} reads and {demo.writes} writes"
    )
    _add_leaders(demo_app, SCALED_LEADERS)
    sent_big, big, big_seconds = benchmark.pedantic(_run, args=(demo_app, 1), rounds=1)
    print(
        f"{sent_big} leader digests in {big_seconds:.2f}s, "
        f"{big.reads} reads and {big.writes} writes (outbox included)"
    )
    assert sent_big >= SCALED_LEADERS
    # Recipients, six counts per unit, everyone's units, the signals and (when there are any)
    # the theme names: the same for 15 recipients as for 20,000.
    assert demo.reads <= READS_BOUND and big.reads <= READS_BOUND
    with demo_app.app_context():
        kept = db.session.scalar(select(func.count(Digest.id)))
        mailed = db.session.scalar(select(func.count(OutboxMessage.id)))
    assert kept == sent_demo + sent_big and mailed is not None and mailed >= kept
    assert big_seconds < 60
