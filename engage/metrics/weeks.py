"""ISO weeks (Monday to Sunday) on the Europe/London calendar, as the snapshots count them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta

from engage.timeutil import london_day

WEEK = timedelta(days=7)


def week_start(day: date) -> date:
    """The Monday of the ISO week holding `day`."""
    return day - timedelta(days=day.weekday())


def last_complete_week(as_of: datetime) -> date:
    """The Monday of the latest week that had ended by `as_of`: at 00:30 on a Monday in London
    (23:30 on Sunday UTC in summer) the week that has just ended."""
    return week_start(london_day(as_of)) - WEEK


def weeks(first: date, last: date) -> Iterator[date]:
    """Every week start from `first` to `last`, both included."""
    week = week_start(first)
    while week <= last:
        yield week
        week += WEEK
