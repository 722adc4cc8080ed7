"""XmR statistical process control charts, the NHS "Making Data Count" way.

The defaults reproduce NHSRplotthedots 0.2.2 (``ptd_spc()``), the NHS-R Community's
reference implementation; options give NHS England's Excel tool variants (6-point
rules, no screening of moving ranges, points beyond the limits counting as close).
Decisions beyond the package:

* Missing values (``None``) are skipped: means, moving ranges and the run, trend
  and two-in-three rules work on the non-missing values in order, so a moving
  range spans a gap. A missing point stays in the output with ``value=None``,
  ``point_type="missing"`` and ``rule=None`` but with its period's lines, so the
  lines can be drawn across the gap. ``fix_after_n_points`` counts non-missing
  values.
* When a period's limits cannot be calculated because its baseline values do not
  vary (the average moving range is 0, as for a constant series, or so small that
  the limits round onto the mean), the period's limits are ``None``, the chart
  warns "not enough variation", only the shift and trend rules are applied and no
  assurance icon is given. The package instead gives NaN limits (or, without
  screening, limits equal to the mean).
* ``rebase_at`` indexes are 0-based; 0 and duplicates are accepted and have no
  effect (as a rebase on the first date does in the package). An index outside
  the series raises.
* Messages in :class:`SpcInputError` number points from 1, for people.

This module works out each period's lines; :mod:`engage.metrics.spc_rules` judges the
points against them and picks the icons.
"""

from __future__ import annotations

import itertools
import math
import numbers
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final, get_args

import numpy as np

from engage.metrics.spc_rules import (
    COMMON_CAUSE_RULE,
    AssuranceIcon,
    FloatArray,
    Improvement,
    Lines,
    PointType,
    VariationIcon,
    assurance_icon,
    judge,
    point_type,
    variation_icon,
)

# The types and names other modules have always imported from here.
__all__ = [
    "ALLOWED_RULE_LENGTHS",
    "COMMON_CAUSE_RULE",
    "LIMIT_SIGMAS",
    "MAX_ABS_VALUE",
    "NEAR_LIMIT_SIGMAS",
    "OUTLIER_SCREEN_FACTOR",
    "RELIABLE_BASELINE_POINTS",
    "AssuranceIcon",
    "Improvement",
    "PointType",
    "SpcInputError",
    "VariationIcon",
    "XmrChart",
    "XmrPeriod",
    "XmrPoint",
    "xmr",
]

LIMIT_SIGMAS: Final = 2.66
# Written exactly as the package computes it, so near-limit lines match to the last bit.
NEAR_LIMIT_SIGMAS: Final = 2 * (LIMIT_SIGMAS / 3)
OUTLIER_SCREEN_FACTOR: Final = 3.267
RELIABLE_BASELINE_POINTS: Final = 13
# Keeps every difference and limit far from float overflow.
MAX_ABS_VALUE: Final = 1e15
ALLOWED_RULE_LENGTHS: Final = range(5, 10)


class SpcInputError(ValueError):
    """Input that cannot make an SPC chart; the message is fit to show to a user."""


@dataclass(frozen=True, slots=True)
class XmrPoint:
    """One input value with the lines of its period and how it was judged."""

    index: int
    value: float | None
    period: int
    mean: float
    lpl: float | None
    upl: float | None
    near_lpl: float | None
    near_upl: float | None
    point_type: PointType
    rule: str | None

    @property
    def is_missing(self) -> bool:
        return self.value is None


@dataclass(frozen=True, slots=True)
class XmrPeriod:
    """A stretch of points sharing one mean and one set of limits."""

    index: int
    start: int
    stop: int
    mean: float
    lpl: float | None
    upl: float | None
    near_lpl: float | None
    near_upl: float | None
    value_count: int
    baseline_count: int

    @property
    def has_limits(self) -> bool:
        return self.lpl is not None


@dataclass(frozen=True, slots=True)
class XmrChart:
    points: tuple[XmrPoint, ...]
    periods: tuple[XmrPeriod, ...]
    improvement: Improvement
    target: float | None
    variation_icon: VariationIcon
    assurance_icon: AssuranceIcon | None
    warnings: tuple[str, ...]
    run_length: int
    trend_length: int

    @property
    def latest(self) -> XmrPoint:
        """The last point that has a value."""
        return next(point for point in reversed(self.points) if point.value is not None)


