"""When digests go: the trust's local hour, once per period, across the clock changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from engage.accounts.models import Role
from engage.digests import preferences
from engage.digests.models import Digest, DigestKind, Frequency
from engage.digests.preferences import DigestChoice
from engage.digests.schedule import Period, SendTime, latest_period, parse_weekday
from engage.digests.sending import run_digests
from engage.extensions import db
from tests.digests.helpers import outbox_to
from tests.factories.accounts import make_user
from tests.factories.organisation import make_unit

MONDAY_7 = SendTime(weekday=0, hour=7)


def _utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def _periods() -> list[tuple[str, datetime]]:
    return [
        (d.period, d.created_at) for d in db.session.scalars(select(Digest).order_by(Digest.id))
    ]


def _sweep(start: datetime, end: datetime) -> None:
    """Run the digests at every moment the scheduler would, from start to end inclusive."""
    moment = start
    while moment <= end:
        run_digests(moment)
        moment += timedelta(minutes=15 if abs(moment - end) <= timedelta(hours=2) else 60)


@pytest.mark.parametrize(
    ("before", "at", "monday"),
    [
        # Clocks go back on Sunday 25 October 2026: Monday 07:00 is 07:00 UTC.
        (_utc(2026, 10, 26, 6, 45), _utc(2026, 10, 26, 7, 0), "2026-10-26"),
        # Clocks go forward on Sunday 29 March 2026: Monday 07:00 is 06:00 UTC.
        (_utc(2026, 3, 30, 5, 45), _utc(2026, 3, 30, 6, 0), "2026-03-30"),
    ],
)
def test_the_monday_digest_goes_once_at_seven_local_in_the_week_the_clocks_change(
    app: Flask, db_session: object, before: datetime, at: datetime, monday: str
) -> None:
    leader = make_user(Role.LEADER, leads_units=(make_unit(),))
    with app.test_request_context():
        # From the Saturday before to the Tuesday after, as the scheduler runs (every quarter
        # of an hour near the send time, hourly elsewhere). The first run also sends the
        # previous week's digest, still within its grace.
        _sweep(at - timedelta(days=2, hours=7), before)
        assert f"weekly:{monday}" not in {p for p, _ in _periods()}, "not before 07:00 local"
        run_digests(at)
        assert f"weekly:{monday}" in {p for p, _ in _periods()}, "sent at 07:00 local"
        _sweep(at + timedelta(minutes=15), at + timedelta(days=2))
    weekly = [p for p, _ in _periods() if p == f"weekly:{monday}"]
    assert weekly == [f"weekly:{monday}"], "once, neither skipped nor doubled"
    assert len([m for m in outbox_to(leader.email) if "weekly digest" in m.subject]) == len(
        _periods()
    )


def test_a_daily_digest_goes_once_on_each_day_across_the_autumn_change(
    app: Flask, db_session: object
) -> None:
    guardian = make_user(Role.GUARDIAN)
    preferences.set_digest(guardian, DigestKind.GUARDIAN, DigestChoice(True, Frequency.DAILY))
    db.session.commit()
    with app.test_request_context():
        moment = _utc(2026, 10, 24, 8, 0)
        while moment < _utc(2026, 10, 27, 8, 0):
            run_digests(moment)
            moment += timedelta(minutes=60)
    assert [p for p, _ in _periods()] == [
        "daily:2026-10-24",
        "daily:2026-10-25",
        "daily:2026-10-26",
        "daily:2026-10-27",
    ]


def test_running_twice_sends_nothing_more(app: Flask, db_session: object) -> None:
    leader = make_user(Role.LEADER, leads_units=(make_unit(),))
    with app.test_request_context():
        first = run_digests(_utc(2026, 11, 23, 8, 0))
        second = run_digests(_utc(2026, 11, 23, 8, 0))
        third = run_digests(_utc(2026, 11, 23, 9, 30))
    assert first["leader_weekly"] == 1
    assert second["leader_weekly"] == 0 and third["leader_weekly"] == 0
    assert len(outbox_to(leader.email)) == 1


def test_the_admins_day_and_hour_replace_the_defaults(app: Flask, db_session: object) -> None:
    from engage.digests.services import save_schedule

    admin = make_user(Role.ADMIN)
    leader = make_user(Role.LEADER, leads_units=(make_unit(),))
    save_schedule(admin, weekday=2, hour=9)  # Wednesday 09:00
    with app.test_request_context():
        assert run_digests(_utc(2026, 11, 25, 8, 45)).get("leader_weekly", 0) == 0
        assert run_digests(_utc(2026, 11, 25, 9, 0))["leader_weekly"] == 1
    assert [p for p, _ in _periods()] == ["weekly:2026-11-25"]
    del leader


def test_monthly_digests_go_on_the_first_send_day_of_the_month() -> None:
    period = latest_period(Frequency.MONTHLY, MONDAY_7, _utc(2026, 12, 7, 7, 0))
    assert period.key == "monthly:2026-12" and period.send_day == date(2026, 12, 7)
    assert period.covers_from == date(2026, 11, 2)
    earlier = latest_period(Frequency.MONTHLY, MONDAY_7, _utc(2026, 12, 7, 6, 59))
    assert earlier.send_day == date(2026, 11, 2)


def test_the_weekday_can_be_written_as_a_name_or_a_number() -> None:
    assert parse_weekday("monday") == parse_weekday("Mon") == parse_weekday("0") == 0
    assert parse_weekday(6) == 6
    with pytest.raises(ValueError, match="not a weekday"):
        parse_weekday("someday")


@pytest.mark.parametrize(
    ("covers_from", "covers_to", "said"),
    [
        (date(2026, 11, 28), date(2026, 11, 29), "On 28 November 2026"),  # daily
        (date(2026, 11, 16), date(2026, 11, 23), "From 16 to 22 November 2026"),  # weekly
        (date(2026, 10, 26), date(2026, 11, 23), "From 26 October to 22 November 2026"),
        (date(2026, 12, 28), date(2027, 1, 4), "From 28 December 2026 to 3 January 2027"),
    ],
)
def test_a_digest_opens_with_the_whole_days_it_covers(
    covers_from: date, covers_to: date, said: str
) -> None:
    """The send day itself is the next digest's: a daily digest sent on the 29th is about the
    28th, not "since" it."""
    period = Period(Frequency.DAILY, covers_to, covers_from, covers_to)
    assert period.days_covered == said
