"""Response clocks across weekends and bank holidays in England and Wales (pure dates)."""

from __future__ import annotations

from datetime import date

import pytest

from engage.responses.clocks import (
    ClockRules,
    ClockState,
    acknowledge_clock,
    add_working_days,
    decision_clock,
    escalation_levels,
    is_working_day,
    working_days_between,
)

RULES = ClockRules(
    acknowledge_working_days=5,
    decision_days=30,
    escalate_to_directorate_after=3,
    escalate_to_guardian_after=8,
)


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (date(2026, 11, 16), 5, date(2026, 11, 23)),  # Monday: a week later
        (date(2026, 11, 20), 1, date(2026, 11, 23)),  # Friday: next Monday
        (date(2026, 11, 21), 1, date(2026, 11, 23)),  # Saturday: Monday
        (date(2026, 12, 24), 1, date(2026, 12, 29)),  # Christmas, and Boxing Day moved to Monday
        (date(2026, 12, 23), 5, date(2027, 1, 4)),  # through Christmas and New Year
        (date(2027, 3, 25), 1, date(2027, 3, 30)),  # Good Friday 26 March, Easter Monday 29th
        (date(2026, 5, 1), 1, date(2026, 5, 5)),  # Early May bank holiday on 4 May
        (date(2026, 8, 28), 1, date(2026, 9, 1)),  # Summer bank holiday (England) 31 August
        (date(2026, 11, 16), 0, date(2026, 11, 16)),
    ],
)
def test_add_working_days(start: date, days: int, expected: date) -> None:
    assert add_working_days(start, days) == expected


def test_scottish_bank_holidays_do_not_count() -> None:
    assert is_working_day(date(2026, 11, 30))  # St Andrew's Day is a holiday only in Scotland
    assert not is_working_day(date(2026, 12, 25))


def test_working_days_between() -> None:
    assert working_days_between(date(2026, 12, 24), date(2026, 12, 29)) == 1
    assert working_days_between(date(2026, 11, 23), date(2026, 11, 23)) == 0
    assert working_days_between(date(2026, 11, 23), date(2026, 11, 20)) == 0


def test_acknowledge_clock_states() -> None:
    submitted = date(2026, 11, 20)  # Friday; due Friday 27th
    assert acknowledge_clock(RULES, submitted, None, date(2026, 11, 23)).state is ClockState.ON_TIME
    assert (
        acknowledge_clock(RULES, submitted, None, date(2026, 11, 26)).state is ClockState.DUE_SOON
    )
    overdue = acknowledge_clock(RULES, submitted, None, date(2026, 11, 30))
    assert overdue.state is ClockState.OVERDUE and overdue.due_on == date(2026, 11, 27)
    assert "overdue: it was due by 27 November 2026" in overdue.description
    met = acknowledge_clock(RULES, submitted, date(2026, 11, 27), date(2026, 12, 10))
    assert met.state is ClockState.MET and "on time" in met.description
    missed = acknowledge_clock(RULES, submitted, date(2026, 12, 1), date(2026, 12, 10))
    assert missed.state is ClockState.MISSED


def test_decision_clock_counts_calendar_days() -> None:
    clock = decision_clock(RULES, date(2026, 11, 1), None, date(2026, 12, 2))
    assert clock.due_on == date(2026, 12, 1) and clock.state is ClockState.OVERDUE


def test_escalation_waits_for_each_grace_period_in_working_days() -> None:
    submitted = date(2026, 12, 16)  # acknowledgement due 23 December
    due = acknowledge_clock(RULES, submitted, None, date(2026, 12, 23))
    assert escalation_levels(RULES, due, date(2026, 12, 23), is_concern=True) == []
    # 24th, 29th (after Christmas and Boxing Day), 30th: three working days late.
    late = acknowledge_clock(RULES, submitted, None, date(2026, 12, 29))
    assert escalation_levels(RULES, late, date(2026, 12, 29), is_concern=True) == []
    later = acknowledge_clock(RULES, submitted, None, date(2026, 12, 30))
    assert escalation_levels(RULES, later, date(2026, 12, 30), is_concern=True) == ["directorate"]
    much_later = acknowledge_clock(RULES, submitted, None, date(2027, 1, 8))
    assert escalation_levels(RULES, much_later, date(2027, 1, 8), is_concern=True) == [
        "directorate",
        "guardian",
    ]
    assert escalation_levels(RULES, much_later, date(2027, 1, 8), is_concern=False) == [
        "directorate"
    ]


def test_met_clocks_never_escalate() -> None:
    met = acknowledge_clock(RULES, date(2026, 1, 5), date(2026, 1, 30), date(2026, 6, 1))
    assert escalation_levels(RULES, met, date(2026, 6, 1), is_concern=True) == []