@dataclass(frozen=True, slots=True)
class _Options:
    improvement: Improvement
    fix_after_n_points: int | None
    screen_outliers: bool
    run_length: int
    trend_length: int
    close_includes_outside: bool

    def __post_init__(self) -> None:
        if self.improvement not in get_args(Improvement):
            raise SpcInputError(
                "Improvement direction must be increase, decrease or neutral, "
                f"not {self.improvement!r}."
            )
        for name, length in (("run", self.run_length), ("trend", self.trend_length)):
            if not _is_integer(length) or length not in ALLOWED_RULE_LENGTHS:
                raise SpcInputError(
                    f"The {name} length must be a whole number from "
                    f"{ALLOWED_RULE_LENGTHS.start} to {ALLOWED_RULE_LENGTHS.stop - 1}."
                )
        fix = self.fix_after_n_points
        if fix is not None and (not _is_integer(fix) or fix < 2):
            raise SpcInputError("Limits can only be fixed after 2 or more points.")


def xmr(
    values: Iterable[float | int | None],
    *,
    improvement: Improvement = "increase",
    target: float | None = None,
    rebase_at: Iterable[int] = (),
    fix_after_n_points: int | None = None,
    screen_outliers: bool = True,
    run_length: int = 7,
    trend_length: int = 7,
    close_includes_outside: bool = False,
) -> XmrChart:
    """Compute an XmR chart, one output point per input value.

    ``rebase_at`` lists 0-based indexes where a new period (own mean and limits) starts;
    ``fix_after_n_points`` bases each period's lines on its first n values only;
    ``run_length``/``trend_length`` (5 to 9, default 7) set the shift and trend rules;
    ``screen_outliers=False`` and ``close_includes_outside=True`` follow NHS England's
    Excel tool. Raises :class:`SpcInputError`, with a message for users, on bad input.
    """
    options = _Options(
        improvement=improvement,
        fix_after_n_points=fix_after_n_points,
        screen_outliers=screen_outliers,
        run_length=run_length,
        trend_length=trend_length,
        close_includes_outside=close_includes_outside,
    )
    checked_target = None if target is None else _checked_number(target, "The target")
    series = _checked_values(values)
    starts = _period_starts(rebase_at, len(series))

    points: list[XmrPoint] = []
    periods: list[XmrPeriod] = []
    warnings: list[str] = []
    missing_count = sum(value is None for value in series)
    if missing_count:
        warnings.append(
            f"{missing_count} missing value{'s were' if missing_count > 1 else ' was'} skipped."
        )
    for period_index, (start, stop) in enumerate(itertools.pairwise([*starts, len(series)])):
        where = "the chart" if len(starts) == 1 else f"the period starting at point {start + 1}"
        period, period_points, period_warnings = _chart_period(
            series, period_index, start, stop, where, options
        )
        periods.append(period)
        points.extend(period_points)
        warnings.extend(period_warnings)

    latest = next(point for point in reversed(points) if point.value is not None)
    return XmrChart(
        points=tuple(points),
        periods=tuple(periods),
        improvement=improvement,
        target=checked_target,
        variation_icon=variation_icon(latest.point_type, improvement),
        assurance_icon=assurance_icon(latest.lpl, latest.upl, checked_target, improvement),
        warnings=tuple(warnings),
        run_length=run_length,
        trend_length=trend_length,
    )


def _chart_period(
    series: list[float | None],
    period_index: int,
    start: int,
    stop: int,
    where: str,
    options: _Options,
) -> tuple[XmrPeriod, list[XmrPoint], list[str]]:
    present = [i for i in range(start, stop) if series[i] is not None]
    if len(present) < 2:
        raise SpcInputError(
            f"{where.capitalize()} has {len(present)} value{'s' * (len(present) != 1)}; "
            "at least 2 are needed."
        )
    values = np.array([series[i] for i in present], dtype=np.float64)
    baseline_count = min(len(present), options.fix_after_n_points or len(present))
    lines = _period_lines(values[:baseline_count], options.screen_outliers)
    warnings = []
    if baseline_count < RELIABLE_BASELINE_POINTS:
        warnings.append(
            f"The limits for {where} are based on only {baseline_count} points; with "
            f"fewer than {RELIABLE_BASELINE_POINTS} they are unreliable trial limits."
        )
    if lines["lpl"] is None:
        warnings.append(
            f"There is not enough variation in {where} to calculate process limits; "
            "only runs and trends are checked."
        )
    period = XmrPeriod(
        index=period_index,
        start=start,
        stop=stop,
        value_count=len(present),
        baseline_count=baseline_count,
        **lines,
    )
    rules = iter(
        judge(
            values,
            lines,
            run_length=options.run_length,
            trend_length=options.trend_length,
            close_includes_outside=options.close_includes_outside,
        )
    )
    line_values = (lines["mean"], lines["lpl"], lines["upl"], lines["near_lpl"], lines["near_upl"])
    points = []
    # Positional arguments (in XmrPoint's field order) because long series make many points.
    for i in range(start, stop):
        if (value := series[i]) is None:
            points.append(XmrPoint(i, None, period_index, *line_values, "missing", None))
        else:
            rule = next(rules)
            kind = point_type(rule, options.improvement)
            points.append(XmrPoint(i, value, period_index, *line_values, kind, rule))
    return period, points, warnings


