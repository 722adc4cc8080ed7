"""Values exactly on a line: on a process limit is not outside it, on a near-limit line is not
close to it, on the mean is on neither side (so it breaks a run), and a target exactly on a
limit gives no consistent assurance. Judged against hand-made lines, so only the rules are
under test."""

from __future__ import annotations

import numpy as np
import pytest

from engage.metrics.spc_rules import Lines, assurance_icon, judge, point_type, variation_icon

LINES = Lines(mean=10.0, lpl=4.0, upl=16.0, near_lpl=6.0, near_upl=14.0)
COMMON = "Common Cause"


def _judge(values: list[float], lines: Lines = LINES, close_includes_outside: bool = False):  # type: ignore[no-untyped-def]
    return judge(
        np.array(values, dtype=np.float64),
        lines,
        run_length=7,
        trend_length=6,
        close_includes_outside=close_includes_outside,
    )


def test_a_point_on_a_process_limit_is_not_outside_it() -> None:
    assert _judge([16.0, 10.0, 4.0, 10.0]) == [COMMON] * 4
    assert _judge([16.5, 10.0, 3.5, 10.0]) == ["Above UCL", COMMON, "Below LCL", COMMON]


def test_points_on_a_near_limit_line_are_not_close_to_the_limit() -> None:
    assert _judge([14.0, 14.0, 11.0]) == [COMMON] * 3
    assert _judge([6.0, 6.0, 9.0]) == [COMMON] * 3
    assert _judge([14.5, 10.5, 14.5]) == ["2 in 3 Above CL", COMMON, "2 in 3 Above CL"]
    assert _judge([5.5, 9.5, 5.5]) == ["2 in 3 Below CL", COMMON, "2 in 3 Below CL"]


def test_two_in_three_needs_two_close_points_and_all_three_on_one_side() -> None:
    assert _judge([14.5, 10.5, 10.5]) == [COMMON] * 3, "one close point is not enough"
    assert _judge([14.5, 9.5, 14.5]) == [COMMON] * 3, "the middle point is below the mean"
    assert _judge([14.5, 10.0, 14.5]) == [COMMON] * 3, "the middle point is on the mean"
    assert _judge([10.5, 14.5, 14.5, 10.5]) == [
        COMMON,
        "2 in 3 Above CL",
        "2 in 3 Above CL",
        COMMON,
    ]


def test_an_outside_point_counts_as_close_only_with_the_option() -> None:
    values = [16.5, 10.5, 14.5]
    assert _judge(values) == ["Above UCL", COMMON, COMMON]
    assert _judge(values, close_includes_outside=True) == ["Above UCL", COMMON, "2 in 3 Above CL"]


def test_a_point_on_the_mean_breaks_a_run() -> None:
    assert _judge([11.0] * 7) == ["7 Points Above CL"] * 7
    assert _judge([11.0] * 6 + [9.0]) == [COMMON] * 7, "six in a row is not a run of seven"
    assert _judge([9.0] * 3 + [10.0] + [9.0] * 3) == [COMMON] * 7
    assert _judge([9.0] * 7) == ["7 Points Below CL"] * 7


def test_a_trend_needs_six_points_each_strictly_beyond_the_last() -> None:
    rising = [9.0, 9.2, 9.4, 9.6, 9.8, 10.2]
    assert _judge(rising) == ["6 Point Trend (Increasing)"] * 6
    assert _judge(rising[1:]) == [COMMON] * 5, "five points are not a trend"
    assert _judge([9.0, 9.2, 9.2, 9.6, 9.8, 10.2]) == [COMMON] * 6, "a flat step breaks it"
    falling = list(reversed(rising))
    assert _judge(falling) == ["6 Point Trend (Decreasing)"] * 6


def test_without_limits_only_runs_and_trends_are_judged() -> None:
    no_limits = Lines(mean=10.0, lpl=None, upl=None, near_lpl=None, near_upl=None)
    assert _judge([30.0, 30.0, -30.0], no_limits) == [COMMON] * 3
    assert _judge([11.0] * 7, no_limits) == ["7 Points Above CL"] * 7


@pytest.mark.parametrize(
    ("target", "increase", "decrease"),
    [
        (16.0, "inconsistent", "inconsistent"),  # exactly on the upper limit
        (16.01, "consistent_fail", "consistent_pass"),
        (4.0, "inconsistent", "inconsistent"),  # exactly on the lower limit
        (3.99, "consistent_pass", "consistent_fail"),
        (10.0, "inconsistent", "inconsistent"),
    ],
)
def test_assurance_with_the_target_on_and_beyond_each_limit(
    target: float, increase: str, decrease: str
) -> None:
    assert assurance_icon(4.0, 16.0, target, "increase") == increase
    assert assurance_icon(4.0, 16.0, target, "decrease") == decrease
    assert assurance_icon(4.0, 16.0, target, "neutral") is None
    assert assurance_icon(None, None, target, "increase") is None
    assert assurance_icon(4.0, 16.0, None, "increase") is None


UP, DOWN = "special_cause_improvement", "special_cause_concern"
HIGH, LOW = "special_cause_neutral_high", "special_cause_neutral_low"


@pytest.mark.parametrize(
    ("rule", "increase", "decrease", "neutral"),
    [
        ("Above UCL", UP, DOWN, HIGH),
        ("Below LCL", DOWN, UP, LOW),
        ("6 Point Trend (Increasing)", UP, DOWN, HIGH),
        ("6 Point Trend (Decreasing)", DOWN, UP, LOW),
        ("2 in 3 Above CL", UP, DOWN, HIGH),
        ("7 Points Below CL", DOWN, UP, LOW),
        (COMMON, "common_cause", "common_cause", "common_cause"),
    ],
)
def test_each_rule_gives_the_point_type_for_each_direction(
    rule: str, increase: str, decrease: str, neutral: str
) -> None:
    assert point_type(rule, "increase") == increase
    assert point_type(rule, "decrease") == decrease
    assert point_type(rule, "neutral") == neutral


@pytest.mark.parametrize(
    ("latest", "increase", "decrease"),
    [
        ("special_cause_improvement", "improvement_high", "improvement_low"),
        ("special_cause_concern", "concern_low", "concern_high"),
        ("special_cause_neutral_high", "neutral_high", "neutral_high"),
        ("special_cause_neutral_low", "neutral_low", "neutral_low"),
        ("common_cause", "common_cause", "common_cause"),
        ("missing", "common_cause", "common_cause"),
    ],
)
def test_each_latest_point_type_gives_its_variation_icon(
    latest: str, increase: str, decrease: str
) -> None:
    assert variation_icon(latest, "increase") == increase  # type: ignore[arg-type]
    assert variation_icon(latest, "decrease") == decrease  # type: ignore[arg-type]
