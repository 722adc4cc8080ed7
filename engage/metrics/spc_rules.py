"""Making Data Count's special-cause rules, point types and icons, for :mod:`engage.metrics.spc`.

Everything here judges values against lines a period has already been given; working out
those lines (means, moving ranges, limits) stays in :mod:`engage.metrics.spc`. The rules and
their order follow NHSRplotthedots 0.2.2, as /work/shared/spc/README.md restates them.
"""

from __future__ import annotations

import functools
from typing import Final, Literal, TypeAlias, TypedDict

import numpy as np
import numpy.typing as npt

Improvement: TypeAlias = Literal["increase", "decrease", "neutral"]
PointType: TypeAlias = Literal[
    "common_cause",
    "special_cause_improvement",
    "special_cause_concern",
    "special_cause_neutral_high",
    "special_cause_neutral_low",
    "missing",
]
VariationIcon: TypeAlias = Literal[
    "common_cause",
    "improvement_high",
    "improvement_low",
    "concern_high",
    "concern_low",
    "neutral_high",
    "neutral_low",
]
AssuranceIcon: TypeAlias = Literal["consistent_pass", "consistent_fail", "inconsistent"]

COMMON_CAUSE_RULE: Final = "Common Cause"

FloatArray: TypeAlias = npt.NDArray[np.float64]
_BoolArray: TypeAlias = npt.NDArray[np.bool_]
_IntArray: TypeAlias = npt.NDArray[np.int64]


class Lines(TypedDict):
    """A period's lines, named as the fields of XmrPoint and XmrPeriod.

    The four limit lines are all None when the period has too little variation for them.
    """

    mean: float
    lpl: float | None
    upl: float | None
    near_lpl: float | None
    near_upl: float | None


def judge(
    values: FloatArray,
    lines: Lines,
    *,
    run_length: int,
    trend_length: int,
    close_includes_outside: bool,
) -> list[str]:
    """Label each value with the first special-cause rule it breaks, in the package's order.

    ``values`` are one period's non-missing values, in order: the rules never look across
    a rebase or treat a gap as breaking a run.
    """
    side = np.sign(values - lines["mean"]).astype(np.int64)
    lpl, upl, near_lpl, near_upl = lines["lpl"], lines["upl"], lines["near_lpl"], lines["near_upl"]
    if lpl is None or upl is None or near_lpl is None or near_upl is None:
        outside = close = np.zeros(len(values), dtype=np.bool_)
    else:
        outside = (values > upl) | (values < lpl)
        close = (values < near_lpl) | (values > near_upl)
        if not close_includes_outside:
            close &= ~outside
    steps = np.sign(np.diff(values)).astype(np.int64)
    rising_or_falling = _in_long_runs(steps, trend_length - 1)
    in_trend = np.zeros(len(values), dtype=np.bool_)
    in_trend[:-1] |= rising_or_falling
    in_trend[1:] |= rising_or_falling
    # The package takes a trend point's direction from the step to the next point when
    # that point is in a trend too, otherwise from the step from the previous point.
    next_in_trend = np.append(in_trend[1:], False)
    direction = np.where(in_trend & next_in_trend, np.append(steps, 0), np.insert(steps, 0, 0))
    in_two_in_three = _two_in_three(close, side)
    in_shift = _in_long_runs(side, run_length)

    labels: list[str] = []
    for i, point_side in enumerate(side.tolist()):
        above_or_below = "Above" if point_side > 0 else "Below"
        if outside[i]:
            labels.append("Above UCL" if point_side == 1 else "Below LCL")
        elif in_trend[i]:
            rising = "Increasing" if direction[i] == 1 else "Decreasing"
            labels.append(f"{trend_length} Point Trend ({rising})")
        elif in_two_in_three[i]:
            labels.append(f"2 in 3 {above_or_below} CL")
        elif in_shift[i]:
            labels.append(f"{run_length} Points {above_or_below} CL")
        else:
            labels.append(COMMON_CAUSE_RULE)
    return labels


def _in_long_runs(codes: _IntArray, min_length: int) -> _BoolArray:
    """Mark the positions inside maximal runs of one non-zero code at least min_length long."""
    size = len(codes)
    if size == 0:
        return np.zeros(0, dtype=np.bool_)
    changes = np.flatnonzero(codes[1:] != codes[:-1]) + 1
    run_starts = np.concatenate(([0], changes))
    run_stops = np.concatenate((changes, [size]))
    long_runs = (run_stops - run_starts >= min_length) & (codes[run_starts] != 0)
    coverage = np.zeros(size + 1, dtype=np.int64)
    np.add.at(coverage, run_starts[long_runs], 1)
    np.add.at(coverage, run_stops[long_runs], -1)
    return np.cumsum(coverage[:-1]) > 0


def _two_in_three(close: _BoolArray, side: _IntArray) -> _BoolArray:
    flagged = np.zeros(len(close), dtype=np.bool_)
    if len(close) < 3:
        return flagged
    close_count = close[:-2].astype(np.int64) + close[1:-1] + close[2:]
    same_side = (side[:-2] == side[1:-1]) & (side[1:-1] == side[2:]) & (side[:-2] != 0)
    window_fires = (close_count >= 2) & same_side
    for offset in range(3):
        flagged[offset : len(close) - 2 + offset] |= window_fires
    return flagged & close


# Cached because a long series asks the same few (rule, direction) questions many times.
@functools.cache
def point_type(rule: str, improvement: Improvement) -> PointType:
    score = 1 if ("Above" in rule or "Increasing" in rule) else 0
    score = -1 if ("Below" in rule or "Decreasing" in rule) else score
    if score == 0:
        return "common_cause"
    if improvement == "neutral":
        return "special_cause_neutral_high" if score > 0 else "special_cause_neutral_low"
    if improvement == "decrease":
        score = -score
    return "special_cause_improvement" if score > 0 else "special_cause_concern"


def variation_icon(latest_type: PointType, improvement: Improvement) -> VariationIcon:
    higher_is_better = improvement == "increase"
    if latest_type == "special_cause_improvement":
        return "improvement_high" if higher_is_better else "improvement_low"
    if latest_type == "special_cause_concern":
        return "concern_low" if higher_is_better else "concern_high"
    if latest_type == "special_cause_neutral_high":
        return "neutral_high"
    if latest_type == "special_cause_neutral_low":
        return "neutral_low"
    return "common_cause"


def assurance_icon(
    lpl: float | None, upl: float | None, target: float | None, improvement: Improvement
) -> AssuranceIcon | None:
    """Judged against the latest point's limits; None without a target, a direction or limits."""
    if target is None or improvement == "neutral" or lpl is None or upl is None:
        return None
    higher_is_better = improvement == "increase"
    if target > upl:
        return "consistent_fail" if higher_is_better else "consistent_pass"
    if target < lpl:
        return "consistent_pass" if higher_is_better else "consistent_fail"
    return "inconsistent"
