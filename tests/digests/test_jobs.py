"""The digests' jobs, as the scheduler finds and runs them."""

from __future__ import annotations

from datetime import datetime

from flask import Flask

from engage.accounts.models import Role
from engage.scheduler.registry import LONDON, discover_jobs
from tests.digests.helpers import outbox_to
from tests.factories.accounts import make_user
from tests.factories.organisation import make_unit


def test_the_scheduler_finds_and_runs_the_digest_jobs(app: Flask, db_session: object) -> None:
    jobs = {job.name: job for job in discover_jobs()}
    assert {"digests.alerts", "digests.send"} <= set(jobs)
    leader = make_user(Role.LEADER, leads_units=(make_unit(),))
    with app.app_context():
        # Monday 23 November 2026, 07:00 in London, as APScheduler passes it.
        counts = jobs["digests.send"].run(datetime(2026, 11, 23, 7, 0, tzinfo=LONDON))
        assert counts["leader_weekly"] == 1
        assert jobs["digests.alerts"].run(datetime(2026, 11, 23, 7, 1, tzinfo=LONDON)) == {
            "alerts": 0,
            "emails": 0,
        }
    assert [m.subject for m in outbox_to(leader.email)] == [
        "Your weekly digest: your units in engage"
    ]
