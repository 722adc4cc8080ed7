"""The "Make an SPC chart" tool: figures a signed-in user pastes or uploads, charted.

Nothing is stored: the figures go from the request to the chart and back to the page.
Every problem with them becomes a :class:`ValidationFailed` naming the form field it
belongs beside, so the page can show it there and keep what was typed.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import date
from typing import Final

from markupsafe import Markup

from engage.errors import ValidationFailed
from engage.metrics.chart_svg import format_label, format_number
from engage.metrics.charts import (
    assurance_icon_svg,
    summary_text,
    variation_icon_svg,
    xmr_chart_svg,
)
from engage.metrics.csv_series import parse_csv
from engage.metrics.icons import ASSURANCE_ICON_TITLES, VARIATION_ICON_TITLES
from engage.metrics.spc import (
    COMMON_CAUSE_RULE,
    Improvement,
    SpcInputError,
    XmrChart,
    XmrPoint,
    xmr,
)

# The names of the form fields that problems are shown beside.
FIGURES_FIELD: Final = "figures"
FILE_FIELD: Final = "file"
REBASE_FIELD: Final = "rebase_dates"
DEFAULT_HEADING: Final = "Your SPC chart"
CHART_ID: Final = "spc-chart"
NOT_CALCULATED: Final = "Not calculated"
NOT_UTF8: Final = (
    "The file is not a CSV file saved as UTF-8 text. In Excel, use Save As and choose "
    "'CSV UTF-8 (Comma delimited)', then choose the file again"
)
_NATURE: Final = {
    "special_cause_improvement": "Improvement",
    "special_cause_concern": "Concern",
    "special_cause_neutral_high": "Unusually high",
    "special_cause_neutral_low": "Unusually low",
}
# The engine numbers points from 1; on this page every point has a date to say instead.
_POINT_NUMBER: Final = re.compile(r"\bat point (\d+)\b")


@dataclass(frozen=True, slots=True)
class ChartRequest:
    """What the user asked for, already checked by the form."""

    figures: str | None
    upload: bytes | None
    title: str | None
    improvement: Improvement
    target: float | None = None
    rebase_dates: tuple[date, ...] = ()
    fix_after_n_points: int | None = None
    six_point_rules: bool = False
    screen_outliers: bool = True
    close_includes_outside: bool = False


@dataclass(frozen=True, slots=True)
class ChartRow:
    """One line of the table under the chart, as text ready to show."""

    date: str
    value: str
    mean: str
    lower_limit: str
    upper_limit: str
    meaning: str
    special: bool


@dataclass(frozen=True, slots=True)
class ChartResult:
    heading: str
    chart: XmrChart
    labels: tuple[date, ...]
    svg: Markup
    summary: str
    variation_icon: Markup
    variation_text: str
    assurance_icon: Markup | None
    assurance_text: str
    warnings: tuple[str, ...]
    rows: tuple[ChartRow, ...]
    figures_text: str  # the figures as text, so the form can redraw without the file


def make_chart(request: ChartRequest) -> ChartResult:
    """Chart the figures; raises :class:`ValidationFailed` for a field on bad input."""
    if request.upload is not None:
        text, source_field = _decoded(request.upload), FILE_FIELD
    else:
        text, source_field = request.figures or "", FIGURES_FIELD
    try:
        series = parse_csv(text)
    except SpcInputError as problem:
        raise ValidationFailed(str(problem), source_field) from None
    labels = tuple(when for when, _ in series)
    values = [value for _, value in series]
    rebase_at = _rebase_indexes(request.rebase_dates, labels, values)
    rule_length = 6 if request.six_point_rules else 7
    try:
        chart = xmr(
            values,
            improvement=request.improvement,
            target=request.target,
            rebase_at=rebase_at,
            fix_after_n_points=request.fix_after_n_points,
            screen_outliers=request.screen_outliers,
            run_length=rule_length,
            trend_length=rule_length,
            close_includes_outside=request.close_includes_outside,
        )
    except SpcInputError as problem:
        # The form has checked the target and settings, so what is left is the figures.
        raise ValidationFailed(_with_dates(str(problem), labels), source_field) from None

    heading = request.title or DEFAULT_HEADING
    assurance = chart.assurance_icon
    return ChartResult(
        heading=heading,
        chart=chart,
        labels=labels,
        svg=xmr_chart_svg(chart, labels, chart_id=CHART_ID, title=heading),
        summary=summary_text(chart, labels),
        variation_icon=variation_icon_svg(chart.variation_icon),
        variation_text=VARIATION_ICON_TITLES[chart.variation_icon],
        assurance_icon=None if assurance is None else assurance_icon_svg(assurance),
        assurance_text=(
            ASSURANCE_ICON_TITLES[assurance] if assurance else _no_assurance_reason(chart)
        ),
        warnings=tuple(_with_dates(warning, labels) for warning in chart.warnings),
        rows=tuple(_row(point, labels[point.index], chart) for point in chart.points),
        figures_text=text,
    )


def _decoded(upload: bytes) -> str:
    try:
        text = upload.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed(NOT_UTF8, FILE_FIELD) from None
    # UTF-16 text of plain digits decodes as "UTF-8" full of NULs; no CSV has them.
    if "\x00" in text:
        raise ValidationFailed(NOT_UTF8, FILE_FIELD)
    return text


def _rebase_indexes(
    rebase_dates: tuple[date, ...], labels: tuple[date, ...], values: list[float | None]
) -> list[int]:
    """Where each new period starts, checked here so the message can name the date."""
    position = {when: index for index, when in enumerate(labels)}
    for when in rebase_dates:
        if when not in position:
            raise ValidationFailed(
                f"{when.isoformat()} is not a date in your figures; a new period must start "
                "on one of their dates",
                REBASE_FIELD,
            )
    indexes = sorted({position[when] for when in rebase_dates} | {0})
    if sum(value is not None for value in values) < 2:
        return indexes[1:]  # the engine's own message about too few values says it better
    for start, stop in itertools.pairwise([*indexes, len(labels)]):
        count = sum(value is not None for value in values[start:stop])
        if count < 2:
            first, last = format_label(labels[start]), format_label(labels[stop - 1])
            span = f"of {first} alone" if stop - start == 1 else f"from {first} to {last}"
            raise ValidationFailed(
                f"The period {span} has {count} value{'' if count == 1 else 's'}; each period "
                "needs at least 2, so choose other dates for new periods",
                REBASE_FIELD,
            )
    return indexes[1:]


def _with_dates(message: str, labels: tuple[date, ...]) -> str:
    def on_date(match: re.Match[str]) -> str:
        index = int(match.group(1)) - 1
        return f"on {format_label(labels[index])}" if 0 <= index < len(labels) else match[0]

    return _POINT_NUMBER.sub(on_date, message)


def _no_assurance_reason(chart: XmrChart) -> str:
    if chart.target is None:
        return "No assurance icon: add a target to see whether you can expect to meet it"
    if chart.improvement == "neutral":
        return "No assurance icon: it needs to know whether higher or lower values are better"
    return "No assurance icon: the process limits could not be calculated"


def _row(point: XmrPoint, when: date, chart: XmrChart) -> ChartRow:
    def limit(value: float | None) -> str:
        return NOT_CALCULATED if value is None else format_number(value)

    return ChartRow(
        date=format_label(when),
        value="Missing" if point.value is None else format_number(point.value),
        mean=format_number(point.mean),
        lower_limit=limit(point.lpl),
        upper_limit=limit(point.upl),
        meaning=_point_meaning(point, chart),
        special=point.point_type.startswith("special_cause"),
    )


def _point_meaning(point: XmrPoint, chart: XmrChart) -> str:
    """What the point's type and rule mean, in words for people who don't know SPC."""
    rule = point.rule
    if rule is None:
        return "No value: the chart skips this date"
    if rule == COMMON_CAUSE_RULE:
        return "Common cause: the usual ups and downs, no sign of change"
    nature = _NATURE.get(point.point_type, "Special cause")
    upper_or_lower = "upper" if "Above" in rule else "lower"
    if rule in {"Above UCL", "Below LCL"}:
        reason = f"{'above' if 'Above' in rule else 'below'} the {upper_or_lower} process limit"
    elif "Trend" in rule:
        rising = "rising" if "Increasing" in rule else "falling"
        reason = f"part of a run of {chart.trend_length} or more points in a row {rising}"
    elif rule.startswith("2 in 3"):
        reason = f"one of 2 points out of 3 close to the {upper_or_lower} process limit"
    else:
        side = "above" if "Above" in rule else "below"
        reason = f"part of a run of {chart.run_length} or more points in a row {side} the mean"
    return f"{nature}: {reason}"
