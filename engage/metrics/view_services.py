"""The engagement metrics view: the summary matrix of a place (trust, directorate or unit),
one metric's chart with its table and CSV, and the signals on each role's home page.

Reads only the snapshots (and the names of places and themes), never submissions; every entry
point checks the actor against engage.metrics.access first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy import select

from engage import small_numbers
from engage.accounts.models import Role, User
from engage.errors import NotFound
from engage.extensions import db, get_by_id
from engage.metrics.access import check_can_view, metric_scope
from engage.metrics.chart_svg import format_label, format_number
from engage.metrics.models import NO_THEME, TRUST_ENTITY_ID, Level
from engage.metrics.registry import METRICS, Metric
from engage.metrics.series import Grain, Period, latest_week, load
from engage.metrics.series_charts import SeriesChart, chart_series
from engage.metrics.settings import metric_choices, rebases_for
from engage.organisation.models import Directorate, Unit
from engage.submissions.models import Theme


class IconFilter(StrEnum):
    ALL = "all"
    ATTENTION = "attention"  # special-cause concern, or consistently failing the target
    CONCERN = "concern"
    IMPROVEMENT = "improvement"
    NEUTRAL = "neutral"
    COMMON = "common"
    NOT_CHARTED = "not-charted"


FILTER_LABELS = {
    IconFilter.ALL: "All metrics",
    IconFilter.ATTENTION: "Needs attention",
    IconFilter.CONCERN: "Special cause concern",
    IconFilter.IMPROVEMENT: "Special cause improvement",
    IconFilter.NEUTRAL: "Special cause, neutral",
    IconFilter.COMMON: "Common cause",
    IconFilter.NOT_CHARTED: "Not charted",
}


@dataclass(frozen=True)
class Place:
    level: Level
    entity_id: int
    name: str
    # The way up, nearest last: (level, id, name).
    parents: tuple[tuple[Level, int, str], ...] = ()
    children: tuple[tuple[Level, int, str], ...] = ()


@dataclass(frozen=True)
class SummaryRow:
    metric: Metric
    theme_id: int
    title: str
    series: SeriesChart
    latest_text: str
    latest_when: str
    mean_text: str

    @property
    def variation(self) -> str | None:
        return None if self.series.chart is None else self.series.chart.variation_icon

    @property
    def assurance(self) -> str | None:
        return None if self.series.chart is None else self.series.chart.assurance_icon

    @property
    def category(self) -> IconFilter:
        variation = self.variation
        if variation is None:
            return IconFilter.NOT_CHARTED
        if variation == "common_cause":
            return IconFilter.COMMON
        return IconFilter(variation.split("_")[0])

    def matches(self, wanted: IconFilter) -> bool:
        if wanted is IconFilter.ALL:
            return True
        if wanted is IconFilter.ATTENTION:
            return self.category is IconFilter.CONCERN or self.assurance == "consistent_fail"
        return self.category is wanted

    @property
    def attention_rank(self) -> int:
        if self.category is IconFilter.CONCERN:
            return 0
        if self.assurance == "consistent_fail":
            return 1
        order = [IconFilter.NEUTRAL, IconFilter.IMPROVEMENT, IconFilter.COMMON]
        return 2 + order.index(self.category) if self.category in order else 9


@dataclass(frozen=True)
class Summary:
    place: Place
    rows: list[SummaryRow]
    counts: dict[IconFilter, int]
    shown: IconFilter
    last_week: date | None
    grain: Grain
    weeks: int


def place(level: Level, entity_id: int) -> Place:
    if level is Level.TRUST:
        if entity_id != TRUST_ENTITY_ID:
            raise NotFound()
        directorates = db.session.scalars(select(Directorate).order_by(Directorate.name))
        children = tuple((Level.DIRECTORATE, d.id, d.name) for d in directorates)
        return Place(level, entity_id, "The whole trust", children=children)
    trust = ((Level.TRUST, TRUST_ENTITY_ID, "The whole trust"),)
    if level is Level.DIRECTORATE:
        directorate = get_by_id(Directorate, entity_id)
        if directorate is None:
            raise NotFound("There is no directorate with that number.")
        units = db.session.scalars(
            select(Unit).where(Unit.directorate_id == entity_id).order_by(Unit.name)
        )
        children = tuple((Level.UNIT, u.id, u.name) for u in units)
        return Place(level, entity_id, directorate.name, trust, children)
    unit = get_by_id(Unit, entity_id)
    if unit is None:
        raise NotFound("There is no unit with that number.")
    parent = (Level.DIRECTORATE, unit.directorate_id, unit.directorate.name)
    return Place(level, entity_id, unit.name, (*trust, parent))


def visible_parents(actor: User, where: Place) -> list[tuple[Level, int, str]]:
    scope = metric_scope(actor)
    return [p for p in where.parents if scope.allows(p[0], p[1])]


def visible_children(actor: User, where: Place) -> list[tuple[Level, int, str]]:
    scope = metric_scope(actor)
    return [c for c in where.children if scope.allows(c[0], c[1])]


def theme_names() -> dict[int, str]:
    return {theme_id: name for theme_id, name in db.session.execute(select(Theme.id, Theme.name))}


# The units counted in whole things, and one of each: "1 concern", not "1 concerns".
ONE_OF = {
    "concerns": "concern",
    "days": "day",
    "entries": "entry",
    "ideas": "idea",
    "submissions": "submission",
    "working days": "working day",
}


def _value_text(metric: Metric, value: float | None) -> str:
    if value is None:
        return "No value"
    number = format_number(value)
    if metric.unit == "%":
        return f"{number}%"
    unit = ONE_OF.get(metric.unit, metric.unit) if number == "1" else metric.unit
    return f"{number} {unit}"


def metric_title(metric: Metric, theme_id: int, themes: dict[int, str]) -> str:
    if theme_id == NO_THEME:
        return metric.title
    return f"{metric.title}: {themes.get(theme_id, 'a theme since removed')}"


def series_chart(
    level: Level, entity_id: int, name: str, periods: list[Period], grain: Grain
) -> SeriesChart:
    choice = metric_choices([name])[name]
    rebases = [(r.starts_on, r.reason) for r in rebases_for(name, level, entity_id)]
    return chart_series(choice, periods, rebases, grain)


def summary(
    actor: User,
    level: Level,
    entity_id: int,
    *,
    grain: Grain = Grain.WEEK,
    weeks: int = 52,
    shown: IconFilter = IconFilter.ALL,
    by_attention: bool = False,
) -> Summary:
    where = place(level, entity_id)
    check_can_view(actor, level, entity_id)
    rows = summary_rows(level, entity_id, grain=grain, weeks=weeks)
    counts = {f: sum(row.matches(f) for row in rows) for f in IconFilter}
    picked = [row for row in rows if row.matches(shown)]
    if by_attention:
        picked.sort(key=lambda row: row.attention_rank)
    return Summary(where, picked, counts, shown, latest_week(), grain, weeks)


def summary_rows(
    level: Level, entity_id: int, *, grain: Grain = Grain.WEEK, weeks: int = 52
) -> list[SummaryRow]:
    """One row per metric (per theme for metrics by theme), in the registry's order."""
    series = load([(level, entity_id)], weeks=weeks, grain=grain)[(level, entity_id)]
    choices = metric_choices()
    themes = theme_names()
    rebases: dict[str, list[tuple[date, str]]] = {}
    rows = []
    for metric in METRICS:
        keys = sorted(key for key in series if key[0] == metric.name)
        for name, theme_id in keys:
            periods = series[(name, theme_id)]
            if name not in rebases:
                rebases[name] = [
                    (r.starts_on, r.reason) for r in rebases_for(name, level, entity_id)
                ]
            charted = chart_series(choices[name], periods, rebases[name], grain)
            rows.append(_row(metric, theme_id, themes, charted, grain))
    return rows


