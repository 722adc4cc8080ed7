"""Server-side SVG rendering of XmR charts, with a text summary for screen readers.

The output is deterministic: element ids derive from the caller's ``chart_id``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final

from markupsafe import Markup, escape

from engage.metrics.chart_svg import (
    CHAR_WIDTH,
    GREY,
    GRID,
    INK,
    LIMIT_INK,
    POINT_NAMES,
    TARGET_RED,
    checked_svg_id,
    coordinate,
    format_label,
    format_number,
    line,
    marker,
    nice_ticks,
    spaced_labels,
    text,
)
from engage.metrics.icons import (
    ASSURANCE_ICON_TITLES,
    VARIATION_ICON_TITLES,
    assurance_icon_svg,
    variation_icon_svg,
)
from engage.metrics.spc import COMMON_CAUSE_RULE, PointType, XmrChart, XmrPoint

__all__ = ["assurance_icon_svg", "summary_text", "variation_icon_svg", "xmr_chart_svg"]

Label = date | str
_LIMIT_DASH: Final = ' stroke-dasharray="6 4"'
_TARGET_DASH: Final = ' stroke-dasharray="10 3 2 3"'
_REBASE_DASH: Final = ' stroke-dasharray="2 3"'
_LEGEND_ROW_HEIGHT: Final = 18
_LEGEND_FONT_SIZE: Final = 12
_EDGE: Final = 4
_POINT_ORDER: Final[tuple[PointType, ...]] = (
    "common_cause",
    "special_cause_improvement",
    "special_cause_concern",
    "special_cause_neutral_high",
    "special_cause_neutral_low",
)


@dataclass(frozen=True, slots=True)
class _Frame:
    """The plot area in pixels and the value range it shows."""

    left: float
    top: float
    right: float
    bottom: float
    low: float
    high: float
    count: int

    def x(self, index: int) -> float:
        inset = 8.0
        span = self.right - self.left - 2 * inset
        return self.left + inset + span * index / max(1, self.count - 1)

    def y(self, value: float) -> float:
        return self.bottom - (value - self.low) / (self.high - self.low) * (self.bottom - self.top)


@dataclass(frozen=True, slots=True)
class _LegendEntry:
    row: int
    x: float
    name: str
    point_type: PointType | None
    line_style: tuple[str, str] | None  # (stroke colour, dash attribute)


def xmr_chart_svg(
    chart: XmrChart,
    labels: Sequence[Label] | None = None,
    *,
    chart_id: str,
    title: str,
    width: int = 720,
    height: int = 360,
    notes: Mapping[int, str] | None = None,
) -> Markup:
    """An inline, accessible ``<svg>`` of the chart; ``labels`` (dates or text) name the points;
    ``notes`` annotate points by index (the reason a new period starts there)."""
    chart_id = checked_svg_id(chart_id)
    label_texts = _label_texts(chart, labels)
    legend = _legend(chart, width)
    legend_height = _LEGEND_ROW_HEIGHT * (1 + legend[-1].row) + 8
    plot_top = 12 + legend_height
    ticks = nice_ticks(*_value_range(chart), max_ticks=max(3, (height - plot_top - 30) // 45))
    left = max(len(format_number(tick)) for tick in ticks) * CHAR_WIDTH + 14
    frame = _Frame(left, plot_top, width - 16, height - 30, ticks[0], ticks[-1], len(chart.points))

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="spc-chart" id="{chart_id}" '
        f'viewBox="0 0 {int(width)} {int(height)}" width="{int(width)}" height="{int(height)}" '
        f'role="img" aria-labelledby="{chart_id}-title" aria-describedby="{chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(summary_text(chart, labels))}</desc>',
        f'<rect width="{int(width)}" height="{int(height)}" fill="#ffffff"/>',
        _axes(frame, ticks, label_texts, width),
        _period_lines(chart, frame),
        _data(chart, frame, label_texts),
        _notes(notes or {}, frame),
        _legend_markup(legend),
        "</svg>",
    ]
    # Every piece of outside text was escaped as its part was built.
    return Markup("".join(parts))  # noqa: S704


def _notes(notes: Mapping[int, str], frame: _Frame) -> str:
    """Short labels beside the points they name, at the top of the plot; a long reason is cut
    (the page lists it in full)."""
    parts = ['<g class="spc-notes">']
    for row, (index, note) in enumerate(sorted(notes.items())):
        if not 0 <= index < frame.count:
            continue
        short = note if len(note) <= 40 else note[:39] + "\u2026"
        y = frame.top + 12 + (row % 3) * 13
        parts.append(text(frame.x(index) + 4, y, short, size=10, extra=' class="spc-note"'))
    parts.append("</g>")
    return "".join(parts)


def summary_text(chart: XmrChart, labels: Sequence[Label] | None = None) -> str:
    """One sentence: the latest value, mean, limits, and what the variation and target mean."""
    label_texts = _label_texts(chart, labels) if labels is not None else None
    latest = chart.latest
    value = format_number(latest.value if latest.value is not None else latest.mean)
    when = f", on {label_texts[latest.index]}," if label_texts is not None else ""
    sentence = f"The latest value{when} is {value}, against a mean of {format_number(latest.mean)}"
    if latest.lpl is not None and latest.upl is not None:
        sentence += (
            f" and process limits of {format_number(latest.lpl)} to {format_number(latest.upl)}"
        )
    else:
        sentence += "; process limits could not be calculated as there is not enough variation"
    sentence += "; " + _lower_first(VARIATION_ICON_TITLES[chart.variation_icon])
    if latest.rule and latest.rule != COMMON_CAUSE_RULE:
        sentence += f" (the latest point is {_rule_in_words(latest.rule, chart)})"
    if chart.target is not None:
        target = format_number(chart.target)
        if chart.assurance_icon is None:
            sentence += f"; the target is {target}"
        else:
            assurance = ASSURANCE_ICON_TITLES[chart.assurance_icon]
            sentence += f"; {_lower_first(assurance)} of {target}"
    return sentence + "."


def _lower_first(words: str) -> str:
    return words[:1].lower() + words[1:]


def _rule_in_words(rule: str, chart: XmrChart) -> str:
    upper_or_lower = "upper" if "Above" in rule else "lower"
    if rule.endswith("UCL") or rule.endswith("LCL"):
        return f"{'above' if 'Above' in rule else 'below'} the {upper_or_lower} process limit"
    if "Trend" in rule:
        rising = "rising" if "Increasing" in rule else "falling"
        return f"part of a run of {chart.trend_length} or more {rising} points"
    if rule.startswith("2 in 3"):
        return f"one of 2 in 3 points close to the {upper_or_lower} process limit"
    side = "above" if "Above" in rule else "below"
    return f"part of a run of {chart.run_length} or more points {side} the mean"


def _label_texts(chart: XmrChart, labels: Sequence[Label] | None) -> list[str]:
    if labels is None:
        return [str(point.index + 1) for point in chart.points]
    if isinstance(labels, str) or len(labels) != len(chart.points):
        raise ValueError(f"Expected {len(chart.points)} labels, one for each point.")
    return [format_label(label) for label in labels]


def _value_range(chart: XmrChart) -> tuple[float, float]:
    seen = [point.value for point in chart.points if point.value is not None]
    for period in chart.periods:
        seen.append(period.mean)
        seen.extend(limit for limit in (period.lpl, period.upl) if limit is not None)
    if chart.target is not None:
        seen.append(chart.target)
    low, high = min(seen), max(seen)
    padding = (high - low) * 0.05
    return low - padding, high + padding


def _axes(frame: _Frame, ticks: list[float], label_texts: list[str], width: int) -> str:
    parts = ['<g class="spc-axes" aria-hidden="true">']
    for tick in ticks:
        y = frame.y(tick)
        parts.append(line(frame.left, y, frame.right, y, css_class="spc-grid", stroke=GRID))
        parts.append(text(frame.left - 6, y + 4, format_number(tick), anchor="end"))
    parts.append(
        line(frame.left, frame.bottom, frame.right, frame.bottom, css_class="spc-x", stroke=INK)
    )
    centres = [frame.x(index) for index in range(len(label_texts))]
    # Labels may reach under the y-axis labels: that corner of the chart is empty.
    for index, centre in spaced_labels(label_texts, centres, _EDGE, width - _EDGE):
        parts.append(
            text(
                centre,
                frame.bottom + 16,
                label_texts[index],
                anchor="middle",
                extra=' class="spc-xl"',
            )
        )
    parts.append("</g>")
    return "".join(parts)


def _period_lines(chart: XmrChart, frame: _Frame) -> str:
    parts = ['<g class="spc-lines" fill="none" stroke-width="1.5">']
    for period in chart.periods:
        x1, x2 = frame.x(period.start), frame.x(period.stop - 1)
        if period.start > 0:
            gap = (frame.x(period.start - 1) + x1) / 2
            parts.append(
                line(
                    gap,
                    frame.top,
                    gap,
                    frame.bottom,
                    css_class="spc-rebase",
                    stroke=INK,
                    extra=f'{_REBASE_DASH} stroke-width="1"',
                )
            )
        mean_y = frame.y(period.mean)
        parts.append(line(x1, mean_y, x2, mean_y, css_class="spc-mean", stroke=INK))
        for limit in (period.lpl, period.upl):
            if limit is not None:
                y = frame.y(limit)
                parts.append(
                    line(x1, y, x2, y, css_class="spc-limit", stroke=LIMIT_INK, extra=_LIMIT_DASH)
                )
    if chart.target is not None:
        y = frame.y(chart.target)
        parts.append(
            line(
                frame.x(0),
                y,
                frame.x(len(chart.points) - 1),
                y,
                css_class="spc-target",
                stroke=TARGET_RED,
                extra=_TARGET_DASH,
            )
        )
    parts.append("</g>")
    return "".join(parts)


def _data(chart: XmrChart, frame: _Frame, label_texts: list[str]) -> str:
    segments: list[str] = []
    previous: XmrPoint | None = None
    for point in chart.points:
        if point.value is not None:
            command = "L" if previous is not None and previous.value is not None else "M"
            x, y = coordinate(frame.x(point.index)), coordinate(frame.y(point.value))
            segments.append(f"{command}{x} {y}")
        previous = point
    markers = [
        marker(
            point.point_type,
            frame.x(point.index),
            frame.y(point.value),
            _tooltip(point, label_texts[point.index]),
        )
        for point in chart.points
        if point.value is not None
    ]
    return (
        f'<path class="spc-data" d="{" ".join(segments)}" fill="none" stroke="{GREY}" '
        f'stroke-width="1.5"/><g class="spc-points">{"".join(markers)}</g>'
    )


def _tooltip(point: XmrPoint, label: str) -> str:
    value = format_number(point.value if point.value is not None else point.mean)
    meaning = POINT_NAMES.get(point.point_type, "")
    if point.rule and point.rule != COMMON_CAUSE_RULE:
        meaning += f" ({point.rule})"
    return f"{label}: {value}. {meaning}"


def _legend(chart: XmrChart, width: int) -> list[_LegendEntry]:
    present = {point.point_type for point in chart.points}
    items: list[tuple[str, PointType | None, tuple[str, str] | None]] = [
        (POINT_NAMES[kind], kind, None) for kind in _POINT_ORDER if kind in present
    ]
    items.append(("Mean", None, (INK, "")))
    if any(period.has_limits for period in chart.periods):
        items.append(("Process limits", None, (LIMIT_INK, _LIMIT_DASH)))
    if chart.target is not None:
        items.append(("Target", None, (TARGET_RED, _TARGET_DASH)))
    if len(chart.periods) > 1:
        items.append(("New period", None, (INK, _REBASE_DASH)))
    entries: list[_LegendEntry] = []
    row, x = 0, 16.0
    for name, point_type, line_style in items:
        entry_width = 30 + len(name) * CHAR_WIDTH * _LEGEND_FONT_SIZE / 11 + 14
        if x + entry_width > width - 16 and x > 16:
            row, x = row + 1, 16.0
        entries.append(_LegendEntry(row, x, name, point_type, line_style))
        x += entry_width
    return entries


def _legend_markup(entries: list[_LegendEntry]) -> str:
    parts = ['<g class="spc-legend" aria-hidden="true">']
    for entry in entries:
        x, y = entry.x, 14 + entry.row * _LEGEND_ROW_HEIGHT
        if entry.point_type is not None:
            point_marker = marker(entry.point_type, x + 12, y, entry.name)
            parts.append(point_marker.replace('class="spc-point ', 'class="spc-legend-point '))
        elif entry.line_style is not None:
            stroke, dash = entry.line_style
            parts.append(
                line(
                    x,
                    y,
                    x + 24,
                    y,
                    css_class="spc-legend-line",
                    stroke=stroke,
                    extra=f'{dash} stroke-width="1.5"',
                )
            )
        parts.append(text(x + 30, y + 4, entry.name, size=_LEGEND_FONT_SIZE))
    parts.append("</g>")
    return "".join(parts)
