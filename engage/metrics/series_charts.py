"""From a series of periods to an XmR chart and its one-line reading, with the target,
direction and new periods that administrators set. No database: the view's services pass in
what they read."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from engage import small_numbers
from engage.metrics.chart_svg import format_label
from engage.metrics.series import Grain, Period
from engage.metrics.settings import MetricChoice
from engage.metrics.spc import SpcInputError, XmrChart, xmr
from engage.metrics.weeks import WEEK

MIN_VALUES = 2
_READING_KINDS = {
    "special_cause_improvement": "Special cause improvement",
    "special_cause_concern": "Special cause concern",
    "special_cause_neutral_high": "Unusually high",
    "special_cause_neutral_low": "Unusually low",
}
WEEKLY_ONLY_READING = (
    "Weekly only: a person who takes part in two weeks of a month cannot be counted once from "
    "weekly figures"
)


@dataclass(frozen=True)
class RebaseNote:
    starts_on: date
    reason: str
    index: int | None  # the period it starts, or None outside this chart's window


@dataclass(frozen=True)
class SeriesChart:
    choice: MetricChoice
    periods: tuple[Period, ...]
    chart: XmrChart | None
    reading: str
    suppressed: bool
    notes: tuple[RebaseNote, ...]

    @property
    def labels(self) -> tuple[date, ...]:
        return tuple(period.start for period in self.periods)

    @property
    def latest(self) -> Period | None:
        return next((p for p in reversed(self.periods) if p.value is not None), None)


def chart_series(
    choice: MetricChoice,
    periods: Sequence[Period],
    rebases: Sequence[tuple[date, str]] = (),
    grain: Grain = Grain.WEEK,
) -> SeriesChart:
    periods = tuple(periods)
    notes = _notes(periods, rebases, grain)
    if any(period.small for period in periods):
        return SeriesChart(choice, periods, None, suppressed_reading(), True, notes)
    values = [period.value for period in periods]
    if sum(value is not None for value in values) < MIN_VALUES:
        reading = (
            WEEKLY_ONLY_READING
            if choice.metric.distinct_people and grain is Grain.MONTH
            else "Not enough figures to chart yet"
        )
        return SeriesChart(choice, periods, None, reading, False, notes)
    starts = _valid_starts(notes, values)
    try:
        chart = xmr(values, improvement=choice.improvement, target=choice.target, rebase_at=starts)
    except SpcInputError:
        return SeriesChart(choice, periods, None, "These figures cannot be charted", False, notes)
    kept = tuple(
        note if note.index in starts else RebaseNote(note.starts_on, note.reason, None)
        for note in notes
    )
    return SeriesChart(choice, periods, chart, reading_for(chart, periods), False, kept)


def suppressed_reading() -> str:
    return (
        f"Not charted: {small_numbers.fewer_than()} in at least one period (still counted in "
        "the directorate and trust figures)"
    )


def _notes(
    periods: tuple[Period, ...], rebases: Sequence[tuple[date, str]], grain: Grain
) -> tuple[RebaseNote, ...]:
    """Each new period starts at the period holding its date (a rota from Wednesday 1 April
    starts that week, or April); one outside the window, or at its very start, has no line."""
    notes = []
    for starts_on, reason in rebases:
        index = next(
            (
                i
                for i, period in enumerate(periods)
                if period.start <= starts_on < _period_end(period.start, grain)
            ),
            None,
        )
        notes.append(RebaseNote(starts_on, reason, index or None))
    return tuple(notes)


def _period_end(start: date, grain: Grain) -> date:
    if grain is Grain.WEEK:
        return start + WEEK
    return date(start.year + start.month // 12, start.month % 12 + 1, 1)


def rebase_starts(
    periods: Sequence[Period], rebases: Sequence[tuple[date, str]], grain: Grain = Grain.WEEK
) -> list[int]:
    """The indexes at which a chart of these periods starts a new period: the chart and the
    signals (digests, home pages) both take them from here, so they never disagree."""
    periods = tuple(periods)
    return _valid_starts(_notes(periods, rebases, grain), [p.value for p in periods])


def _valid_starts(notes: Sequence[RebaseNote], values: list[float | None]) -> list[int]:
    """New periods that leave at least 2 values on each side; others are not drawn."""
    starts: list[int] = []
    for index in sorted({note.index for note in notes if note.index is not None}):
        previous = starts[-1] if starts else 0
        before = sum(v is not None for v in values[previous:index])
        after = sum(v is not None for v in values[index:])
        if before >= MIN_VALUES and after >= MIN_VALUES:
            starts.append(index)
    return starts


def reading_for(chart: XmrChart, periods: Sequence[Period]) -> str:
    """'Special cause improvement since 6 Oct 2025', or what the chart shows instead."""
    latest = chart.latest
    kind = _READING_KINDS.get(latest.point_type)
    if kind is None:
        period = chart.periods[latest.period]
        if period.start == 0:
            return "Common cause variation: no sign of change"
        since = format_label(periods[period.start].start)
        return f"Common cause variation since the new period of {since}: no sign of change"
    start = latest.index
    while start > 0 and chart.points[start - 1].point_type in (latest.point_type, "missing"):
        start -= 1
    while chart.points[start].point_type == "missing":
        start += 1
    return f"{kind} since {format_label(periods[start].start)}"
