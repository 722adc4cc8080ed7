"""The SPC signals in the weekly snapshots: which metrics show special-cause improvement or
concern for a set of units (or directorates, or the trust) as of a week, and since when.

For the digests ("the metric signals that the SPC rules raise for their units") and the
metrics view's home-page summary. Reads only the snapshots (one query), never submissions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from sqlalchemy import and_, or_, select

from engage.extensions import db
from engage.metrics.models import Level, MetricRebase, MetricSnapshot
from engage.metrics.registry import Metric
from engage.metrics.series import Period
from engage.metrics.series_charts import rebase_starts
from engage.metrics.settings import MetricChoice, metric_choices
from engage.metrics.spc import SpcInputError, xmr
from engage.metrics.weeks import WEEK, week_start

# Weeks of history each chart is drawn over, and the fewest values it needs: Making Data
# Count advises against limits from fewer than about 15 points.
HISTORY_WEEKS = 52
MIN_POINTS = 15

SignalKind = Literal["improvement", "concern"]
_KINDS: dict[str, SignalKind] = {
    "special_cause_improvement": "improvement",
    "special_cause_concern": "concern",
}


@dataclass(frozen=True)
class Signal:
    metric: Metric
    level: Level
    entity_id: int
    theme_id: int
    kind: SignalKind
    # The first week of the unbroken run of special-cause points that ends at the week asked
    # about (for a shift, where the shift began).
    since: date
    week: date
    value: float | None

    @property
    def reading(self) -> str:
        """'Special cause improvement since 6 Oct 2025'."""
        return f"Special cause {self.kind} since {self.since:%-d %b %Y}"


SeriesKey = tuple[str, int, str, int]  # level, entity, metric, theme


def signals(
    entities: Iterable[tuple[Level, int]],
    as_of_week: date,
    *,
    history_weeks: int = HISTORY_WEEKS,
) -> list[Signal]:
    """The special-cause signals at `as_of_week` (any day of it) for each (level, entity id)
    given, for every metric with an improvement direction, ordered concerns first. The
    direction and the new periods are the administrator's, as on the charts."""
    week = week_start(as_of_week)
    first = week - (history_weeks - 1) * WEEK
    by_level: dict[Level, set[int]] = defaultdict(set)
    for level, entity_id in entities:
        by_level[level].add(entity_id)
    if not by_level:
        return []
    choices = {
        name: choice for name, choice in metric_choices().items() if choice.improvement != "neutral"
    }
    directional = list(choices)
    # Rebase points are few (set by hand), so one query reads them all for the run.
    rebases: dict[str, list[MetricRebase]] = defaultdict(list)
    for rebase in db.session.scalars(
        select(MetricRebase)
        .where(MetricRebase.metric.in_(directional))
        .order_by(MetricRebase.starts_on)
    ):
        rebases[rebase.metric].append(rebase)
    rows = db.session.execute(
        select(
            MetricSnapshot.level,
            MetricSnapshot.entity_id,
            MetricSnapshot.metric,
            MetricSnapshot.theme_id,
            MetricSnapshot.week_start,
            MetricSnapshot.value,
        )
        .where(
            or_(
                *(
                    and_(MetricSnapshot.level == level.value, MetricSnapshot.entity_id.in_(ids))
                    for level, ids in by_level.items()
                )
            ),
            MetricSnapshot.metric.in_(directional),
            MetricSnapshot.week_start >= first,
            MetricSnapshot.week_start <= week,
        )
        .order_by(
            MetricSnapshot.level,
            MetricSnapshot.entity_id,
            MetricSnapshot.metric,
            MetricSnapshot.theme_id,
            MetricSnapshot.week_start,
        )
    )
    series: dict[SeriesKey, list[tuple[date, float | None]]] = defaultdict(list)
    for level_name, entity_id, metric, theme_id, row_week, value in rows:
        series[(level_name, entity_id, metric, theme_id)].append((row_week, value))
    found = [
        signal
        for key, points in series.items()
        if (signal := _signal(key, points, week, choices, rebases)) is not None
    ]
    return sorted(found, key=lambda s: (s.kind != "concern", s.level, s.entity_id, s.metric.name))


def _signal(
    key: SeriesKey,
    points: list[tuple[date, float | None]],
    week: date,
    choices: dict[str, MetricChoice],
    rebases: dict[str, list[MetricRebase]],
) -> Signal | None:
    level, entity_id, metric_name, theme_id = key
    choice = choices.get(metric_name)
    if choice is None or points[-1][0] != week or points[-1][1] is None:
        return None
    metric = choice.metric
    if sum(value is not None for _, value in points) < MIN_POINTS:
        return None
    periods = [Period(start, None, None, value) for start, value in points]
    applying = [
        (r.starts_on, r.reason)
        for r in rebases.get(metric_name, [])
        if r.level is None or (r.level == level and r.entity_id == entity_id)
    ]
    try:
        chart = xmr(
            [value for _, value in points],
            improvement=choice.improvement,
            rebase_at=rebase_starts(periods, applying),
        )
    except SpcInputError:
        return None
    kind = _KINDS.get(chart.points[-1].point_type)
    if kind is None:
        return None
    start = len(points) - 1
    while start > 0 and _KINDS.get(chart.points[start - 1].point_type) == kind:
        start -= 1
    return Signal(
        metric=metric,
        level=Level(level),
        entity_id=entity_id,
        theme_id=theme_id,
        kind=kind,
        since=points[start][0],
        week=week,
        value=points[-1][1],
    )
