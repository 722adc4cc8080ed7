"""Edge cases, options and input checking of the XmR engine and the CSV parser."""

from __future__ import annotations

import itertools
import math
from datetime import date, timedelta
from statistics import fmean
from typing import Any

import numpy as np
import pytest

from engage.metrics.csv_series import MAX_LINES, MAX_ROWS, parse_csv
from engage.metrics.spc import (
    LIMIT_SIGMAS,
    MAX_ABS_VALUE,
    OUTLIER_SCREEN_FACTOR,
    SpcInputError,
    XmrChart,
    xmr,
)

# Twenty alternating values make a baseline with mean 5 and an average moving range of 10
# (limits -21.6 to 31.6, near-limit lines about -12.7 and 22.7), wide enough that the
# points appended after it test one rule at a time.
WIDE_BASELINE = [0.0, 10.0] * 10
# Mean 0.5, average moving range 1: limits -2.16 to 3.16, near-limit lines -1.27 and 2.27.
NARROW_BASELINE = [0.0, 1.0] * 10


def rules(chart: XmrChart, start: int = 0) -> list[str | None]:
    return [point.rule for point in chart.points[start:]]


def point_types(chart: XmrChart) -> list[str]:
    return [point.point_type for point in chart.points]


# --- input checking -------------------------------------------------------------------

BAD_INPUTS: list[tuple[str, Any, dict[str, Any], str]] = [
    ("no values", [], {}, "no values"),
    ("all missing", [None, None, None], {}, "All the values are missing"),
    ("one value", [5], {}, "At least 2 values"),
    ("one value among missing", [None, 5, None], {}, "At least 2 values"),
    ("text value", [1, "2", 3], {}, "point 2 is not a number"),
    ("boolean value", [1, True, 3], {}, "point 2 is not a number"),
    ("NaN", [1, 2, math.nan], {}, r"point 3 is not a number \(NaN\)"),
    ("infinity", [1, -math.inf, 3], {}, "point 2 is infinite"),
    ("huge value", [1, 2, 1e300], {}, "point 3 is too large"),
    ("huge integer", [1, 2, 10**400], {}, "point 3 is too large"),
    ("a string", "1,2,3", {}, "must be a list of numbers"),
    ("not iterable", 42, {}, "must be a list of numbers"),
    ("rebase past the end", [1, 2, 3, 4], {"rebase_at": [4]}, "cannot start at point 5"),
    ("negative rebase", [1, 2, 3, 4], {"rebase_at": [-1]}, "cannot start at point 0"),
    ("fractional rebase", [1, 2, 3, 4], {"rebase_at": [1.5]}, "not a whole number"),
    ("rebase leaves 1 point", [1, 2, 3, 4], {"rebase_at": [1]}, "starting at point 1 has 1 value;"),
    ("rebase leaves 0 points", [1, 2, None], {"rebase_at": [2]}, "point 3 has 0 values"),
    ("fix after 1", [1, 2, 3], {"fix_after_n_points": 1}, "2 or more points"),
    ("fix after 0", [1, 2, 3], {"fix_after_n_points": 0}, "2 or more points"),
    ("fix after 2.5", [1, 2, 3], {"fix_after_n_points": 2.5}, "2 or more points"),
    ("unknown improvement", [1, 2, 3], {"improvement": "up"}, "increase, decrease or neutral"),
    ("run length 4", [1, 2, 3], {"run_length": 4}, "run length must be a whole number"),
    ("trend length 6.0", [1, 2, 3], {"trend_length": 6.0}, "trend length must be a whole"),
    ("NaN target", [1, 2, 3], {"target": math.nan}, r"target is not a number \(NaN\)"),
    ("text target", [1, 2, 3], {"target": "95%"}, "target is not a number"),
]


@pytest.mark.parametrize(
    ("values", "options", "message"),
    [case[1:] for case in BAD_INPUTS],
    ids=[case[0] for case in BAD_INPUTS],
)
def test_bad_input_raises_one_plain_english_error(
    values: Any, options: dict[str, Any], message: str
) -> None:
    with pytest.raises(SpcInputError, match=message) as raised:
        xmr(values, **options)
    assert isinstance(raised.value, ValueError)
    text = str(raised.value)
    assert text[0].isupper() and text.endswith(".")
    assert "numpy" not in text and "Traceback" not in text


