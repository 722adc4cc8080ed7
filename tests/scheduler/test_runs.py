"""Jobs run when due, once: across the clock changes, after a gap, and as the operator sees."""

from __future__ import annotations

import logging
from collections import Counter
from datetime import date, datetime, timedelta

import pytest
from apscheduler.triggers.cron import CronTrigger
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engage.accounts.models import Role
from engage.extensions import db
from engage.responses.jobs import JOBS as RESPONSE_JOBS
from engage.responses.models import Escalation
from engage.scheduler.models import JobRun
from engage.scheduler.registry import LONDON, ScheduledJob
from engage.scheduler.runner import from_utc_naive, run_due
from tests.factories.accounts import make_user
from tests.factories.organisation import make_unit
from tests.factories.submissions import make_submission

[ESCALATE] = RESPONSE_JOBS


def _runs(name: str) -> list[JobRun]:
    db.session.expire_all()
    query = select(JobRun).where(JobRun.job_name == name).order_by(JobRun.scheduled_for)
    return list(db.session.scalars(query))


@pytest.mark.parametrize(
    ("first_day", "change_day"),
    [(date(2026, 10, 22), date(2026, 10, 25)), (date(2027, 3, 25), date(2027, 3, 28))],
    ids=["october", "march"],
)
def test_the_06_00_job_runs_once_a_day_across_the_clock_change(
    app: Flask, db_session: object, first_day: date, change_day: date
) -> None:
    # Ticks every 20 minutes in UTC, so the clock change shifts them by an hour in London.
    start = datetime(first_day.year, first_day.month, first_day.day, tzinfo=LONDON)
    end = start + timedelta(days=6)
    moment = start
    with app.app_context():
        while moment <= end:
            run_due(moment, [ESCALATE])
            moment += timedelta(minutes=20)
    runs = [from_utc_naive(run.scheduled_for) for run in _runs(ESCALATE.name)]
    per_day = Counter(run.date() for run in runs)
    # The first tick, at midnight, finds the day before's run never done and runs it.
    assert per_day == dict.fromkeys((first_day + timedelta(days=n) for n in range(-1, 6)), 1)
    assert {(run.hour, run.minute) for run in runs} == {(6, 0)}
    utc_hours = {run.date(): run.astimezone(LONDON).utcoffset() for run in runs}
    assert utc_hours[change_day - timedelta(days=1)] != utc_hours[change_day + timedelta(days=1)]


def test_after_a_gap_the_scheduler_catches_up_once_and_says_so(
    app: Flask, db_session: object, caplog: pytest.LogCaptureFixture
) -> None:
    ward = make_unit()
    make_user(Role.LEADER, leads_directorates=(ward.directorate,))
    idea = make_submission(make_user(unit=ward))
    idea.submitted_on = date(2026, 12, 16)  # reaches the directorate on 30 December
    db.session.commit()
    with app.app_context():
        run_due(datetime(2026, 12, 28, 8, 0, tzinfo=LONDON), [ESCALATE])
        assert db.session.scalars(select(Escalation)).all() == []
        with caplog.at_level(logging.INFO, logger="engage.scheduler"):
            run_due(datetime(2027, 1, 4, 8, 0, tzinfo=LONDON), [ESCALATE])
            run_due(datetime(2027, 1, 4, 9, 0, tzinfo=LONDON), [ESCALATE])
    assert "catching up responses.escalate: 7 runs missed since 2026-12-28 06:00" in caplog.text
    runs = _runs(ESCALATE.name)
    assert [from_utc_naive(run.scheduled_for).date() for run in runs] == [
        date(2026, 12, 28),
        date(2027, 1, 4),
    ], "missed days are coalesced into one run, and 09:00 finds nothing more due"
    assert runs[-1].counts == {"escalated": 1, "unrouted": 0}
    [escalation] = db.session.scalars(select(Escalation)).all()
    assert escalation.escalated_on == date(2027, 1, 4)


