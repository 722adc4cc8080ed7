"""SPC signals read from the snapshots, as the digests and the metrics view will use them."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from engage.extensions import db
from engage.metrics.models import NO_THEME, Level, MetricRebase, MetricSetting, MetricSnapshot
from engage.metrics.registry import METRICS, Computation, median_of, metric_named
from engage.metrics.signals import signals

FIRST_WEEK = date(2026, 1, 5)
# Twenty weeks varying around 50, then seven in a row well above the usual level.
STEADY = [45, 55, 48, 52, 50, 47, 53, 49, 51, 46, 54, 50, 48, 52, 47, 53, 50, 49, 51, 50]
SHIFTED = [*STEADY, 68, 70, 66, 71, 69, 67, 70]
SHIFT_WEEK = FIRST_WEEK + timedelta(weeks=len(STEADY))
LAST_WEEK = FIRST_WEEK + timedelta(weeks=len(SHIFTED) - 1)


def _series(level: Level, entity_id: int, metric: str, values: list[float]) -> None:
    for number, value in enumerate(values):
        db.session.add(
            MetricSnapshot(
                level=level.value,
                entity_id=entity_id,
                metric=metric,
                theme_id=NO_THEME,
                week_start=FIRST_WEEK + timedelta(weeks=number),
                numerator=int(value),
                denominator=100,
                value=float(value),
                computed_at=datetime(2026, 7, 20),
            )
        )
    db.session.flush()


@pytest.fixture
def series(app_context: None) -> None:
    # Unit 1 acknowledges more on time (higher is better): an improvement.
    _series(Level.UNIT, 1, "acknowledged_within_target", SHIFTED)
    # Unit 2 takes longer to decide (lower is better): a concern.
    _series(Level.UNIT, 2, "median_days_to_decision", SHIFTED)
    # Concerns raised have no better direction: a shift is neither.
    _series(Level.UNIT, 2, "concerns", SHIFTED)
    # Unit 3 is steady; unit 4 shifts too but is not asked about.
    _series(Level.UNIT, 3, "acknowledged_within_target", [*STEADY, 50, 49, 51, 48, 52, 50, 47])
    _series(Level.UNIT, 4, "acknowledged_within_target", SHIFTED)


def test_signals_for_a_set_of_units_say_what_kind_and_since_when(series: None) -> None:
    found = signals([(Level.UNIT, 1), (Level.UNIT, 2), (Level.UNIT, 3)], LAST_WEEK)
    summary = [(s.kind, s.entity_id, s.metric.name, s.since) for s in found]
    assert summary == [
        ("concern", 2, "median_days_to_decision", SHIFT_WEEK),
        ("improvement", 1, "acknowledged_within_target", SHIFT_WEEK),
    ]
    assert found[1].reading == "Special cause improvement since 25 May 2026"
    assert found[1].value == 70.0 and found[1].metric.title == "Acknowledged within target"


def _unit_1_signals() -> list[tuple[str, str]]:
    return [(s.kind, s.metric.name) for s in signals([(Level.UNIT, 1)], LAST_WEEK)]


@pytest.mark.parametrize(
    ("direction", "expected"),
    [
        ("decrease", [("concern", "acknowledged_within_target")]),
        ("neutral", []),
        ("increase", [("improvement", "acknowledged_within_target")]),
    ],
)
def test_signals_follow_the_direction_an_administrator_set(
    series: None, direction: str, expected: list[tuple[str, str]]
) -> None:
    # The chart of the metric reads the administrator's direction; the digests and home pages
    # must say the same thing as the chart.
    db.session.add(
        MetricSetting(
            metric="acknowledged_within_target",
            improvement=direction,
            target=None,
            updated_at=datetime(2026, 7, 1),
        )
    )
    db.session.flush()
    assert _unit_1_signals() == expected


@pytest.mark.parametrize(
    ("level", "entity_id", "expected"),
    [
        (None, None, []),
        ("unit", 1, []),
        ("unit", 4, [("improvement", "acknowledged_within_target")]),
    ],
)
def test_a_new_period_from_the_shift_makes_it_the_usual_level(
    series: None, level: str | None, entity_id: int | None, expected: list[tuple[str, str]]
) -> None:
    # A rebase at the week the shift began: the new level is the new period's mean, so there
    # is no special cause, unless the rebase belongs to another unit's chart.
    db.session.add(
        MetricRebase(
            metric="acknowledged_within_target",
            level=level,
            entity_id=entity_id,
            starts_on=SHIFT_WEEK,
            reason="New rota",
            created_at=datetime(2026, 7, 1),
        )
    )
    db.session.flush()
    assert _unit_1_signals() == expected


def test_no_signal_before_the_shift_nor_for_a_week_with_no_snapshot(series: None) -> None:
    assert signals([(Level.UNIT, 1)], SHIFT_WEEK - timedelta(weeks=1)) == []
    assert signals([(Level.UNIT, 1)], LAST_WEEK + timedelta(weeks=1)) == []
    assert signals([], LAST_WEEK) == []


def test_too_short_a_history_gives_no_signal(series: None) -> None:
    # The last 10 weeks alone are too few points for limits worth reading.
    assert signals([(Level.UNIT, 1)], LAST_WEEK, history_weeks=10) == []


@pytest.mark.parametrize(
    ("distribution", "median"),
    [
        ({}, None),
        ({"3": 1}, 3.0),
        ({"2": 1, "6": 1}, 4.0),
        ({"1": 2, "5": 1}, 1.0),
        ({"0": 1, "1": 1, "9": 2}, 5.0),
        ({"4": 0, "7": 3}, 7.0),
    ],
)
def test_median_of_a_distribution(distribution: dict[str, int], median: float | None) -> None:
    assert median_of(distribution) == median


def test_the_registry_defines_every_metric_once_with_its_reading() -> None:
    names = [metric.name for metric in METRICS]
    assert len(names) == len(set(names)) == 15
    rate = metric_named("submissions_per_100_staff")
    assert rate.value(3, 60) == 5.0 and rate.value(3, 0) is None
    assert metric_named("submissions").value(4, None) == 4.0
    with pytest.raises(ValueError, match="median"):
        metric_named("median_days_to_decision").value(1, 2)
    with pytest.raises(KeyError, match="no metric named"):
        metric_named("happiness")
    medians = {m.name for m in METRICS if m.computation is Computation.MEDIAN}
    assert medians == {"median_working_days_to_acknowledge", "median_days_to_decision"}
