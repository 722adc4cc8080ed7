"""The days on which a clock's answer changes: the due day itself, the day after, and the last
day of each grace period (pure dates, bank holidays for England and Wales)."""

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
    working_days_between,
)

RULES = ClockRules(
    acknowledge_working_days=5,
    decision_days=30,
    escalate_to_directorate_after=3,
    escalate_to_guardian_after=8,
)
SUBMITTED = date(2026, 11, 20)  # a Friday: acknowledgement due Friday 27 November
DUE = date(2026, 11, 27)


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (date(2026, 11, 24), ClockState.ON_TIME),  # three working days to go
        (date(2026, 11, 25), ClockState.ON_TIME),  # two working days to go
        (date(2026, 11, 26), ClockState.DUE_SOON),  # the working day before
        (DUE, ClockState.DUE_SOON),  # the due day itself is not overdue
        (date(2026, 11, 28), ClockState.OVERDUE),  # the day after (a Saturday)
    ],
)
def test_acknowledge_clock_around_the_due_day(today: date, state: ClockState) -> None:
    clock = acknowledge_clock(RULES, SUBMITTED, None, today)
    assert (clock.due_on, clock.state) == (DUE, state)


def test_done_on_the_due_day_is_on_time_and_a_day_later_is_not() -> None:
    on_time = acknowledge_clock(RULES, SUBMITTED, DUE, date(2026, 12, 10))
    assert on_time.state is ClockState.MET
    assert on_time.description == "done on 27 November 2026, on time"
    late = acknowledge_clock(RULES, SUBMITTED, date(2026, 11, 30), date(2026, 12, 10))
    assert late.state is ClockState.MISSED
    assert late.description == "done on 30 November 2026, after 27 November 2026"


def test_what_a_clock_says_while_it_runs() -> None:
    assert acknowledge_clock(RULES, SUBMITTED, None, date(2026, 11, 23)).description == (
        "due by 27 November 2026"
    )
    assert acknowledge_clock(RULES, SUBMITTED, None, DUE).description == (
        "due by 27 November 2026 (soon)"
    )
    assert acknowledge_clock(RULES, SUBMITTED, None, date(2026, 11, 30)).description == (
        "overdue: it was due by 27 November 2026"
    )
    assert acknowledge_clock(RULES, SUBMITTED, None, DUE).name == "Acknowledge"
    assert decision_clock(RULES, SUBMITTED, None, DUE).name == "Decide"


def test_the_decision_clock_is_due_on_its_thirtieth_calendar_day() -> None:
    assert decision_clock(RULES, SUBMITTED, None, date(2026, 12, 20)).state is ClockState.DUE_SOON
    assert decision_clock(RULES, SUBMITTED, None, date(2026, 12, 21)).state is ClockState.OVERDUE
    assert decision_clock(RULES, SUBMITTED, date(2026, 12, 20), date(2027, 1, 5)).state is (
        ClockState.MET
    )


def test_working_days_count_the_end_day_but_not_the_start_day() -> None:
    assert working_days_between(date(2026, 11, 23), date(2026, 11, 24)) == 1
    assert working_days_between(date(2026, 11, 20), date(2026, 11, 27)) == 5
    assert add_working_days(date(2026, 11, 20), 5) == DUE


# Acknowledgement of something raised on 16 December 2026 is due on Wednesday 23 December.
# Working days late: 24th (1), 29th (2, after Christmas and Boxing Day moved to the 28th),
# 30th (3), 31st (4), 4 January (5, after New Year's Day), 5th (6), 6th (7), 7th (8).
@pytest.mark.parametrize(
    ("today", "levels"),
    [
        (date(2026, 12, 23), []),
        (date(2026, 12, 29), []),
        (date(2026, 12, 30), ["directorate"]),  # the third working day late
        (date(2027, 1, 6), ["directorate"]),  # the seventh
        (date(2027, 1, 7), ["directorate", "guardian"]),  # the eighth
    ],
)
def test_each_grace_period_ends_on_its_last_working_day(today: date, levels: list[str]) -> None:
    clock = acknowledge_clock(RULES, date(2026, 12, 16), None, today)
    assert escalation_levels(RULES, clock, today, is_concern=True) == levels
    assert escalation_levels(RULES, clock, today, is_concern=False) == levels[:1]


def test_a_clock_done_late_is_not_escalated() -> None:
    missed = acknowledge_clock(RULES, date(2026, 12, 16), date(2027, 1, 4), date(2027, 2, 1))
    assert missed.state is ClockState.MISSED
    assert escalation_levels(RULES, missed, date(2027, 2, 1), is_concern=True) == []
