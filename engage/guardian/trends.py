"""Themes over time: the heat map of units by theme, and cases per month per theme as an SPC
chart (Making Data Count rules from engage.metrics.spc)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup
from sqlalchemy import and_, func, select

from engage.accounts.models import User
from engage.errors import ValidationFailed
from engage.extensions import db
from engage.guardian.access import require_guardian
from engage.guardian.exports import safe_row
from engage.guardian.models import GuardianCase, case_themes
from engage.metrics.charts import summary_text, xmr_chart_svg
from engage.metrics.icons import VARIATION_ICON_TITLES
from engage.metrics.spc import XmrChart, xmr
from engage.organisation.models import Directorate, Unit
from engage.quarters import MONTHS
from engage.small_numbers import is_small, shown
from engage.submissions.models import Theme

CHART_MONTHS = 24


@dataclass(frozen=True)
class Cell:
    count: int

    @property
    def text(self) -> str:
        return shown(self.count)

    @property
    def band(self) -> str:
        """The shade: none for a suppressed cell, so the colour cannot give the count away."""
        if is_small(self.count):
            return "suppressed"
        return "high" if self.count >= 20 else "medium" if self.count >= 10 else "low"


@dataclass(frozen=True)
class HeatRow:
    unit: Unit
    cells: list[Cell]


@dataclass(frozen=True)
class HeatMap:
    date_from: date
    date_to: date
    themes: list[Theme]
    rows: list[HeatRow]
    cases: int
    without_unit: int

    def csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(safe_row(["directorate", "unit", *(t.name for t in self.themes)]))
        for row in self.rows:
            cells = [row.unit.directorate.name, row.unit.name, *(c.text for c in row.cells)]
            writer.writerow(safe_row(cells))
        return out.getvalue()


def check_period(date_from: date | None, date_to: date | None) -> tuple[date, date]:
    if date_from is None or date_to is None:
        raise ValidationFailed("Enter both dates of the period", "date_from")
    if date_to < date_from:
        raise ValidationFailed("The end of the period must be on or after its start", "date_to")
    return date_from, date_to


def heat_map(actor: User, date_from: date, date_to: date) -> HeatMap:
    require_guardian(actor)
    date_from, date_to = check_period(date_from, date_to)
    in_period = and_(GuardianCase.raised_on >= date_from, GuardianCase.raised_on <= date_to)
    counts = {
        (unit_id, theme_id): count
        for unit_id, theme_id, count in db.session.execute(
            select(GuardianCase.unit_id, case_themes.c.theme_id, func.count())
            .join(case_themes, case_themes.c.case_id == GuardianCase.id)
            .where(in_period)
            .group_by(GuardianCase.unit_id, case_themes.c.theme_id)
        )
    }
    themes = list(db.session.scalars(select(Theme).order_by(Theme.position, Theme.name)))
    units = db.session.scalars(select(Unit).join(Directorate).order_by(Directorate.name, Unit.name))
    rows = [
        HeatRow(unit, [Cell(counts.get((unit.id, theme.id), 0)) for theme in themes])
        for unit in units
    ]
    total = db.session.scalar(select(func.count(GuardianCase.id)).where(in_period)) or 0
    without_unit = (
        db.session.scalar(
            select(func.count(GuardianCase.id)).where(in_period, GuardianCase.unit_id.is_(None))
        )
        or 0
    )
    return HeatMap(date_from, date_to, themes, rows, total, without_unit)


def month_starts(first: date, months: int) -> list[date]:
    return [_add_months(first, k) for k in range(months)]


def monthly_counts(theme_id: int | None, first: date, months: int) -> list[int]:
    """Cases raised in each of `months` months from `first` (with the theme, if given)."""
    starts = month_starts(first, months)
    end = _add_months(first, months)
    query = select(GuardianCase.raised_on).where(
        GuardianCase.raised_on >= first, GuardianCase.raised_on < end
    )
    if theme_id is not None:
        with_theme = select(case_themes.c.case_id).where(case_themes.c.theme_id == theme_id)
        query = query.where(GuardianCase.id.in_(with_theme))
    counts = dict.fromkeys(starts, 0)
    for (raised_on,) in db.session.execute(query):
        counts[raised_on.replace(day=1)] += 1
    return [counts[start] for start in starts]


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class ThemeChart:
    theme: Theme | None
    labels: list[str]
    values: list[int]
    chart: XmrChart
    svg: Markup
    summary: str

    @property
    def variation(self) -> str:
        return VARIATION_ICON_TITLES[self.chart.variation_icon]


def theme_chart(actor: User, theme_id: int | None, today: date) -> ThemeChart:
    """Cases per complete month over the last two years: a neutral measure, because more
    people speaking up is not in itself good or bad."""
    require_guardian(actor)
    theme = db.session.get(Theme, theme_id) if theme_id else None
    first = _add_months(today.replace(day=1), -CHART_MONTHS)
    return _chart(theme, first, CHART_MONTHS)


def _chart(theme: Theme | None, first: date, months: int) -> ThemeChart:
    values = monthly_counts(theme.id if theme else None, first, months)
    starts = month_starts(first, months)
    labels = [f"{MONTHS[start.month - 1][:3]} {start.year}" for start in starts]
    chart = xmr(values, improvement="neutral")
    name = theme.name if theme else "All themes"
    title = f"Freedom to Speak Up cases per month: {name}"
    svg = xmr_chart_svg(
        chart, labels, chart_id=f"ftsu-theme-{theme.id if theme else 0}", title=title
    )
    return ThemeChart(theme, labels, values, chart, svg, summary_text(chart, labels))


def chart_for_report(theme: Theme, period_end: date) -> ThemeChart:
    """The two years of months up to the end of the report's period."""
    first = _add_months(period_end.replace(day=1), -CHART_MONTHS)
    return _chart(theme, first, CHART_MONTHS)