def period_name(start: date, grain: Grain) -> str:
    """A point's period as a reader names it: "Week of 16 Nov 2026", or "October 2026" for a
    calendar month (its first day alone, "1 Oct 2026", read as a single day)."""
    if grain is Grain.MONTH:
        return f"{start:%B %Y}"
    return f"Week of {format_label(start)}"


def _row(
    metric: Metric, theme_id: int, themes: dict[int, str], charted: SeriesChart, grain: Grain
) -> SummaryRow:
    last = charted.periods[-1] if charted.periods else None
    if last is None:
        latest_text, when = "No value", ""
    elif last.small:
        latest_text, when = small_numbers.fewer_than(), period_name(last.start, grain)
    else:
        latest_text, when = _value_text(metric, last.value), period_name(last.start, grain)
    chart = charted.chart
    mean_text = "" if chart is None else _value_text(metric, chart.latest.mean)
    return SummaryRow(
        metric,
        theme_id,
        metric_title(metric, theme_id, themes),
        charted,
        latest_text,
        when,
        mean_text,
    )


@dataclass(frozen=True)
class HomeSignal:
    place_name: str
    level: Level
    entity_id: int
    row: SummaryRow


def home_signals(actor: User, limit: int = 3) -> list[HomeSignal]:
    """The three most important signals for this person's places: special-cause concerns
    first (for leaders, only those), then improvements, in the registry's order."""
    scope = metric_scope(actor)
    entities = scope.entities
    if not entities:
        return []
    wanted = (
        {IconFilter.CONCERN}
        if actor.has_role(Role.LEADER)
        else {
            IconFilter.CONCERN,
            IconFilter.IMPROVEMENT,
        }
    )
    found: list[HomeSignal] = []
    for level, entity_id in entities:
        name = place(level, entity_id).name
        for row in summary_rows(level, entity_id):
            if row.category in wanted:
                found.append(HomeSignal(name, level, entity_id, row))
    found.sort(key=lambda s: s.row.category is not IconFilter.CONCERN)
    return found[:limit]