def test_rebase_at_the_first_point_or_twice_changes_nothing() -> None:
    values = [3, 5, 4, 6, 5, 7, 6, 8, 9, 4, 5, 6]
    assert xmr(values, rebase_at=[0]) == xmr(values)
    assert xmr(values, rebase_at=[6, 6, 0]) == xmr(values, rebase_at=[6])
    assert xmr(values, rebase_at=[8, 4]) == xmr(values, rebase_at=(4, 8))


def test_numpy_and_tuple_inputs_are_accepted() -> None:
    values = [3.0, 5.0, 4.0, 6.0, 5.0]
    assert xmr(np.array(values)) == xmr(tuple(values)) == xmr(values)


# --- constant series and missing values -----------------------------------------------


@pytest.mark.parametrize("screen_outliers", [True, False])
def test_a_constant_series_warns_instead_of_failing(screen_outliers: bool) -> None:
    chart = xmr([7] * 20, target=6, screen_outliers=screen_outliers)
    assert all(point.point_type == "common_cause" for point in chart.points)
    assert all(
        point.mean == 7 and point.lpl is None and point.upl is None for point in chart.points
    )
    assert any("not enough variation" in warning for warning in chart.warnings)
    assert chart.variation_icon == "common_cause"
    assert chart.assurance_icon is None


@pytest.mark.parametrize("value", [0.1, 1.9, 2.675, 1e-7, 123456.789])
def test_a_constant_series_of_awkward_decimals_sits_exactly_on_its_mean(value: float) -> None:
    # Summing then dividing rounds twice and can leave the mean a hair off every value,
    # which would put all the points on one side and fire the shift rule.
    chart = xmr([value] * 9)
    assert chart.periods[0].mean == value
    assert rules(chart) == ["Common Cause"] * 9


def test_without_limits_runs_and_trends_are_still_found() -> None:
    chart = xmr([5, 5, 5, 6, 7, 8, 9, 10, 11, 12], fix_after_n_points=3)
    assert chart.periods[0].lpl is None
    assert rules(chart, 2) == ["7 Point Trend (Increasing)"] * 8


def test_missing_values_are_skipped_but_kept_in_place() -> None:
    values = [12, 15, None, 11, 18, 14, None, None, 16, 13, 17, 30, 15, 14]
    present = [value for value in values if value is not None]
    with_gaps, without = xmr(values), xmr(present)

    assert len(with_gaps.points) == len(values)
    missing = [point for point in with_gaps.points if point.value is None]
    assert [point.index for point in missing] == [2, 6, 7]
    assert all(point.point_type == "missing" and point.rule is None for point in missing)
    assert all(point.mean == without.periods[0].mean for point in missing)
    kept = [point for point in with_gaps.points if point.value is not None]
    for gap_point, packed_point in zip(kept, without.points, strict=True):
        assert (gap_point.mean, gap_point.lpl, gap_point.upl) == (
            packed_point.mean,
            packed_point.lpl,
            packed_point.upl,
        )
        assert (gap_point.rule, gap_point.point_type) == (
            packed_point.rule,
            packed_point.point_type,
        )
    assert "3 missing values were skipped." in with_gaps.warnings


def test_the_latest_value_decides_the_icons_when_the_last_weeks_are_missing() -> None:
    values = [*WIDE_BASELINE, 60.0, None, None]
    chart = xmr(values, fix_after_n_points=20, target=-40)
    assert chart.latest.index == 20
    assert chart.variation_icon == "improvement_high"
    assert chart.assurance_icon == "consistent_pass"


# --- rules and options ----------------------------------------------------------------


def test_six_point_shift_needs_the_option() -> None:
    values = [*WIDE_BASELINE, 4, 6, 7, 6, 7, 6, 7]
    assert rules(xmr(values, fix_after_n_points=20), 21) == ["Common Cause"] * 6
    six = xmr(values, fix_after_n_points=20, run_length=6)
    assert rules(six, 21) == ["6 Points Above CL"] * 6


