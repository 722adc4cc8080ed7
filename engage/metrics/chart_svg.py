"""Small drawing helpers shared by the SPC chart and icon renderers.

Every function returns plain strings; text from outside is always passed through
:func:`markupsafe.escape` before it is placed in markup.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import date
from typing import Final

from markupsafe import escape

from engage.metrics.spc import PointType

GREY: Final = "#768692"
BLUE: Final = "#005eb8"
ORANGE: Final = "#ed8b00"
PURPLE: Final = "#330072"
INK: Final = "#212b32"
LIMIT_INK: Final = "#425563"
GRID: Final = "#d8dde0"
TARGET_RED: Final = "#d5281b"
FONT: Final = "Arial, Helvetica, sans-serif"
# Rough width of one character of 11px Arial, for laying out labels without a browser.
CHAR_WIDTH: Final = 6.5
LABEL_GAP: Final = 10

POINT_COLOURS: Final[dict[PointType, str]] = {
    "common_cause": GREY,
    "special_cause_improvement": BLUE,
    "special_cause_concern": ORANGE,
    "special_cause_neutral_high": PURPLE,
    "special_cause_neutral_low": PURPLE,
}
POINT_NAMES: Final[dict[PointType, str]] = {
    "common_cause": "Common cause",
    "special_cause_improvement": "Special cause: improvement",
    "special_cause_concern": "Special cause: concern",
    "special_cause_neutral_high": "Special cause: high",
    "special_cause_neutral_low": "Special cause: low",
}
# Spelt out rather than strftime("%b"), which follows the server's locale.
_MONTHS: Final = tuple("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split())
_SVG_ID: Final = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,63}")


def checked_svg_id(value: str) -> str:
    """Ids land in attributes and references, so allow only a safe, simple alphabet."""
    if not isinstance(value, str) or not _SVG_ID.fullmatch(value):
        raise ValueError(
            "An SVG id must start with a letter and contain only letters, digits, - and _ "
            "(at most 64 characters)."
        )
    return value


def coordinate(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def format_number(value: float) -> str:
    """A value as people read it: thousands separators and a few significant decimals."""
    magnitude = abs(value)
    if value == math.floor(value):
        decimals = 0
    elif magnitude >= 100:
        decimals = 1
    elif magnitude >= 1:
        decimals = 2
    else:
        decimals = min(10, 2 - math.floor(math.log10(magnitude)))
    text = f"{value:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def format_label(label: date | str) -> str:
    if isinstance(label, date):
        month = _MONTHS[label.month - 1]
        return f"{label.day} {month} {label.year}"
    return str(label)


def nice_ticks(low: float, high: float, max_ticks: int = 6) -> list[float]:
    """Round-numbered ticks (steps of 1, 2, 2.5 or 5 x 10^k) covering low..high."""
    if high < low:
        low, high = high, low
    # A span that is zero, or lost beside the values' size, gets a sensible window instead.
    if high - low <= max(abs(low), abs(high)) * 1e-9 or high - low < 1e-200:
        centre = (low + high) / 2
        spread = abs(centre) * 0.1 if abs(centre) > 1e-200 else 1.0
        low, high = centre - spread, centre + spread
    raw_step = (high - low) / max(1, max_ticks - 1)
    power = 10.0 ** math.floor(math.log10(raw_step))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw_step)
    first = math.floor(low / step)
    last = math.ceil(high / step)
    digits = max(0, 2 - math.floor(math.log10(step)))
    return [round(k * step, digits) for k in range(first, last + 1)]


def spaced_labels(
    texts: Sequence[str], centres: Sequence[float], left: float, right: float
) -> list[tuple[int, float]]:
    """(index, centre) of the labels to show: every k-th, kept within left..right, none
    overlapping another."""
    if not texts:
        return []
    widest = max(len(text) for text in texts) * CHAR_WIDTH + LABEL_GAP
    spacing = (centres[-1] - centres[0]) / max(1, len(texts) - 1)
    stride = max(1, math.ceil(widest / spacing)) if spacing > 0 else len(texts)
    shown: list[tuple[int, float]] = []
    previous_right_edge = -math.inf
    for index in range(0, len(texts), stride):
        half = len(texts[index]) * CHAR_WIDTH / 2
        centre = min(max(centres[index], left + half), right - half)
        if centre - half >= previous_right_edge + LABEL_GAP:
            shown.append((index, centre))
            previous_right_edge = centre + half
    return shown


def marker(point_type: PointType, x: float, y: float, tooltip: str, size: float = 4.5) -> str:
    """A data point; the shape as well as the colour tells the point types apart."""
    colour = POINT_COLOURS.get(point_type, GREY)
    common = (
        f'class="spc-point spc-point--{point_type}" fill="{colour}" '
        f'stroke="#ffffff" stroke-width="1"'
    )
    title = f"<title>{escape(tooltip)}</title>"
    if point_type == "special_cause_improvement":
        side = size * 1.7
        return (
            f'<rect {common} x="{coordinate(x - side / 2)}" y="{coordinate(y - side / 2)}" '
            f'width="{coordinate(side)}" height="{coordinate(side)}">{title}</rect>'
        )
    if point_type == "common_cause":
        return (
            f'<circle {common} cx="{coordinate(x)}" cy="{coordinate(y)}" '
            f'r="{coordinate(size * 0.85)}">{title}</circle>'
        )
    reach = size * 1.35
    if point_type == "special_cause_concern":
        corners = [(x, y - reach), (x + reach, y), (x, y + reach), (x - reach, y)]
    elif point_type == "special_cause_neutral_low":
        corners = [(x - reach, y - reach * 0.7), (x + reach, y - reach * 0.7), (x, y + reach)]
    else:
        corners = [(x - reach, y + reach * 0.7), (x + reach, y + reach * 0.7), (x, y - reach)]
    path = " ".join(f"{coordinate(cx)},{coordinate(cy)}" for cx, cy in corners)
    return f'<polygon {common} points="{path}">{title}</polygon>'


def line(
    x1: float, y1: float, x2: float, y2: float, *, css_class: str, stroke: str, extra: str = ""
) -> str:
    return (
        f'<line class="{css_class}" x1="{coordinate(x1)}" y1="{coordinate(y1)}" '
        f'x2="{coordinate(x2)}" y2="{coordinate(y2)}" stroke="{stroke}"{extra}/>'
    )


def text(
    x: float, y: float, content: str, *, anchor: str = "start", size: int = 11, extra: str = ""
) -> str:
    return (
        f'<text x="{coordinate(x)}" y="{coordinate(y)}" font-family="{FONT}" '
        f'font-size="{size}" fill="{INK}" text-anchor="{anchor}"{extra}>'
        f"{escape(content)}</text>"
    )
