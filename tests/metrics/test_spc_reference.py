"""engage's XmR engine against the outputs of NHSRplotthedots 0.2.2 (the reference)."""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path
from typing import Any

import pytest

from engage.metrics.spc import XmrChart, xmr

# A copy of /work/shared/spc/reference-cases.json (the package's outputs) kept in the
# repository, so the comparison runs in every clone; its checksum is that of the original.
REFERENCE = Path(__file__).with_name("reference-cases.json")
REFERENCE_SHA256 = "925c673c890b729242e34c62274837490c9bb71e31ffb06f1e313aee0139692d"
RELATIVE_TOLERANCE = 1e-9
CASES: list[dict[str, Any]] = json.loads(REFERENCE.read_text(encoding="utf-8"))


def chart_for(case: dict[str, Any]) -> XmrChart:
    return xmr(
        case["values"],
        improvement=case["improvement_direction"],
        target=case["target"],
        rebase_at=case["rebase_at"],
        fix_after_n_points=case["fix_after_n_points"],
        screen_outliers=case["screen_outliers"],
    )


def close_enough(actual: float | None, expected: float) -> bool:
    # Some expected means are exactly 0, where a relative tolerance alone demands equality.
    return actual is not None and math.isclose(
        actual, expected, rel_tol=RELATIVE_TOLERANCE, abs_tol=1e-12
    )


@pytest.fixture(params=CASES, ids=[case["name"] for case in CASES])
def case(request: pytest.FixtureRequest) -> dict[str, Any]:
    chosen: dict[str, Any] = request.param
    return chosen


def test_there_are_twelve_reference_cases() -> None:
    assert len(CASES) == 12


def test_the_cases_are_the_reference_packages_own_unedited() -> None:
    assert hashlib.sha256(REFERENCE.read_bytes()).hexdigest() == REFERENCE_SHA256


@pytest.mark.parametrize("line", ["mean", "lpl", "upl"])
def test_lines_match_per_point(case: dict[str, Any], line: str) -> None:
    chart = chart_for(case)
    expected = case["expected"][line]
    assert len(chart.points) == len(expected)
    mismatches = [
        (point.index, getattr(point, line), want)
        for point, want in zip(chart.points, expected, strict=True)
        if not close_enough(getattr(point, line), want)
    ]
    assert mismatches == []


def test_point_types_match(case: dict[str, Any]) -> None:
    chart = chart_for(case)
    assert [point.point_type for point in chart.points] == case["expected"]["point_type"]


def test_special_cause_labels_match(case: dict[str, Any]) -> None:
    chart = chart_for(case)
    assert [point.rule for point in chart.points] == case["expected"]["special_cause_type"]


def test_icons_match(case: dict[str, Any]) -> None:
    chart = chart_for(case)
    assert chart.variation_icon == case["expected"]["variation_icon"]
    assert chart.assurance_icon == case["expected"]["assurance_icon"]


def test_periods_match(case: dict[str, Any]) -> None:
    chart = chart_for(case)
    expected_periods = case["expected"]["per_period"]
    assert [period.start for period in chart.periods] == [p["start"] for p in expected_periods]
    for period, want in zip(chart.periods, expected_periods, strict=True):
        assert close_enough(period.mean, want["mean"])
        assert close_enough(period.lpl, want["lpl"])
        assert close_enough(period.upl, want["upl"])


def test_short_periods_warn_as_the_package_does(case: dict[str, Any]) -> None:
    chart = chart_for(case)
    bounds = [*case["rebase_at"], len(case["values"])]
    starts = [0, *case["rebase_at"]]
    has_short_period = any(stop - start < 13 for start, stop in zip(starts, bounds, strict=True))
    warned = any("fewer than 13" in warning for warning in chart.warnings)
    assert warned == has_short_period