def test_six_point_trend_needs_the_option() -> None:
    values = [*WIDE_BASELINE, 1, 2, 3, 4, 5, 6]
    assert rules(xmr(values, fix_after_n_points=20), 20) == ["Common Cause"] * 6
    six = xmr(values, fix_after_n_points=20, trend_length=6)
    assert rules(six, 20) == ["6 Point Trend (Increasing)"] * 6


def test_trend_direction_turns_at_the_peak() -> None:
    chart = xmr([*WIDE_BASELINE, 1, 2, 3, 4, 5, 6, 7, 6, 5, 4, 3, 2, 1], fix_after_n_points=20)
    # The peak takes its direction from the step after it, as in the package.
    assert (
        rules(chart, 20) == ["7 Point Trend (Increasing)"] * 6 + ["7 Point Trend (Decreasing)"] * 7
    )
    assert (
        point_types(chart)[20:] == ["special_cause_improvement"] * 6 + ["special_cause_concern"] * 7
    )


def test_screening_drops_large_moving_ranges_once() -> None:
    values = [4, 5, 4, 6, 5, 4, 30, 5, 4, 6, 5, 5, 4, 6]
    moving_ranges = [abs(b - a) for a, b in itertools.pairwise(values)]
    mean, raw_average = fmean(values), fmean(moving_ranges)
    screened_average = fmean(r for r in moving_ranges if r < OUTLIER_SCREEN_FACTOR * raw_average)

    screened = xmr(values).periods[0]
    unscreened = xmr(values, screen_outliers=False).periods[0]
    assert screened.upl == pytest.approx(mean + LIMIT_SIGMAS * screened_average, rel=1e-12)
    assert unscreened.upl == pytest.approx(mean + LIMIT_SIGMAS * raw_average, rel=1e-12)
    assert unscreened.upl is not None and screened.upl is not None
    assert unscreened.upl > screened.upl


def test_two_in_three_needs_both_close_points_on_one_side() -> None:
    opposite = xmr([*NARROW_BASELINE, 2.5, -1.5, 2.5], fix_after_n_points=20)
    assert rules(opposite, 20) == ["Common Cause"] * 3
    same_side = xmr([*NARROW_BASELINE, 2.5, 0.7, 2.5], fix_after_n_points=20)
    # The middle point is on the same side but not close, so it is not flagged itself.
    assert rules(same_side, 20) == ["2 in 3 Above CL", "Common Cause", "2 in 3 Above CL"]


def test_points_beyond_the_limits_count_as_close_only_with_the_option() -> None:
    values = [*NARROW_BASELINE, 2.5, 3.5, 0.6]
    assert rules(xmr(values, fix_after_n_points=20), 20) == [
        "Common Cause",
        "Above UCL",
        "Common Cause",
    ]
    excel = xmr(values, fix_after_n_points=20, close_includes_outside=True)
    assert rules(excel, 20) == ["2 in 3 Above CL", "Above UCL", "Common Cause"]


def test_rules_never_run_across_a_rebase() -> None:
    rising = [1, 2, 3, 4, 5, 6, 7, 8]
    assert "7 Point Trend (Increasing)" in rules(xmr(rising))
    rebased = xmr(rising, rebase_at=[4])
    assert rules(rebased) == ["Common Cause"] * 8
    assert [point.period for point in rebased.points] == [0] * 4 + [1] * 4
    assert [(period.start, period.stop) for period in rebased.periods] == [(0, 4), (4, 8)]
    assert rebased.periods[0].mean == fmean(rising[:4])
    assert rebased.periods[1].mean == fmean(rising[4:])


@pytest.mark.parametrize("count", [12, 13])
def test_fewer_than_13_points_warns_that_limits_are_unreliable(count: int) -> None:
    chart = xmr([(i * 7) % 5 for i in range(count)])
    warned = any("fewer than 13" in warning for warning in chart.warnings)
    assert warned == (count < 13)


