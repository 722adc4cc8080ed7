"""The weekly snapshot job: time and number of queries for one week, the weekly run (8 weeks),
and the backfill's rows per second.

By default against the demo trust (15 units, 1,500 staff, about 1,200 submissions over two
years) in SQLite. For the scale run, point it at a PostgreSQL database it may wipe and ask
for the generated trust (300 units, 20,000 staff, submissions over three years):

    ENGAGE_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench \
    ENGAGE_BENCH_SUBMISSIONS=1000000 make bench

Run explicitly: make bench
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade
from pytest_benchmark.fixture import BenchmarkFixture
from sqlalchemy import event, func, select

from benchmarks.scale_trust import generate_scale_trust
from config import TestConfig, normalise_database_url
from engage import create_app
from engage.cli.seed_demo import seed_demo_data
from engage.extensions import db
from engage.metrics.jobs import run_snapshot_job
from engage.metrics.snapshot_runs import SnapshotRun, backfill_snapshots
from engage.metrics.snapshot_store import store
from engage.metrics.snapshots import SNAPSHOT_QUERIES, compute_weeks
from engage.metrics.weeks import last_complete_week
from engage.submissions.models import Submission

DATABASE_URL = os.environ.get("ENGAGE_BENCH_DATABASE_URL", "")
SCALE_SUBMISSIONS = int(os.environ.get("ENGAGE_BENCH_SUBMISSIONS", "0"))


def _database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    if not DATABASE_URL:
        return "sqlite:///" + str(tmp_path_factory.mktemp("bench") / "snapshots.db")
    url = normalise_database_url(DATABASE_URL)
    if url.startswith("postgresql"):
        engine = sa.create_engine(url)
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
            connection.exec_driver_sql("CREATE SCHEMA public")
        engine.dispose()
    return url


@pytest.fixture(scope="module")
def trust_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=_database_url(tmp_path_factory))
    with app.app_context():
        upgrade()
        if SCALE_SUBMISSIONS:
            started = time.perf_counter()
            counts = generate_scale_trust(submissions=SCALE_SUBMISSIONS)
            db.session.commit()
            print(f"generated {counts} in {time.perf_counter() - started:.0f} s")
        else:
            seed_demo_data(random.Random(7), app.config["DEMO_PASSWORD"])
            db.session.commit()
    yield app
    with app.app_context():
        db.engine.dispose()


def _report(capsys: pytest.CaptureFixture[str], line: str) -> None:
    with capsys.disabled():
        print(f"\n{line}")


@contextmanager
def _counting_queries(engine: sa.Engine) -> Iterator[list[str]]:
    """Statements that read or write (not transaction control), counted by an event listener."""
    statements: list[str] = []

    def count(conn: object, cursor: object, statement: str, *args: object) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "INSERT", "UPDATE", "DELETE")):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_snapshot_job_for_one_week(
    benchmark: BenchmarkFixture, trust_app: Flask, capsys: pytest.CaptureFixture[str]
) -> None:
    with trust_app.app_context(), _counting_queries(db.engine) as statements:
        week = last_complete_week(datetime.now(UTC))
        units = db.session.scalar(select(func.count()).select_from(sa.table("units")))

        def one_week() -> int:
            statements.clear()
            rows = store(compute_weeks(week, week))
            db.session.commit()
            return rows

        rows = benchmark(one_week)
        _report(
            capsys,
            f"snapshot job, one week: {len(statements)} queries for {units} units, {rows} rows, "
            f"median {benchmark.stats.stats.median * 1000:.0f} ms",
        )
        assert len(statements) == SNAPSHOT_QUERIES + 1


def test_weekly_run_of_8_weeks(
    benchmark: BenchmarkFixture, trust_app: Flask, capsys: pytest.CaptureFixture[str]
) -> None:
    with trust_app.app_context(), _counting_queries(db.engine) as statements:
        as_of = datetime.now(UTC)

        def weekly_run() -> None:
            statements.clear()
            run_snapshot_job(as_of)

        benchmark.pedantic(weekly_run, rounds=3, iterations=1)
        _report(
            capsys,
            f"weekly run (8 weeks): {len(statements)} queries, "
            f"median {benchmark.stats.stats.median * 1000:.0f} ms",
        )
        assert len(statements) == 1 + SNAPSHOT_QUERIES + 1


def test_backfill_rows_per_second(
    benchmark: BenchmarkFixture, trust_app: Flask, capsys: pytest.CaptureFixture[str]
) -> None:
    with trust_app.app_context():
        first = db.session.scalar(select(func.min(Submission.submitted_on)))
        assert first is not None
        as_of = datetime.now(UTC)
        runs: list[SnapshotRun] = []

        def backfill() -> None:
            runs.append(backfill_snapshots(first, as_of))

        benchmark.pedantic(backfill, rounds=1, iterations=1)
        run = runs[-1]
        submissions = db.session.scalar(select(func.count(Submission.id)))
        _report(
            capsys,
            f"backfill: {run.weeks} weeks, {run.rows} rows from {submissions} submissions in "
            f"{run.seconds:.1f} s: {run.rows_per_second:,.0f} rows per second",
        )
        assert run.rows > 0
