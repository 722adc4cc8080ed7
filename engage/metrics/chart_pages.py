"""One metric's chart for a place: the SVG, its summary, the data table, the CSV, and small
multiples of the place's directorates or units. Reads only the snapshots."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from markupsafe import Markup

from engage import small_numbers
from engage.accounts.models import User
from engage.errors import NotFound
from engage.metrics.access import check_can_view
from engage.metrics.chart_svg import format_label, format_number
from engage.metrics.charts import (
    assurance_icon_svg,
    summary_text,
    variation_icon_svg,
    xmr_chart_svg,
)
from engage.metrics.icons import ASSURANCE_ICON_TITLES, VARIATION_ICON_TITLES
from engage.metrics.models import NO_THEME, Level
from engage.metrics.registry import METRICS_BY_NAME, Metric
from engage.metrics.series import Grain, load
from engage.metrics.series_charts import SeriesChart
from engage.metrics.view_services import (
    Place,
    metric_title,
    place,
    series_chart,
    theme_names,
    visible_children,
)

CSV_COLUMNS = (
    "period_start",
    "value",
    "numerator",
    "denominator",
    "mean",
    "lpl",
    "upl",
    "point_type",
)


@dataclass(frozen=True)
class TableRow:
    period: str
    value: str
    numerator: str
    denominator: str
    mean: str
    limits: str
    point_type: str


@dataclass(frozen=True)
class SmallMultiple:
    level: Level
    entity_id: int
    name: str
    svg: Markup | None
    reading: str


@dataclass(frozen=True)
class ChartPage:
    place: Place
    metric: Metric
    theme_id: int
    title: str
    series: SeriesChart
    svg: Markup | None
    summary: str
    variation_icon: Markup | None
    variation_text: str
    assurance_icon: Markup | None
    assurance_text: str
    table: list[TableRow]
    multiples: list[SmallMultiple]
    grain: Grain
    weeks: int


def _metric(name: str) -> Metric:
    metric = METRICS_BY_NAME.get(name)
    if metric is None:
        raise NotFound("There is no metric with that name.")
    return metric


def metric_series(
    actor: User, level: Level, entity_id: int, name: str, theme_id: int, grain: Grain, weeks: int
) -> tuple[Place, Metric, SeriesChart]:
    where = place(level, entity_id)
    check_can_view(actor, level, entity_id)
    metric = _metric(name)
    if not metric.by_theme:
        theme_id = NO_THEME
    series = load([(level, entity_id)], weeks=weeks, grain=grain, metrics=[name])
    periods = series[(level, entity_id)].get((name, theme_id), [])
    return where, metric, series_chart(level, entity_id, name, periods, grain)


def chart_page(
    actor: User,
    level: Level,
    entity_id: int,
    name: str,
    *,
    theme_id: int = NO_THEME,
    grain: Grain = Grain.WEEK,
    weeks: int = 52,
) -> ChartPage:
    where, metric, charted = metric_series(actor, level, entity_id, name, theme_id, grain, weeks)
    title = f"{metric_title(metric, theme_id, theme_names())}: {where.name}"
    chart = charted.chart
    notes = {n.index: n.reason for n in charted.notes if n.index is not None}
    svg = None
    if chart is not None:
        svg = xmr_chart_svg(
            chart, charted.labels, chart_id="metric-chart", title=title, notes=notes
        )
    return ChartPage(
        place=where,
        metric=metric,
        theme_id=theme_id if metric.by_theme else NO_THEME,
        title=title,
        series=charted,
        svg=svg,
        summary=charted.reading if chart is None else summary_text(chart, charted.labels),
        variation_icon=None if chart is None else variation_icon_svg(chart.variation_icon),
        variation_text="" if chart is None else VARIATION_ICON_TITLES[chart.variation_icon],
        assurance_icon=(
            None
            if chart is None or chart.assurance_icon is None
            else assurance_icon_svg(chart.assurance_icon)
        ),
        assurance_text=(
            ASSURANCE_ICON_TITLES[chart.assurance_icon]
            if chart is not None and chart.assurance_icon is not None
            else "No assurance icon: set a target and a direction to see one"
        ),
        table=_table(metric, charted),
        multiples=_multiples(actor, where, metric, theme_id, grain, weeks),
        grain=grain,
        weeks=weeks,
    )


def _multiples(
    actor: User, where: Place, metric: Metric, theme_id: int, grain: Grain, weeks: int
) -> list[SmallMultiple]:
    children = visible_children(actor, where)
    if not children:
        return []
    loaded = load(
        [(lv, i) for lv, i, _ in children], weeks=weeks, grain=grain, metrics=[metric.name]
    )
    multiples = []
    for level, entity_id, name in children:
        periods = loaded[(level, entity_id)].get((metric.name, theme_id), [])
        charted = series_chart(level, entity_id, metric.name, periods, grain)
        svg = None
        if charted.chart is not None:
            svg = xmr_chart_svg(
                charted.chart,
                charted.labels,
                chart_id=f"multiple-{level.value}-{entity_id}",
                title=f"{metric.title}: {name}",
                width=460,
                height=260,
            )
        multiples.append(SmallMultiple(level, entity_id, name, svg, charted.reading))
    return multiples


def _cell(value: float | None) -> str:
    return "" if value is None else format_number(value).replace(",", "")


def _table(metric: Metric, charted: SeriesChart) -> list[TableRow]:
    rows = []
    for index, period in enumerate(charted.periods):
        point = charted.chart.points[index] if charted.chart is not None else None
        hidden = small_numbers.fewer_than() if period.small else None
        rows.append(
            TableRow(
                period=format_label(period.start),
                value=hidden or _cell(period.value) or "No value",
                numerator=hidden or _count(period.numerator),
                denominator=hidden or _count(period.denominator),
                mean="" if point is None else format_number(point.mean),
                limits=(
                    ""
                    if point is None or point.lpl is None or point.upl is None
                    else f"{format_number(point.lpl)} to {format_number(point.upl)}"
                ),
                point_type="" if point is None else point.point_type.replace("_", " "),
            )
        )
    return rows


def _count(value: int | None) -> str:
    return "" if value is None else str(value)


def csv_text(
    actor: User,
    level: Level,
    entity_id: int,
    name: str,
    *,
    theme_id: int = NO_THEME,
    grain: Grain = Grain.WEEK,
    weeks: int = 52,
) -> str:
    """The chart's figures as CSV; a unit's small counts read "fewer than 5" here too."""
    _, _, charted = metric_series(actor, level, entity_id, name, theme_id, grain, weeks)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for index, period in enumerate(charted.periods):
        point = charted.chart.points[index] if charted.chart is not None else None
        if period.small:
            figures = [small_numbers.fewer_than()] * 3
        else:
            figures = [_raw(period.value), _count(period.numerator), _count(period.denominator)]
        lines = ["", "", "", ""]
        if point is not None:
            lines = [_raw(point.mean), _raw(point.lpl), _raw(point.upl), point.point_type]
        writer.writerow([period.start.isoformat(), *figures, *lines])
    return out.getvalue()


def _raw(value: float | None) -> str:
    return "" if value is None else repr(float(value))