def test_a_short_baseline_warns_even_in_a_long_series() -> None:
    chart = xmr([(i * 7) % 5 for i in range(30)], fix_after_n_points=6)
    assert any("based on only 6 points" in warning for warning in chart.warnings)
    assert chart.periods[0].baseline_count == 6


def test_neutral_direction_gives_neutral_types_and_no_assurance() -> None:
    chart = xmr([*WIDE_BASELINE, 40, -30], improvement="neutral", fix_after_n_points=20, target=1)
    assert point_types(chart)[20:] == ["special_cause_neutral_high", "special_cause_neutral_low"]
    assert chart.variation_icon == "neutral_low"
    assert chart.assurance_icon is None


@pytest.mark.parametrize(
    ("improvement", "last_value", "icon"),
    [
        ("increase", 40, "improvement_high"),
        ("increase", -30, "concern_low"),
        ("decrease", 40, "concern_high"),
        ("decrease", -30, "improvement_low"),
        ("increase", 5, "common_cause"),
    ],
)
def test_variation_icon_follows_direction(improvement: Any, last_value: float, icon: str) -> None:
    chart = xmr([*WIDE_BASELINE, last_value], improvement=improvement, fix_after_n_points=20)
    assert chart.variation_icon == icon


@pytest.mark.parametrize(
    ("improvement", "where", "icon"),
    [
        ("increase", "above", "consistent_fail"),
        ("increase", "below", "consistent_pass"),
        ("decrease", "above", "consistent_pass"),
        ("decrease", "below", "consistent_fail"),
        ("increase", "between", "inconsistent"),
    ],
)
def test_assurance_compares_the_target_with_the_latest_limits(
    improvement: Any, where: str, icon: str
) -> None:
    lines = xmr(WIDE_BASELINE).periods[0]
    assert lines.upl is not None and lines.lpl is not None
    target = {"above": lines.upl + 1, "below": lines.lpl - 1, "between": lines.mean}[where]
    assert xmr(WIDE_BASELINE, improvement=improvement, target=target).assurance_icon == icon


# --- CSV ------------------------------------------------------------------------------


def test_csv_with_header_iso_dates_and_a_missing_week() -> None:
    text = "Week ending,Attendances\n2024-01-07,120\n2024-01-14,\n2024-01-21, 131.5 \n"
    assert parse_csv(text) == [
        (date(2024, 1, 7), 120.0),
        (date(2024, 1, 14), None),
        (date(2024, 1, 21), 131.5),
    ]


def test_csv_uk_dates_crlf_bom_blank_lines_and_thousands() -> None:
    text = '\ufeff07/01/2024,"1,234"\r\n\r\n14/1/2024,-0.5\r\n2024-1-21,1e3\r\n'
    assert parse_csv(text) == [
        (date(2024, 1, 7), 1234.0),
        (date(2024, 1, 14), -0.5),
        (date(2024, 1, 21), 1000.0),
    ]


def test_csv_pasted_from_a_spreadsheet_is_tab_separated() -> None:
    assert parse_csv("Date\tValue\n2024-01-07\t5\n2024-01-14\t6") == [
        (date(2024, 1, 7), 5.0),
        (date(2024, 1, 14), 6.0),
    ]


def test_csv_accepts_exactly_the_maximum_rows() -> None:
    start = date(2000, 1, 2)
    lines = [f"{start + timedelta(weeks=i)},{i}" for i in range(MAX_ROWS)]
    assert len(parse_csv("\n".join(lines))) == MAX_ROWS
    with pytest.raises(SpcInputError, match=f"Line {MAX_ROWS + 1}: there are more than 1,000"):
        parse_csv("\n".join([*lines, f"{start + timedelta(weeks=MAX_ROWS)},1"]))


