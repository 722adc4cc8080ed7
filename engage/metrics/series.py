"""Series of figures for the metrics view, read from the weekly snapshots only.

Weekly periods are the snapshot rows as stored. Monthly periods (calendar months of the weeks'
Mondays; only months wholly inside the window) add numerators and denominators over their
weeks, never averaging the weekly values: a percentage is the month's items over the month's
items due, a median the median of the month's whole distribution, a rate per 100 staff the
month's count over the latest headcount. People who took part cannot be added across weeks
(one person in two weeks would count twice), so participation is weekly only.

Privacy: a unit's period with a count under the small-number threshold is "small"
(engage/small_numbers.py: SMALL_NUMBER_THRESHOLD, so 1 to 4 by default); the view shows it as
"fewer than 5" and does not chart that unit's metric. A zero is not small here: it identifies
nobody, so it is shown and charted. Directorates and the trust are never suppressed, and
their rows are counted from every unit's items, the small ones included.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy import and_, func, or_, select

from engage import small_numbers
from engage.extensions import db
from engage.metrics.models import Level, MetricSnapshot
from engage.metrics.registry import METRICS_BY_NAME, Computation, Metric, median_of
from engage.metrics.weeks import WEEK

WINDOW_WEEKS = (26, 52, 104)


class Grain(StrEnum):
    WEEK = "week"
    MONTH = "month"


@dataclass(frozen=True)
class Period:
    start: date
    numerator: int | None
    denominator: int | None
    value: float | None
    # A unit's count of 1 to 4 (under the threshold, not 0): never shown, and the unit's chart
    # of the metric is not drawn.
    small: bool = False


SeriesKey = tuple[str, int]  # metric name, theme id
# A snapshot row as read: week, numerator, denominator, value, distribution.
WeekRow = tuple[date, int | None, int | None, float | None, dict[str, int] | None]
EntityKey = tuple[Level, int]


def latest_week() -> date | None:
    """The newest week the snapshot job has stored (one index lookup)."""
    return db.session.scalar(select(func.max(MetricSnapshot.week_start)))


def load(
    entities: Iterable[EntityKey],
    *,
    weeks: int,
    grain: Grain,
    metrics: Sequence[str] | None = None,
    last_week: date | None = None,
) -> dict[EntityKey, dict[SeriesKey, list[Period]]]:
    """Each entity's series for the `weeks` weeks up to the latest stored one, in one query."""
    wanted = list(dict.fromkeys(entities))
    last = last_week or latest_week()
    if last is None or not wanted:
        return {entity: {} for entity in wanted}
    first = last - (weeks - 1) * WEEK
    query = select(
        MetricSnapshot.level,
        MetricSnapshot.entity_id,
        MetricSnapshot.metric,
        MetricSnapshot.theme_id,
        MetricSnapshot.week_start,
        MetricSnapshot.numerator,
        MetricSnapshot.denominator,
        MetricSnapshot.value,
        MetricSnapshot.distribution,
    ).where(
        or_(
            *(
                and_(MetricSnapshot.level == lv.value, MetricSnapshot.entity_id == i)
                for lv, i in wanted
            )
        ),
        MetricSnapshot.week_start.between(first, last),
    )
    if metrics is not None:
        query = query.where(MetricSnapshot.metric.in_(metrics))
    weekly: dict[EntityKey, dict[SeriesKey, list[WeekRow]]] = {
        entity: defaultdict(list) for entity in wanted
    }
    for (
        level,
        entity_id,
        metric,
        theme_id,
        week,
        numerator,
        denominator,
        value,
        spread,
    ) in db.session.execute(query.order_by(MetricSnapshot.week_start)):
        if metric in METRICS_BY_NAME:
            weekly[(Level(level), entity_id)][(metric, theme_id)].append(
                (week, numerator, denominator, value, spread)
            )
    result: dict[EntityKey, dict[SeriesKey, list[Period]]] = {}
    for (level, entity_id), by_series in weekly.items():
        result[(level, entity_id)] = {
            key: _periods(METRICS_BY_NAME[key[0]], rows, level, grain, first, last)
            for key, rows in sorted(by_series.items())
        }
    return result


def _periods(
    metric: Metric, rows: list[WeekRow], level: Level, grain: Grain, first: date, last: date
) -> list[Period]:
    if grain is Grain.WEEK:
        periods = [Period(week, num, den, value) for week, num, den, value, _ in rows]
    else:
        periods = _months(metric, rows, first, last)
    if level is Level.UNIT:
        threshold = small_numbers.threshold()  # read once for the series, not per period
        periods = [
            Period(
                p.start, p.numerator, p.denominator, p.value, small=is_small(metric, p, threshold)
            )
            for p in periods
        ]
    return periods


def is_small(metric: Metric, period: Period, threshold: int | None = None) -> bool:
    """Whether a unit's period hides its figures: a count in it (the numerator, and the
    denominator unless it is a headcount) is small, a zero excepted (see the module's docstring)."""
    counts = [period.numerator]
    if not metric.per_staff:
        counts.append(period.denominator)
    return any(
        count is not None and count > 0 and small_numbers.is_small(count, under=threshold)
        for count in counts
    )


def _months(metric: Metric, rows: list[WeekRow], first: date, last: date) -> list[Period]:
    by_month: dict[date, list[WeekRow]] = defaultdict(list)
    for row in rows:
        by_month[row[0].replace(day=1)].append(row)
    periods = []
    for month, month_rows in sorted(by_month.items()):
        mondays = _mondays_of(month)
        if mondays[0] < first or mondays[-1] > last:
            continue  # a month the window cuts would look like a fall in every count
        periods.append(_month(metric, month, month_rows))
    return periods


def _mondays_of(month: date) -> list[date]:
    day = month + (7 - month.weekday()) % 7 * (WEEK / 7)
    mondays = []
    while day.month == month.month:
        mondays.append(day)
        day += WEEK
    return mondays


def _add(values: Iterable[int | None]) -> int | None:
    present = [value for value in values if value is not None]
    return sum(present) if present else None


def _month(metric: Metric, month: date, rows: list[WeekRow]) -> Period:
    numerators = [row[1] for row in rows]
    denominators = [row[2] for row in rows]
    if metric.distinct_people:
        return Period(month, None, None, None)
    if metric.computation is Computation.MEDIAN:
        merged: dict[str, int] = defaultdict(int)
        for row in rows:
            for days, count in (row[4] or {}).items():
                merged[str(days)] += count
        return Period(month, None, _add(denominators), median_of(merged))
    numerator = _add(numerators)
    if metric.per_staff:
        # A headcount is not added over weeks: the month's rate is over the latest one.
        denominator = next((d for d in reversed(denominators) if d is not None), None)
    else:
        denominator = _add(denominators)
    return Period(month, numerator, denominator, metric.value(numerator, denominator))
