"""The nightly anonymous-row reshuffle against the demo trust (about 1,200 ideas and concerns,
130 of them anonymous) on SQLite: it rewrites every anonymous row and the whole file, so its
cost grows with the database and is watched here.

Run explicitly: make bench
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from pytest_benchmark.fixture import BenchmarkFixture

from config import TestConfig
from engage import create_app
from engage.cli.seed_demo import seed_demo_data
from engage.extensions import db
from engage.scheduler.registry import LONDON
from engage.submissions.jobs import run_anonymous_reshuffle


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    path: Path = tmp_path_factory.mktemp("bench") / "bench.db"
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}")
    with app.app_context():
        upgrade()
        seed_demo_data(random.Random(7), app.config["DEMO_PASSWORD"])
        db.session.commit()
    yield app
    with app.app_context():
        db.engine.dispose()


def test_anonymous_reshuffle(benchmark: BenchmarkFixture, demo_app: Flask) -> None:
    with demo_app.app_context():
        counts = benchmark.pedantic(
            run_anonymous_reshuffle, args=(datetime.now(LONDON),), rounds=3, iterations=1
        )
    assert counts["anonymous_submissions"] > 100
