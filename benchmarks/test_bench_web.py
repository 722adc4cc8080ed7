"""Timings of the pages staff use most, against the demo trust (1,500 staff, two years of ideas
and concerns) in SQLite, plus the peak memory of the busiest page.

Run explicitly: make bench
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pytest_benchmark.fixture import BenchmarkFixture

from config import TestConfig
from engage import create_app
from engage.accounts.models import User
from engage.extensions import db
from engage.submissions import queries
from tests.factories.databases import copy_sqlite
from tests.factories.demo import DemoTrust, demo_file


@pytest.fixture(scope="module")
def demo_app(demo_sqlite: DemoTrust, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """engage on a copy of the session's demo trust (signing in writes to it)."""
    path: Path = tmp_path_factory.mktemp("bench") / "bench.db"
    copy_sqlite(demo_file(demo_sqlite), path)
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}")
    yield app
    with app.app_context():
        db.engine.dispose()


def _client(app: Flask, role: str) -> FlaskClient:
    client = app.test_client()
    response = client.post(
        "/sign-in",
        data={"email": f"{role}@demo.engage.nhs.uk", "password": app.config["DEMO_PASSWORD"]},
    )
    assert response.status_code == 302
    return client


def test_similar_ideas_search(benchmark: BenchmarkFixture, demo_app: Flask) -> None:
    with demo_app.app_context():
        viewer = db.session.scalar(db.select(User).where(User.email == "staff@demo.engage.nhs.uk"))
        assert viewer is not None
        found = benchmark(queries.similar_ideas, viewer, "hot food for night staff on the ward")
        assert found


@pytest.mark.parametrize(
    ("role", "path"),
    [
        ("leader", "/inbox"),
        ("guardian", "/inbox?status=all"),
        ("staff", "/ideas?q=rota"),
        ("staff", "/boards/directorate/1"),
        ("staff", "/speak-up"),
    ],
)
def test_page(benchmark: BenchmarkFixture, demo_app: Flask, role: str, path: str) -> None:
    client = _client(demo_app, role)
    response = benchmark(client.get, path)
    assert response.status_code == 200


def test_peak_memory_of_the_guardians_full_inbox(
    benchmark: BenchmarkFixture, demo_app: Flask
) -> None:
    client = _client(demo_app, "guardian")

    def peak_bytes() -> int:
        tracemalloc.start()
        client.get("/inbox?status=all")
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return peak

    peak = benchmark.pedantic(peak_bytes, rounds=3)
    benchmark.extra_info["peak_kib"] = round(peak / 1024)
    print(f"\npeak memory for /inbox?status=all: {peak / 1024:.0f} KiB")
    assert peak < 20 * 1024 * 1024, "a list page is paged: it must never load every row"
