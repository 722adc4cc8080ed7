"""The snapshot job over time: idempotent, 8 weeks recomputed and older weeks frozen, missed
weeks caught up, weeks from midnight to midnight in London across the BST changes, and a
fixed number of queries whatever the number of units."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import event, func, select

from engage.accounts.models import Role
from engage.extensions import db
from engage.metrics.jobs import JOBS, run_snapshot_job
from engage.metrics.models import MetricSnapshot
from engage.metrics.snapshot_runs import backfill_snapshots
from engage.metrics.snapshots import SNAPSHOT_QUERIES
from engage.metrics.weeks import last_complete_week
from engage.scheduler.registry import LONDON, discover_jobs
from tests.factories.accounts import make_user
from tests.factories.organisation import make_unit
from tests.metrics.snapshot_helpers import (
    SmallTrust,
    small_trust,
    snapshot_rows,
    submitted,
    trust_figure,
)

# Monday 4 May 2026, 02:00 in London (01:00 UTC, BST): complete weeks up to 27 April.
RUN = datetime(2026, 5, 4, 1, 0, tzinfo=UTC)
LAST_WEEK = date(2026, 4, 27)
EIGHTH_WEEK_BACK = date(2026, 3, 9)
NINTH_WEEK_BACK = date(2026, 3, 2)


@pytest.fixture
def trust(app_context: None) -> SmallTrust:
    return small_trust()


def test_running_twice_gives_the_same_rows(trust: SmallTrust) -> None:
    submitted(trust.alice, trust.ward_a, date(2026, 4, 21), acknowledged_on=date(2026, 4, 22))
    first = run_snapshot_job(RUN)
    rows = snapshot_rows()
    second = run_snapshot_job(RUN)
    assert second == first
    assert snapshot_rows() == rows
    assert trust_figure("submissions", date(2026, 4, 20)) == (1, None, 1.0)


def test_the_last_8_weeks_are_recomputed_and_older_weeks_stay_frozen(trust: SmallTrust) -> None:
    run_snapshot_job(RUN - timedelta(weeks=1))  # stores the weeks of 2 March to 20 April
    assert trust_figure("submissions", NINTH_WEEK_BACK) == (0, None, 0.0)
    # Late arrivals (say, an import of paper forms) in the 8th and the 9th week back.
    submitted(trust.alice, trust.ward_a, EIGHTH_WEEK_BACK)
    submitted(trust.bob, trust.ward_a, NINTH_WEEK_BACK)

    result = run_snapshot_job(RUN)

    assert result["weeks"] == 8
    assert trust_figure("submissions", EIGHTH_WEEK_BACK) == (1, None, 1.0)
    assert trust_figure("submissions", NINTH_WEEK_BACK) == (0, None, 0.0), "frozen"
    backfill_snapshots(NINTH_WEEK_BACK, RUN)
    assert trust_figure("submissions", NINTH_WEEK_BACK) == (1, None, 1.0), "backfilled"


def test_weeks_missed_while_the_scheduler_was_down_are_caught_up(trust: SmallTrust) -> None:
    run_snapshot_job(RUN - timedelta(weeks=12))
    submitted(trust.alice, trust.ward_a, date(2026, 2, 10))  # in a week no run has seen
    result = run_snapshot_job(RUN)
    assert result["caught_up_weeks"] == 4 and result["weeks"] == 12
    weeks = db.session.scalars(select(MetricSnapshot.week_start).distinct()).all()
    first = LAST_WEEK - timedelta(weeks=19)
    assert sorted(weeks) == [first + timedelta(weeks=n) for n in range(20)]
    assert trust_figure("submissions", date(2026, 2, 9)) == (1, None, 1.0)


@pytest.mark.parametrize(
    ("moment", "week_just_ended"),
    [
        # Sunday 29 March 2026, the day BST begins: 23:59 BST is 22:59 UTC.
        (datetime(2026, 3, 29, 22, 59), date(2026, 3, 16)),
        (datetime(2026, 3, 29, 23, 0), date(2026, 3, 23)),  # 00:00 BST on Monday
        # Sunday 25 October 2026, the day BST ends: 23:59 GMT is 23:59 UTC.
        (datetime(2026, 10, 25, 23, 59), date(2026, 10, 12)),
        (datetime(2026, 10, 26, 0, 0), date(2026, 10, 19)),
    ],
)
def test_a_week_ends_at_midnight_in_london_across_the_bst_changes(
    moment: datetime, week_just_ended: date
) -> None:
    assert last_complete_week(moment.replace(tzinfo=UTC)) == week_just_ended


@contextmanager
def _clock(monkeypatch: pytest.MonkeyPatch, moment: datetime) -> Iterator[None]:
    with monkeypatch.context() as patch:
        patch.setattr("engage.timeutil.utcnow", lambda: moment)
        patch.setattr("engage.submissions.services.utcnow", lambda: moment)
        yield


def test_a_submission_after_midnight_in_summer_time_counts_in_the_new_week(
    trust: SmallTrust, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.factories.submissions import make_submission

    # 23:30 UTC on Sunday 29 March is 00:30 BST on Monday 30 March: the new week.
    with _clock(monkeypatch, datetime(2026, 3, 29, 23, 30)):
        spring = make_submission(trust.alice, unit=trust.ward_a)
    # 23:30 UTC on Sunday 25 October is 23:30 GMT on the Sunday: still the old week.
    with _clock(monkeypatch, datetime(2026, 10, 25, 23, 30)):
        autumn = make_submission(trust.alice, unit=trust.ward_a)
    assert spring.submitted_on == date(2026, 3, 30)
    assert autumn.submitted_on == date(2026, 10, 25)

    backfill_snapshots(date(2026, 3, 16), datetime(2026, 11, 2, 2, tzinfo=LONDON))

    assert trust_figure("submissions", date(2026, 3, 23))[0] == 0
    assert trust_figure("submissions", date(2026, 3, 30))[0] == 1
    assert trust_figure("submissions", date(2026, 10, 19))[0] == 1
    assert trust_figure("submissions", date(2026, 10, 26))[0] == 0


@contextmanager
def _counting_queries() -> Iterator[list[str]]:
    statements: list[str] = []

    def count(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    engine = db.session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_the_job_takes_the_same_number_of_queries_for_3_units_or_23(trust: SmallTrust) -> None:
    submitted(trust.alice, trust.ward_a, date(2026, 4, 21))
    with _counting_queries() as few:
        run_snapshot_job(RUN)
    for number in range(20):
        unit = make_unit(f"Extra ward {number}", trust.medicine, headcount=10)
        submitted(make_user(Role.STAFF, unit=unit), unit, date(2026, 4, 14))
    with _counting_queries() as many:
        run_snapshot_job(RUN)
    assert len(many) == len(few)
    # The latest stored week, the grouped SELECTs, and one upsert for every row.
    work = [s for s in few if s.lstrip().upper().startswith(("SELECT", "INSERT", "UPDATE"))]
    assert len(work) == 1 + SNAPSHOT_QUERIES + 1
    assert db.session.scalar(select(func.count()).select_from(MetricSnapshot)) > 23 * 8 * 14


def test_the_job_runs_on_monday_at_2am_in_london(app: Flask) -> None:
    (job,) = JOBS
    assert job in discover_jobs()
    # After the BST change, 02:00 in London is 01:00 UTC.
    after = datetime(2026, 3, 29, 12, 0, tzinfo=LONDON)
    assert job.trigger.get_next_fire_time(None, after) == datetime(2026, 3, 30, 2, tzinfo=LONDON)


def test_the_backfill_command_reports_rows_per_second(trust: SmallTrust, app: Flask) -> None:
    submitted(trust.alice, trust.ward_a, date(2026, 3, 3))
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["snapshots", "backfill", "--since", "2026-03-04", "--as-of", "2026-03-16T02:00"]
    )
    assert result.exit_code == 0, result.output
    assert "2 weeks from 2026-03-02 to 2026-03-09" in result.output
    assert "rows per second" in result.output
    assert trust_figure("submissions", date(2026, 3, 2)) == (1, None, 1.0)
    refresh = runner.invoke(args=["snapshots", "refresh", "--as-of", "2026-03-16T02:00"])
    assert refresh.exit_code == 0 and "8 weeks from 2026-01-19 to 2026-03-09" in refresh.output
    nothing = runner.invoke(
        args=["snapshots", "backfill", "--since", "2026-03-16", "--as-of", "2026-03-16T02:00"]
    )
    assert nothing.exit_code == 0 and "nothing computed" in nothing.output
    wrong = runner.invoke(args=["snapshots", "backfill", "--since", "last year"])
    assert wrong.exit_code != 0 and "--since" in wrong.output
