"""The metrics view's pages: the trust summary and one unit's chart, as the board sees them.

By default against the demo trust in SQLite (pytest-benchmark's medians). The view reads only
the snapshots, so its cost should not grow with the number of submissions; to check, point it
at a PostgreSQL database it may wipe and give two sizes of generated trust (300 units, 20,000
staff, weekly snapshots of the last two years):

    ENGAGE_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench \
    ENGAGE_BENCH_VIEW_SIZES=10000,1000000 make bench

It prints each page's median time at both sizes and their ratio (target: within 1.2x).

Run explicitly: make bench
"""

from __future__ import annotations

import os
import random
import secrets
import statistics
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from pytest_benchmark.fixture import BenchmarkFixture
from sqlalchemy import func, select

from benchmarks.scale_trust import generate_scale_trust
from config import TestConfig, normalise_database_url
from engage import create_app
from engage.accounts.models import Role, User
from engage.accounts.passwords import hash_password
from engage.cli.seed_demo import seed_demo_data
from engage.extensions import db
from engage.metrics.snapshot_runs import backfill_snapshots
from engage.organisation.models import Unit
from engage.submissions.models import Submission

DATABASE_URL = os.environ.get("ENGAGE_BENCH_DATABASE_URL", "")
VIEW_SIZES = [int(n) for n in os.environ.get("ENGAGE_BENCH_VIEW_SIZES", "").split(",") if n]
BOARD_EMAIL = "board@bench.engage.nhs.uk"
PASSWORD = secrets.token_urlsafe(16)
ROUNDS = 15


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    path = tmp_path_factory.mktemp("bench") / "view.db"
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}")
    with app.app_context():
        upgrade()
        seed_demo_data(random.Random(7), app.config["DEMO_PASSWORD"])
        db.session.commit()
    yield app
    with app.app_context():
        db.engine.dispose()


def _board(app: Flask, email: str, password: str) -> FlaskClient:
    client = app.test_client()
    response = client.post("/sign-in", data={"email": email, "password": password})
    assert response.status_code == 302
    return client


@pytest.mark.parametrize("page", ["trust summary", "unit chart"])
def test_metrics_view_on_the_demo_trust(
    benchmark: BenchmarkFixture, demo_app: Flask, page: str
) -> None:
    client = _board(demo_app, "board@demo.engage.nhs.uk", demo_app.config["DEMO_PASSWORD"])
    path = "/metrics" if page == "trust summary" else "/metrics/unit/4/submissions?grain=month"
    response = benchmark(client.get, path)
    assert response.status_code == 200


def _scale_app(size: int) -> Flask:
    url = normalise_database_url(DATABASE_URL)
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
        connection.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade()
        generate_scale_trust(submissions=size)
        db.session.add(
            User(
                email=BOARD_EMAIL,
                name="Bench Board",
                role=Role.BOARD.value,
                password_hash=hash_password(PASSWORD),
            )
        )
        db.session.commit()
        now = datetime.now(UTC)
        backfill_snapshots((now - timedelta(weeks=106)).date(), now)
        db.session.commit()
        db.session.remove()
    return app


def _median_ms(client: FlaskClient, path: str) -> float:
    assert client.get(path).status_code == 200  # warm
    timings = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return statistics.median(timings)


@pytest.mark.skipif(
    not (DATABASE_URL and len(VIEW_SIZES) == 2),
    reason="set ENGAGE_BENCH_DATABASE_URL and ENGAGE_BENCH_VIEW_SIZES=small,large",
)
def test_metrics_view_cost_does_not_grow_with_submissions(
    benchmark: BenchmarkFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    medians: dict[int, dict[str, float]] = {}
    # pytest-benchmark records the whole comparison once; the medians below are the figures.
    benchmark.pedantic(_measure_both, args=(medians, capsys), rounds=1, iterations=1)
    small, large = VIEW_SIZES
    for page in ("trust summary", "unit chart"):
        assert medians[large][page] / medians[small][page] < 1.2


def _measure_both(medians: dict[int, dict[str, float]], capsys: pytest.CaptureFixture[str]) -> None:
    for size in VIEW_SIZES:
        app = _scale_app(size)
        with app.app_context():
            submissions = db.session.scalar(select(func.count(Submission.id)))
            unit_id = db.session.scalar(select(func.min(Unit.id)))
            client = _board(app, BOARD_EMAIL, PASSWORD)
            medians[size] = {
                "trust summary": _median_ms(client, "/metrics"),
                "unit chart": _median_ms(client, f"/metrics/unit/{unit_id}/submissions"),
            }
            # Close this size's connections before the next size drops the schema.
            db.session.remove()
            db.engine.dispose()
        with capsys.disabled():
            print(f"\n{submissions} submissions: {medians[size]}")
    small, large = VIEW_SIZES
    with capsys.disabled():
        for page in ("trust summary", "unit chart"):
            ratio = medians[large][page] / medians[small][page]
            print(
                f"{page}: {medians[small][page]:.0f} ms at {small:,} submissions, "
                f"{medians[large][page]:.0f} ms at {large:,}: ratio {ratio:.2f}"
            )
