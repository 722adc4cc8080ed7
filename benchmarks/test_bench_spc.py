"""Timings of the SPC engine and chart renderer.

Run explicitly: .venv/bin/python -m pytest benchmarks -p no:cacheprovider --benchmark-only
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
from pytest_benchmark.fixture import BenchmarkFixture

from engage.metrics.charts import xmr_chart_svg
from engage.metrics.spc import xmr

# Two years of weekly A&E-like counts, with a step change and a couple of missing weeks.
_rng = np.random.default_rng(2024)
WEEKLY: list[float | None] = [
    *np.round(_rng.normal(1700, 250, 60)).tolist(),
    *np.round(_rng.normal(2100, 250, 44)).tolist(),
]
WEEKLY[30] = WEEKLY[71] = None
WEEKS = [date(2023, 1, 1) + timedelta(weeks=i) for i in range(len(WEEKLY))]
LONG: list[float | None] = _rng.normal(50, 8, 10_000).tolist()
LONG_REBASES = [2_500, 5_000, 7_500]


def test_xmr_104_weekly_points(benchmark: BenchmarkFixture) -> None:
    chart = benchmark(xmr, WEEKLY, improvement="decrease", target=1800)
    assert len(chart.points) == 104


def test_xmr_10000_points_3_rebases(benchmark: BenchmarkFixture) -> None:
    chart = benchmark(xmr, LONG, rebase_at=LONG_REBASES)
    assert len(chart.periods) == 4


def test_svg_104_weekly_points(benchmark: BenchmarkFixture) -> None:
    chart = xmr(WEEKLY, improvement="decrease", target=1800, rebase_at=[60])
    svg = benchmark(xmr_chart_svg, chart, WEEKS, chart_id="bench", title="A&E attendances")
    assert svg.startswith("<svg")
