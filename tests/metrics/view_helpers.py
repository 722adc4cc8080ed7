"""Snapshot rows written directly, so the metrics view's figures can be worked out by hand."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, timedelta

from engage.extensions import db
from engage.metrics.models import NO_THEME, Level, MetricSnapshot

FIRST_WEEK = date(2026, 1, 5)
# Alternating 88 and 92: mean 90, every moving range 4, so the limits are 90 +/- 2.66 x 4
# (79.36 to 100.64) and no rule fires.
ALTERNATING = [88.0, 92.0] * 10
# Twenty weeks around 50, then seven well above: the last seven are special cause.
STEADY = [45, 55, 48, 52, 50, 47, 53, 49, 51, 46, 54, 50, 48, 52, 47, 53, 50, 49, 51, 50]
SHIFTED = [*STEADY, 68, 70, 66, 71, 69, 67, 70]


def week(number: int) -> date:
    return FIRST_WEEK + timedelta(weeks=number)


def put(
    level: Level,
    entity_id: int,
    metric: str,
    figures: list[tuple[int | None, int | None, float | None]],
    *,
    first: date = FIRST_WEEK,
    theme_id: int = NO_THEME,
    distributions: list[dict[str, int] | None] | None = None,
) -> None:
    """One row per week from `first`: (numerator, denominator, value)."""
    for number, (numerator, denominator, value) in enumerate(figures):
        db.session.add(
            MetricSnapshot(
                level=level.value,
                entity_id=entity_id,
                metric=metric,
                theme_id=theme_id,
                week_start=first + timedelta(weeks=number),
                numerator=numerator,
                denominator=denominator,
                value=value,
                distribution=distributions[number] if distributions else None,
                computed_at=datetime(2026, 7, 20),
            )
        )
    db.session.flush()


def counts(values: list[float]) -> list[tuple[int | None, int | None, float | None]]:
    return [(int(value), None, float(value)) for value in values]


def percentages(values: list[float]) -> list[tuple[int | None, int | None, float | None]]:
    """Each value as n out of 100."""
    return [(int(value), 100, float(value)) for value in values]


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def point_types_drawn(svg: str) -> list[str]:
    """The point types of the chart's markers, left to right (the legend's are apart)."""
    return re.findall(r'class="spc-point spc-point--([a-z_]+)"', svg)
