"""Properties of the XmR engine that must hold for any series."""

from __future__ import annotations

import math

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from engage.metrics.spc import COMMON_CAUSE_RULE, XmrChart, XmrPoint, xmr

# Whole numbers of modest size keep sums exact, so a shift moves every line by exactly
# the shift and no point can change sides through rounding.
whole_or_missing = st.one_of(st.none(), st.integers(-1000, 1000))


def at_least_two_present(values: list[int | None] | list[float | None]) -> bool:
    return sum(value is not None for value in values) >= 2


int_series = st.lists(whole_or_missing, min_size=2, max_size=60).filter(at_least_two_present)
float_series = st.lists(
    st.one_of(st.none(), st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)),
    min_size=2,
    max_size=60,
).filter(at_least_two_present)
fix_after = st.one_of(st.none(), st.integers(2, 15))
int_periods = st.lists(
    st.lists(whole_or_missing, min_size=2, max_size=25).filter(at_least_two_present),
    min_size=1,
    max_size=3,
)


def joined(periods: list[list[int | None]]) -> tuple[list[int | None], list[int]]:
    """The periods as one series, and the indexes where the second and later ones start."""
    values: list[int | None] = []
    starts: list[int] = []
    for period in periods:
        starts.append(len(values))
        values.extend(period)
    return values, starts[1:]


property_settings = settings(max_examples=200, deadline=None)


def judged(point: XmrPoint) -> tuple[object, ...]:
    """Everything about a point except where it sits in the whole chart."""
    return (
        point.value,
        point.mean,
        point.lpl,
        point.upl,
        point.near_lpl,
        point.near_upl,
        point.point_type,
        point.rule,
    )


def clear_of_every_line(chart: XmrChart, margin: float) -> bool:
    """True when no value sits within margin of a limit or near-limit line."""
    for point in chart.points:
        lines = (point.lpl, point.upl, point.near_lpl, point.near_upl)
        if point.value is None:
            continue
        if any(line is not None and abs(point.value - line) <= margin for line in lines):
            return False
    return True


@property_settings
@given(values=float_series, fix_after_n_points=fix_after, screen_outliers=st.booleans())
def test_limits_are_symmetric_about_the_mean(
    values: list[float | None], fix_after_n_points: int | None, screen_outliers: bool
) -> None:
    chart = xmr(values, fix_after_n_points=fix_after_n_points, screen_outliers=screen_outliers)
    for period in chart.periods:
        if period.lpl is None or period.upl is None:
            continue
        assert period.near_lpl is not None and period.near_upl is not None
        scale = max(1.0, abs(period.mean), period.upl - period.mean)
        assert math.isclose(
            period.upl - period.mean, period.mean - period.lpl, abs_tol=1e-9 * scale
        )
        assert math.isclose(
            period.near_upl - period.mean, period.mean - period.near_lpl, abs_tol=1e-9 * scale
        )
        assert period.lpl < period.near_lpl < period.mean < period.near_upl < period.upl


@property_settings
@given(values=int_series, fix_after_n_points=fix_after, screen_outliers=st.booleans())
def test_every_point_carries_its_period_lines_and_a_consistent_type(
    values: list[int | None], fix_after_n_points: int | None, screen_outliers: bool
) -> None:
    chart = xmr(values, fix_after_n_points=fix_after_n_points, screen_outliers=screen_outliers)
    for point in chart.points:
        period = chart.periods[point.period]
        assert period.start <= point.index < period.stop
        assert (point.mean, point.lpl, point.upl) == (period.mean, period.lpl, period.upl)
        assert point.is_missing == (point.point_type == "missing") == (point.rule is None)
        if point.rule is not None:
            assert (point.rule == COMMON_CAUSE_RULE) == (point.point_type == "common_cause")


@property_settings
@given(periods=int_periods, fix_after_n_points=fix_after, screen_outliers=st.booleans())
def test_a_period_depends_only_on_its_own_points(
    periods: list[list[int | None]], fix_after_n_points: int | None, screen_outliers: bool
) -> None:
    values, rebase_at = joined(periods)
    options = {"fix_after_n_points": fix_after_n_points, "screen_outliers": screen_outliers}

    rebased = xmr(values, rebase_at=rebase_at, **options)
    alone = [point for period in periods for point in xmr(period, **options).points]

    assert [judged(point) for point in rebased.points] == [judged(point) for point in alone]
    assert [point.period for point in rebased.points] == [
        number for number, period in enumerate(periods) for _ in period
    ]


@property_settings
@given(periods=int_periods, shift=st.integers(-1_000_000, 1_000_000))
def test_shifting_every_value_changes_no_judgement(
    periods: list[list[int | None]], shift: int
) -> None:
    values, rebase_at = joined(periods)
    original = xmr(values, rebase_at=rebase_at)
    # A value a hair's breadth from a line is judged by rounding, not by the data.
    assume(clear_of_every_line(original, margin=1e-6))

    shifted = xmr([None if v is None else v + shift for v in values], rebase_at=rebase_at)

    assert [p.point_type for p in shifted.points] == [p.point_type for p in original.points]
    assert [p.rule for p in shifted.points] == [p.rule for p in original.points]
    assert shifted.variation_icon == original.variation_icon
    for moved, still in zip(shifted.periods, original.periods, strict=True):
        assert math.isclose(moved.mean, still.mean + shift, rel_tol=1e-12, abs_tol=1e-9)


@property_settings
@given(values=int_series)
def test_reversing_the_improvement_direction_swaps_improvement_and_concern(
    values: list[int | None],
) -> None:
    swap = {
        "special_cause_improvement": "special_cause_concern",
        "special_cause_concern": "special_cause_improvement",
    }
    increase, decrease = xmr(values), xmr(values, improvement="decrease")
    assert [swap.get(p.point_type, p.point_type) for p in increase.points] == [
        p.point_type for p in decrease.points
    ]
    assert [p.rule for p in increase.points] == [p.rule for p in decrease.points]
