"""When digests and delayed alerts are due, in the trust's local time (Europe/London).

A period is named by its local send day, so the clock change cannot make two periods of one
day, nor skip one: the Monday after the clocks go back is still one Monday, at 07:00 local
whatever its offset from UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from sqlalchemy import select

from config import config_from_env
from engage.digests.models import Frequency, TrustSetting
from engage.extensions import db

LONDON = ZoneInfo("Europe/London")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WEEKDAY_KEY = "digest_send_weekday"
HOUR_KEY = "digest_send_hour"


@dataclass(frozen=True)
class SendTime:
    weekday: int  # 0 is Monday
    hour: int  # 0 to 23, local time


@dataclass(frozen=True)
class Period:
    frequency: Frequency
    send_day: date  # local
    covers_from: date  # local, inclusive
    covers_to: date  # local, exclusive: the send day itself

    @property
    def days_covered(self) -> str:
        """The whole days the digest covers, as its opening says them: "On 28 November 2026",
        "From 16 to 22 November 2026", "From 26 October to 22 November 2026". The send day
        itself is not covered (its figures are in the next digest), so "since 28 November"
        read as if that day's new items were missing."""
        first, last = self.covers_from, self.covers_to - timedelta(days=1)
        if first >= last:
            return f"On {last:%-d %B %Y}"
        if (first.year, first.month) == (last.year, last.month):
            return f"From {first:%-d} to {last:%-d %B %Y}"
        if first.year == last.year:
            return f"From {first:%-d %B} to {last:%-d %B %Y}"
        return f"From {first:%-d %B %Y} to {last:%-d %B %Y}"

    @property
    def days_covered_in_a_sentence(self) -> str:
        """days_covered inside a sentence: "on 28 November 2026"."""
        return self.days_covered[:1].lower() + self.days_covered[1:]

    @property
    def key(self) -> str:
        if self.frequency is Frequency.MONTHLY:
            return f"monthly:{self.send_day:%Y-%m}"
        return f"{self.frequency.value}:{self.send_day.isoformat()}"


def parse_weekday(value: str | int) -> int:
    """0-6 (Monday is 0) or a day's name, as DIGEST_SEND_WEEKDAY may be written either way."""
    text = str(value).strip().lower()
    if text.isdigit() and 0 <= int(text) <= 6:
        return int(text)
    names = [name.lower() for name in WEEKDAYS]
    for index, name in enumerate(names):
        if text in {name, name[:3]}:
            return index
    raise ValueError(f"not a weekday: {value!r}")


def setting(name: str) -> Any:
    """A configuration value. Alerts are queued by the services, which a script or a test may
    call without an application context; they then get the environment's value."""
    if has_app_context():
        return current_app.config[name]
    return getattr(config_from_env(), name)


def send_time() -> SendTime:
    """The trust's setting, else the environment's default."""
    stored = dict(db.session.execute(select(TrustSetting.key, TrustSetting.value)).all())
    weekday = stored.get(WEEKDAY_KEY, setting("DIGEST_SEND_WEEKDAY"))
    hour = stored.get(HOUR_KEY, setting("DIGEST_SEND_HOUR"))
    return SendTime(parse_weekday(weekday), int(hour))


def local(moment: datetime) -> datetime:
    """An aware moment, or a naive UTC one as stored, in London time."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(LONDON)


def send_moment(day: date, hour: int) -> datetime:
    """The local send time on `day` as a naive UTC datetime. In the spring gap (01:00-02:00
    does not exist) zoneinfo moves it forward an hour, so it still happens once."""
    return datetime.combine(day, time(hour), LONDON).astimezone(UTC).replace(tzinfo=None)


def _first_weekday_of_month(year: int, month: int, weekday: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7)


def latest_period(frequency: Frequency, when: SendTime, as_of: datetime) -> Period:
    """The newest period whose send moment is not after `as_of`."""
    now = local(as_of)
    today = now.date()
    due_today = now.hour >= when.hour
    if frequency is Frequency.DAILY:
        day = today if due_today else today - timedelta(days=1)
        return Period(frequency, day, day - timedelta(days=1), day)
    if frequency is Frequency.WEEKLY:
        back = (today.weekday() - when.weekday) % 7
        day = today - timedelta(days=back)
        if back == 0 and not due_today:
            day -= timedelta(days=7)
        return Period(frequency, day, day - timedelta(days=7), day)
    day = _first_weekday_of_month(today.year, today.month, when.weekday)
    if day > today or (day == today and not due_today):
        year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
        day = _first_weekday_of_month(year, month, when.weekday)
    previous_month = (day.replace(day=1) - timedelta(days=1)).replace(day=1)
    start = _first_weekday_of_month(previous_month.year, previous_month.month, when.weekday)
    return Period(frequency, day, start, day)


def next_send(frequency: Frequency, when: SendTime, after: datetime) -> datetime:
    """The first send moment strictly after `after`, as naive UTC, for delayed alerts."""
    if after.tzinfo is not None:
        after = after.astimezone(UTC).replace(tzinfo=None)
    day = local(after).date()
    for offset in range(0, 8):
        candidate = day + timedelta(days=offset)
        if frequency is Frequency.WEEKLY and candidate.weekday() != when.weekday:
            continue
        moment = send_moment(candidate, when.hour)
        if moment > after:
            return moment
    raise AssertionError("a send moment falls within every eight days")
