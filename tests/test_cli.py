from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select

from engage.accounts.models import Role, User
from engage.extensions import db
from engage.organisation.models import Directorate, Unit
from tests.factories.demo import DemoTrust


def test_seed_demo_builds_a_trust_once(
    demo_trust: DemoTrust, demo_app: Flask, demo_session: object
) -> None:
    runner = demo_app.test_cli_runner()
    result = demo_trust.seeded  # seed-demo on an empty database, once per session
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count(Directorate.id))) == 3
    assert db.session.scalar(select(func.count(Unit.id))) == 15
    # The headcount, and the board member, who belongs to no unit.
    assert db.session.scalar(select(func.count(User.id))) == 1501
    assert sum(db.session.scalars(select(Unit.headcount))) == 1500
    for role in Role:
        user = db.session.scalar(
            select(User).where(User.email == f"{role.value}@demo.engage.nhs.uk")
        )
        assert user is not None and user.role_enum is role
    again = runner.invoke(args=["seed-demo", "--if-empty"])
    assert again.exit_code == 0 and "already has users" in again.output
    refused = runner.invoke(args=["seed-demo"])
    assert refused.exit_code != 0
    assert db.session.scalar(select(func.count(User.id))) == 1501


def test_demo_logins_work_with_the_demo_password(demo_app: Flask, demo_session: object) -> None:
    client = demo_app.test_client()
    response = client.post(
        "/sign-in",
        data={"email": "leader@demo.engage.nhs.uk", "password": demo_app.config["DEMO_PASSWORD"]},
    )
    assert response.status_code == 302
    assert "Ward 9 (Elderly Care)" in client.get("/").get_data(as_text=True)


def test_create_admin(app: Flask, db_session: object) -> None:
    runner = app.test_cli_runner()
    short = runner.invoke(
        args=["create-admin", "--email", "a@test.nhs.uk", "--name", "A", "--password", "short"]
    )
    assert short.exit_code != 0 and "12 characters" in short.output
    result = runner.invoke(
        args=[
            "create-admin",
            "--email",
            "Boss@Test.nhs.uk",
            "--name",
            "Boss",
            "--password",
            "a long enough password",
        ]
    )
    assert result.exit_code == 0, result.output
    boss = db.session.scalar(select(User).where(User.email == "boss@test.nhs.uk"))
    assert boss is not None and boss.role_enum is Role.ADMIN
    client = app.test_client()
    signed_in = client.post(
        "/sign-in", data={"email": "boss@test.nhs.uk", "password": "a long enough password"}
    )
    assert signed_in.status_code == 302


def test_demo_history_spans_two_years_and_the_demo_code_opens(
    demo_app: Flask, demo_session: object
) -> None:
    from datetime import timedelta

    from engage.cli.seed_submissions import (
        DEMO_ANONYMOUS_FOLLOWUP_CODE,
        DEMO_ANONYMOUS_PASSPHRASE,
    )
    from engage.submissions.models import SpeakUpMode, Submission
    from engage.timeutil import utcnow

    dates = db.session.execute(
        select(func.min(Submission.submitted_on), func.count(Submission.id))
    ).one()
    assert dates[0] <= utcnow().date() - timedelta(days=700)
    assert dates[1] > 800
    from engage.responses.models import Decision, Publication

    assert db.session.scalar(select(func.count(Decision.id))) > 100
    assert db.session.scalar(select(func.count(Publication.id))) > 50
    from engage.responses.services import quotes_submitter

    protected = db.session.scalars(
        select(Publication).join(Submission).where(Submission.hides_submitter)
    ).all()
    assert protected, "the demo publishes some confidential or anonymous outcomes"
    for publication in protected:
        raised = publication.submission
        assert not quotes_submitter(f"{raised.title} {raised.description}", publication.you_said)
    anonymous = db.session.scalars(
        select(Submission).where(Submission.mode == SpeakUpMode.ANONYMOUS.value)
    ).all()
    assert anonymous and all(s.submitter_id is None and s.submitted_at is None for s in anonymous)
    client = demo_app.test_client()
    client.post(
        "/check",
        data={"reference": DEMO_ANONYMOUS_FOLLOWUP_CODE, "passphrase": DEMO_ANONYMOUS_PASSPHRASE},
    )
    assert "Staff too frightened to report errors" in client.get("/check/case").get_data(
        as_text=True
    )
    _demo_snapshots_show_special_causes()
    _demo_metrics_view_shows_improvement_and_concern()


def _demo_metrics_view_shows_improvement_and_concern() -> None:
    """The board's summary of the trust and its directorates has, in the latest figures of
    the weekly or monthly view, a special-cause improvement and a special-cause concern."""
    from engage.metrics.models import Level
    from engage.metrics.series import Grain
    from engage.metrics.view_services import IconFilter, summary_rows

    places = [(Level.TRUST, 0)] + [
        (Level.DIRECTORATE, d) for d in db.session.scalars(select(Directorate.id))
    ]
    found = {
        row.category
        for level, entity_id in places
        for grain in Grain
        for row in summary_rows(level, entity_id, grain=grain, weeks=104)
    }
    assert {IconFilter.IMPROVEMENT, IconFilter.CONCERN} <= found


def _demo_snapshots_show_special_causes() -> None:
    """Two years of weekly snapshots, in which the SPC rules find both special-cause
    improvement and concern somewhere (the metrics view needs both to show what it is for)."""
    from collections import defaultdict

    from engage.metrics.models import MetricSnapshot
    from engage.metrics.registry import METRICS_BY_NAME
    from engage.metrics.spc import xmr

    series: dict[tuple[str, int, str, int], list[float | None]] = defaultdict(list)
    rows = db.session.execute(
        select(
            MetricSnapshot.level,
            MetricSnapshot.entity_id,
            MetricSnapshot.metric,
            MetricSnapshot.theme_id,
            MetricSnapshot.value,
        ).order_by(MetricSnapshot.week_start)
    )
    for level, entity_id, metric, theme_id, value in rows:
        series[(level, entity_id, metric, theme_id)].append(value)
    assert len(series[("trust", 0, "submissions", 0)]) >= 104
    point_types = set()
    for (_, _, metric, _), values in series.items():
        improvement = METRICS_BY_NAME[metric].improvement
        point_types |= {point.point_type for point in xmr(values, improvement=improvement).points}
    assert {"special_cause_improvement", "special_cause_concern"} <= point_types