def test_csv_blank_lines_count_towards_the_row_limit() -> None:
    """Finding 5: a file of blank lines was read to its end (4-6 s of CPU for 2 MB)."""
    rows = "2024-01-07,1\n2024-01-14,2\n"
    assert len(parse_csv(rows + "\n" * (MAX_LINES - 2))) == 2, "line 1,001 is still read"
    with pytest.raises(SpcInputError, match=f"Line {MAX_LINES + 1}: there are more than 1,000"):
        parse_csv(rows + "\n" * (MAX_LINES - 1))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "No rows of data"),
        ("date,value\n", "No rows of data"),
        ("date,value\n2024-01-07,5\n2024-01-14,abc\n", "Line 3: 'abc' is not a number"),
        ("2024-01-07,nan\n", "Line 1: 'nan' is not a number"),
        ("2024-01-07,inf\n", "Line 1: 'inf' is not a number"),
        ("2024-01-07,1_000\n", "Line 1: '1_000' is not a number"),
        ("2024-01-07,1e999\n", "Line 1: '1e999' is too large"),
        ("2024-02-30,5\n", "Line 1: '2024-02-30' is not a real date"),
        ("31/04/2024,5\n", "Line 1: '31/04/2024' is not a real date"),
        ("2024-01-07,5\nnext week,6\n", "Line 2: 'next week' is not a date"),
        ("2024-01-14,5\n2024-01-07,6\n", "Line 2: the date 07/01/2024 is not after"),
        ("2024-01-14,5\n2024-01-14,6\n", "Line 2: the date 14/01/2024 is not after"),
        ("2024-01-14,5,7\n", "Line 1: expected 2 columns"),
        ("2024-01-14\n", "Line 1: expected a date and a value"),
        ('2024-01-14,"5\n', "Line 1: cannot read the row; check its quote marks"),
        ('2024-01-14,"5"x\n', "Line 1: cannot read the row; check its quote marks"),
    ],
)
def test_csv_problems_name_the_line(text: str, message: str) -> None:
    with pytest.raises(SpcInputError, match=message):
        parse_csv(text)


def test_parsed_csv_feeds_the_chart() -> None:
    rows = parse_csv("date,value\n2024-01-07,5\n2024-01-14,\n2024-01-21,7\n2024-01-28,6\n")
    chart = xmr([value for _, value in rows])
    assert [point.is_missing for point in chart.points] == [False, True, False, False]


# --- every message, word for word: people read these on the chart page ---------------

LIMIT = "(the limit is 1,000,000,000,000,000)"
NO_START = "A new period cannot start at point {}: the series has points 1 to 4."
DIRECTIONS = "Improvement direction must be increase, decrease or neutral,"
TOO_FEW = "The period starting at point {} has {}; at least 2 are needed."
MESSAGES: list[tuple[Any, dict[str, Any], str]] = [
    ([], {}, "There are no values to chart."),
    ([None, None], {}, "All the values are missing."),
    ([None, 5, None], {}, "At least 2 values are needed to draw a chart; there is only 1."),
    ([1, "2", 3], {}, "The value at point 2 is not a number: '2'."),
    ([1, "x" * 60], {}, f"The value at point 2 is not a number: '{'x' * 40}'."),
    ([1, True], {}, "The value at point 2 is not a number: 'True'."),
    ([1, 2, math.nan], {}, "The value at point 3 is not a number (NaN)."),
    ([1, -math.inf, 3], {}, "The value at point 2 is infinite."),
    ([1, 2, 1e300], {}, f"The value at point 3 is too large {LIMIT}."),
    ([1, 2, 10**400], {}, f"The value at point 3 is too large {LIMIT}."),
    ([1, 2, -MAX_ABS_VALUE * 1.01], {}, f"The value at point 3 is too large {LIMIT}."),
    ("1,2,3", {}, "The values must be a list of numbers."),
    (42, {}, "The values must be a list of numbers."),
    ([1, 2, 3, 4], {"rebase_at": "2"}, "Rebase points must be a list of point positions."),
    ([1, 2, 3, 4], {"rebase_at": 2}, "Rebase points must be a list of point positions."),
    ([1, 2, 3, 4], {"rebase_at": [4]}, NO_START.format(5)),
    ([1, 2, 3, 4], {"rebase_at": [-1]}, NO_START.format(0)),
    ([1, 2, 3, 4], {"rebase_at": [1.5]}, "Rebase point '1.5' is not a whole number."),
    ([1, 2, 3], {"rebase_at": ["y" * 60]}, f"Rebase point '{'y' * 40}' is not a whole number."),
    ([1, 2, 3, 4], {"rebase_at": [1]}, TOO_FEW.format(1, "1 value")),
    ([1, 2, None], {"rebase_at": [2]}, TOO_FEW.format(3, "0 values")),
    ([1, 2, 3], {"target": math.nan}, "The target is not a number (NaN)."),
    ([1, 2, 3], {"target": "95%"}, "The target is not a number: '95%'."),
    ([1, 2, 3], {"target": 1e300}, f"The target is too large {LIMIT}."),
    ([1, 2, 3], {"target": math.inf}, "The target is infinite."),
    ([1, 2, 3], {"improvement": "up"}, f"{DIRECTIONS} not 'up'."),
    ([1, 2, 3], {"run_length": 4}, "The run length must be a whole number from 5 to 9."),
    ([1, 2, 3], {"trend_length": 10}, "The trend length must be a whole number from 5 to 9."),
    ([1, 2, 3], {"fix_after_n_points": 1}, "Limits can only be fixed after 2 or more points."),
]  # fmt: skip


