"""Time helpers: engage stores naive UTC datetimes, the same on SQLite and PostgreSQL, and
days (submitted, acknowledged, decided, published) as the day it was in England, so that a
week runs from midnight to midnight in Europe/London whatever British Summer Time does."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def london_day(moment: datetime) -> date:
    """The day in London at `moment` (a naive datetime is UTC, as engage stores them)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(LONDON).date()


def london_today() -> date:
    return london_day(utcnow())


def in_london(moment: datetime) -> datetime:
    """`moment` on the clock on a ward's wall: GMT in winter, BST in summer. A naive datetime
    is UTC, as engage stores them."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(LONDON)


def london_time(moment: datetime | None, pattern: str = "%-d %B %Y at %H:%M") -> str:
    """How every page, email and export shows a moment: in London's time, which is the one
    the reader's clock shows (the Jinja filter `london_time`). Nothing for no moment."""
    if moment is None:
        return ""
    return in_london(moment).strftime(pattern)


def london_day_bounds(day: date) -> tuple[datetime, datetime]:
    """The first and last moments of a London day, as naive UTC (what engage stores): a day
    asked for on a page is the day on the reader's clock, 23 or 25 hours at the changes."""
    first = datetime.combine(day, time.min, tzinfo=LONDON).astimezone(UTC)
    last = datetime.combine(day, time.max, tzinfo=LONDON).astimezone(UTC)
    return first.replace(tzinfo=None), last.replace(tzinfo=None)
