"""Response clocks: when a submission should be acknowledged and decided, and when an overdue
one is passed up the line. Pure date arithmetic, with bank holidays for England and Wales."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import cache

import holidays


@cache
def _bank_holidays(year: int) -> frozenset[date]:
    # England and Wales share their bank holidays; the library keys them under "ENG".
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start` (a submission on Friday with 1 working day
    is due on Monday, or Tuesday after a bank holiday Monday)."""
    day = start
    remaining = days
    while remaining > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count


@dataclass(frozen=True)
class ClockRules:
    acknowledge_working_days: int
    decision_days: int
    escalate_to_directorate_after: int  # working days after a clock ran out
    escalate_to_guardian_after: int


class ClockState(StrEnum):
    ON_TIME = "on_time"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    MET = "met"
    MISSED = "missed"


@dataclass(frozen=True)
class Clock:
    name: str
    due_on: date
    done_on: date | None
    state: ClockState

    @property
    def description(self) -> str:
        due = f"{self.due_on:%-d %B %Y}"
        if self.done_on is not None:
            done = f"done on {self.done_on:%-d %B %Y}"
            return f"{done}, on time" if self.state is ClockState.MET else f"{done}, after {due}"
        if self.state is ClockState.OVERDUE:
            return f"overdue: it was due by {due}"  # the due day itself is not late
        return f"due by {due}" + (" (soon)" if self.state is ClockState.DUE_SOON else "")


def _clock(name: str, due_on: date, done_on: date | None, today: date) -> Clock:
    if done_on is not None:
        state = ClockState.MET if done_on <= due_on else ClockState.MISSED
    elif today > due_on:
        state = ClockState.OVERDUE
    elif working_days_between(today, due_on) <= 1:
        state = ClockState.DUE_SOON
    else:
        state = ClockState.ON_TIME
    return Clock(name=name, due_on=due_on, done_on=done_on, state=state)


def acknowledge_clock(
    rules: ClockRules, submitted_on: date, acknowledged_on: date | None, today: date
) -> Clock:
    due = add_working_days(submitted_on, rules.acknowledge_working_days)
    return _clock("Acknowledge", due, acknowledged_on, today)


def decision_clock(
    rules: ClockRules, submitted_on: date, decided_on: date | None, today: date
) -> Clock:
    due = submitted_on + timedelta(days=rules.decision_days)
    return _clock("Decide", due, decided_on, today)


def escalation_levels(
    rules: ClockRules, clock: Clock, today: date, *, is_concern: bool
) -> list[str]:
    """Which levels an overdue clock has reached by today: the directorate's leads after one
    grace period, and then (for concerns only) the Freedom to Speak Up guardian."""
    if clock.state is not ClockState.OVERDUE:
        return []
    late = working_days_between(clock.due_on, today)
    levels = []
    if late >= rules.escalate_to_directorate_after:
        levels.append("directorate")
    if is_concern and late >= rules.escalate_to_guardian_after:
        levels.append("guardian")
    return levels
