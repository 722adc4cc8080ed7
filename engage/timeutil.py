"""Time helpers: engage stores naive UTC datetimes, the same on SQLite and PostgreSQL, and
days (submitted, acknowledged, decided, published) as the day it was in England, so that a
week runs from midnight to midnight in Europe/London whatever British Summer Time does."""

from __future__ import annotations

from datetime import UTC, date, datetime
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