def _is_integer(value: object) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _checked_number(value: object, what: str) -> float:
    # bool is an int subclass, but True is never a measurement. float and int come
    # first to spare the slow abstract-class check for the usual values.
    if isinstance(value, bool) or not isinstance(value, float | int | numbers.Real):
        raise SpcInputError(f"{what} is not a number: {str(value)[:40]!r}.")
    too_large = f"{what} is too large (the limit is {MAX_ABS_VALUE:,.0f})."
    try:
        number = float(value)
    except OverflowError:
        raise SpcInputError(too_large) from None
    if math.isnan(number):
        raise SpcInputError(f"{what} is not a number (NaN).")
    if math.isinf(number):
        raise SpcInputError(f"{what} is infinite.")
    if abs(number) > MAX_ABS_VALUE:
        raise SpcInputError(too_large)
    return number


def _checked_values(values: Iterable[float | int | None]) -> list[float | None]:
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise SpcInputError("The values must be a list of numbers.")
    series: list[float | None] = []
    for position, value in enumerate(values, start=1):
        # The common case of a plain, ordinary float needs no further checks (NaN fails <=).
        if value is None or (type(value) is float and abs(value) <= MAX_ABS_VALUE):
            series.append(value)
        else:
            series.append(_checked_number(value, f"The value at point {position}"))
    if not series:
        raise SpcInputError("There are no values to chart.")
    present_count = sum(value is not None for value in series)
    if present_count == 0:
        raise SpcInputError("All the values are missing.")
    if present_count < 2:
        raise SpcInputError("At least 2 values are needed to draw a chart; there is only 1.")
    return series


def _period_starts(rebase_at: Iterable[int], length: int) -> list[int]:
    if isinstance(rebase_at, str | bytes) or not isinstance(rebase_at, Iterable):
        raise SpcInputError("Rebase points must be a list of point positions.")
    starts = {0}
    for index in rebase_at:
        if not _is_integer(index):
            raise SpcInputError(f"Rebase point {str(index)[:40]!r} is not a whole number.")
        if not 0 <= index < length:
            raise SpcInputError(
                f"A new period cannot start at point {index + 1}: "
                f"the series has points 1 to {length}."
            )
        starts.add(int(index))
    return sorted(starts)


def _mean(values: FloatArray) -> float:
    """The mean rounded once from its exact value, as R's long-double mean() gives it.

    Rounding twice (sum, then quotient) can put the mean of a constant series a hair
    off the values, and every point would then sit "above" or "below" it.
    """
    floats: list[float] = values.tolist()
    ratios = [value.as_integer_ratio() for value in floats]
    # Every denominator is a power of two, so the largest is a multiple of the others.
    common = max(denominator for _, denominator in ratios)
    total = sum(numerator * (common // denominator) for numerator, denominator in ratios)
    return total / (common * len(ratios))  # int / int is correctly rounded


def _period_lines(baseline: FloatArray, screen_outliers: bool) -> Lines:
    mean = _mean(baseline)
    moving_ranges = np.abs(np.diff(baseline))
    average_range = _mean(moving_ranges)
    if screen_outliers and average_range > 0:
        kept = moving_ranges[moving_ranges < OUTLIER_SCREEN_FACTOR * average_range]
        average_range = _mean(kept)
    lpl, upl = mean - LIMIT_SIGMAS * average_range, mean + LIMIT_SIGMAS * average_range
    near_lpl = mean - NEAR_LIMIT_SIGMAS * average_range
    near_upl = mean + NEAR_LIMIT_SIGMAS * average_range
    # Also catches a range so small beside the mean that the lines round onto each other.
    if not lpl < near_lpl < mean < near_upl < upl:
        return Lines(mean=mean, lpl=None, upl=None, near_lpl=None, near_upl=None)
    return Lines(mean=mean, lpl=lpl, upl=upl, near_lpl=near_lpl, near_upl=near_upl)