def _boom(as_of: datetime) -> dict[str, int]:
    raise RuntimeError("the job broke")


def test_a_failing_job_is_recorded_and_the_others_still_run(app: Flask, db_session: object) -> None:
    broken = ScheduledJob("test.broken", CronTrigger(hour=5, timezone=LONDON), _boom, "Breaks")
    with app.app_context():
        runs = run_due(datetime(2026, 12, 1, 8, 0, tzinfo=LONDON), [broken, ESCALATE])
    assert [(run.job_name, run.outcome) for run in runs] == [
        ("test.broken", "failed"),
        ("responses.escalate", "succeeded"),
    ]
    assert runs[0].error == "RuntimeError" and runs[0].finished_at is not None


def test_jobs_list_and_the_jobs_page_show_the_last_run(
    app: Flask,
    admin_client: FlaskClient,
    staff_client: FlaskClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # This module's jobs only: some jobs (the nightly VACUUM) cannot run inside the test's
    # rolled-back transaction; tests/scheduler/test_processes.py runs them all for real.
    from engage.mail.jobs import JOBS as MAIL_JOBS
    from engage.scheduler import registry, services

    def these_jobs() -> list[ScheduledJob]:
        return [*MAIL_JOBS, *RESPONSE_JOBS]

    monkeypatch.setattr(registry, "discover_jobs", these_jobs)
    monkeypatch.setattr(services, "discover_jobs", these_jobs)
    runner = app.test_cli_runner()
    before = runner.invoke(args=["jobs", "list"])
    assert before.exit_code == 0
    assert "responses.escalate" in before.output and "every day at 06:00" in before.output
    assert "mail.send" in before.output and "every minute" in before.output
    ran = runner.invoke(args=["jobs", "run-due", "--as-of", "2026-11-23T08:00"])
    assert ran.exit_code == 0, ran.output
    assert "responses.escalate: succeeded" in ran.output
    assert "mail.send: succeeded" in ran.output
    after = runner.invoke(args=["jobs", "list"]).output
    escalate_part = after[after.index("responses.escalate") :]
    assert "last run: 2026-11-23 06:00 GMT: succeeded" in escalate_part
    page = admin_client.get("/admin/jobs").get_data(as_text=True)
    assert "responses.escalate" in page and "2026-11-23 06:00 GMT: succeeded" in page
    assert staff_client.get("/admin/jobs").status_code == 403


@pytest.mark.parametrize(
    ("trigger", "words"),
    [
        (CronTrigger(minute="*", timezone=LONDON), "every minute"),
        (CronTrigger(second="*/10", timezone=LONDON), "every 10 seconds"),
        (CronTrigger(minute="*/15", timezone=LONDON), "every 15 minutes"),
        (CronTrigger(minute="5", timezone=LONDON), "every hour at 05 minutes past"),
        (CronTrigger(hour="6", minute="0", timezone=LONDON), "every day at 06:00"),
    ],
)
def test_schedules_read_as_words_including_every_few_minutes(
    trigger: CronTrigger, words: str
) -> None:
    from engage.scheduler.services import describe_schedule

    assert describe_schedule(trigger) == words


def test_the_mail_sender_can_run_every_few_seconds_and_refuses_an_uneven_interval() -> None:
    from engage.mail.jobs import sender_trigger
    from engage.scheduler.runner import fire_times, latest_fire_time

    start = datetime(2026, 11, 23, 8, 0, tzinfo=LONDON)
    minute = start + timedelta(minutes=1)
    every_ten = list(fire_times(sender_trigger(10), start, minute))
    assert [moment.second for moment in every_ten] == [10, 20, 30, 40, 50, 0]
    assert latest_fire_time(sender_trigger(10), start + timedelta(seconds=25)) == start.replace(
        second=20
    )
    assert list(fire_times(sender_trigger(60), start, minute)) == [minute]
    for uneven in (7, 0, 90):
        with pytest.raises(ValueError, match="must divide 60"):
            sender_trigger(uneven)