@pytest.mark.parametrize(("values", "options", "message"), MESSAGES)
def test_each_refusal_says_exactly_what_is_wrong(
    values: Any, options: dict[str, Any], message: str
) -> None:
    with pytest.raises(SpcInputError) as refused:
        xmr(values, **options)
    assert str(refused.value) == message


def test_values_exactly_at_the_largest_allowed_size_are_charted() -> None:
    chart = xmr([MAX_ABS_VALUE, 1, -MAX_ABS_VALUE, 2], target=MAX_ABS_VALUE)
    assert [point.value for point in chart.points] == [MAX_ABS_VALUE, 1, -MAX_ABS_VALUE, 2]
    assert chart.target == MAX_ABS_VALUE


def test_the_warnings_name_the_period_and_the_count() -> None:
    assert xmr([1, None, 2, 3]).warnings == (
        "1 missing value was skipped.",
        "The limits for the chart are based on only 3 points; with fewer than 13 they are "
        "unreliable trial limits.",
    )
    assert xmr([1, None, None, 2, 3]).warnings[0] == "2 missing values were skipped."
    assert xmr([1, 2, 3, 4, 5, 6], rebase_at=[3]).warnings == tuple(
        f"The limits for the period starting at point {start} are based on only 3 points; "
        "with fewer than 13 they are unreliable trial limits."
        for start in (1, 4)
    )
    assert xmr([5.0] * 20).warnings == (
        "There is not enough variation in the chart to calculate process limits; only runs "
        "and trends are checked.",
    )
    assert xmr([float(i % 3) for i in range(13)]).warnings == ()


# Just below 2**49 floats are 1/16 apart and just above 1/8: a range of 1/16 there puts
# the upper near-limit line and the upper limit on the same float (and the lower pair, for
# the mirror image), so there are no limits to judge against.
ROUNDING_EDGE = 2.0**49


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_lines_that_round_onto_each_other_give_no_limits(sign: float) -> None:
    values = [sign * (ROUNDING_EDGE - 0.0625), sign * ROUNDING_EDGE] * 10
    period = xmr(values).periods[0]
    assert (period.lpl, period.near_lpl, period.near_upl, period.upl) == (None,) * 4
    wider = xmr([sign * ROUNDING_EDGE, sign * (ROUNDING_EDGE + 0.125)] * 10).periods[0]
    assert wider.lpl is not None and wider.upl is not None


def test_screening_works_on_small_values_too() -> None:
    """The same series as above in hundredths: an average range below 1 is still screened."""
    values = [value / 100 for value in [4, 5, 4, 6, 5, 4, 30, 5, 4, 6, 5, 5, 4, 6]]
    screened = xmr(values).periods[0].upl
    unscreened = xmr(values, screen_outliers=False).periods[0].upl
    assert screened is not None and unscreened is not None
    assert screened < unscreened / 2


def test_limits_can_be_fixed_after_just_two_points() -> None:
    period = xmr([1, 5, 2, 8, 3], fix_after_n_points=2).periods[0]
    assert (period.baseline_count, period.mean) == (2, 3.0)
