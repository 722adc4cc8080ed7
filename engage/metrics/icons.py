"""Making Data Count variation and assurance icons, drawn here as small accessible SVGs.

They follow the MDC style (a ringed circle in grey, blue, orange or purple, a letter,
and a few dots or a target line) without copying NHS England's images.
"""

from __future__ import annotations

from typing import Final

from markupsafe import Markup, escape

from engage.metrics.chart_svg import BLUE, FONT, GREY, ORANGE, PURPLE, checked_svg_id, coordinate
from engage.metrics.spc import AssuranceIcon, VariationIcon

VARIATION_ICON_TITLES: Final[dict[VariationIcon, str]] = {
    "common_cause": "Common cause variation, with no significant change",
    "improvement_high": "Special cause variation of an improving nature where higher is better",
    "improvement_low": "Special cause variation of an improving nature where lower is better",
    "concern_high": "Special cause variation of a concerning nature: high values where lower "
    "is better",
    "concern_low": "Special cause variation of a concerning nature: low values where higher "
    "is better",
    "neutral_high": "Special cause variation of a neutral nature: values are higher than expected",
    "neutral_low": "Special cause variation of a neutral nature: values are lower than expected",
}
ASSURANCE_ICON_TITLES: Final[dict[AssuranceIcon, str]] = {
    "consistent_pass": "Variation indicates consistently passing the target",
    "consistent_fail": "Variation indicates consistently failing the target",
    "inconsistent": "Variation indicates inconsistently passing and failing the target",
}

# Heights of the seven dots on the icon's 0-100 canvas (SVG y grows downwards).
_LEVEL: Final = (62, 56, 64, 58, 62, 57, 63)
_RISING: Final = (70, 66, 70, 65, 59, 54, 49)
_FALLING: Final = (52, 56, 52, 57, 62, 66, 70)
# name: (ring colour, letter, dot heights)
_VARIATION_STYLE: Final[dict[VariationIcon, tuple[str, str, tuple[int, ...]]]] = {
    "common_cause": (GREY, "", _LEVEL),
    "improvement_high": (BLUE, "H", _RISING),
    "improvement_low": (BLUE, "L", _FALLING),
    "concern_high": (ORANGE, "H", _RISING),
    "concern_low": (ORANGE, "L", _FALLING),
    "neutral_high": (PURPLE, "H", _RISING),
    "neutral_low": (PURPLE, "L", _FALLING),
}
_ASSURANCE_STYLE: Final[dict[AssuranceIcon, tuple[str, str]]] = {
    "consistent_pass": (BLUE, "P"),
    "consistent_fail": (ORANGE, "F"),
    "inconsistent": (GREY, "?"),
}
# Points after this many dots are the special-cause ones, drawn in the ring colour.
_ORDINARY_DOTS: Final = 4


def variation_icon_svg(name: str, *, icon_id: str | None = None, size: int = 48) -> Markup:
    """The variation icon for an :attr:`XmrChart.variation_icon` value.

    Pass a distinct ``icon_id`` when the same icon appears more than once on a page.
    """
    if name not in _VARIATION_STYLE:
        raise ValueError(f"Unknown variation icon {name!r}.")
    variation = _variation_name(name)
    colour, letter, heights = _VARIATION_STYLE[variation]
    dots = []
    for position, height in enumerate(heights):
        special = bool(letter) and position >= _ORDINARY_DOTS
        dots.append(
            f'<circle cx="{coordinate(25 + position * 8.33)}" cy="{height}" r="4.5" '
            f'fill="{colour if special else GREY}"/>'
        )
    return _icon(
        icon_id or f"spc-variation-{variation}",
        VARIATION_ICON_TITLES[variation],
        colour,
        letter,
        "".join(dots),
        size,
        letter_y=40,
    )


def assurance_icon_svg(name: str, *, icon_id: str | None = None, size: int = 48) -> Markup:
    """The assurance icon for an :attr:`XmrChart.assurance_icon` value."""
    if name not in _ASSURANCE_STYLE:
        raise ValueError(f"Unknown assurance icon {name!r}.")
    assurance = _assurance_name(name)
    colour, letter = _ASSURANCE_STYLE[assurance]
    target_line = f'<line x1="24" y1="74" x2="76" y2="74" stroke="{colour}" stroke-width="5"/>'
    return _icon(
        icon_id or f"spc-assurance-{assurance}",
        ASSURANCE_ICON_TITLES[assurance],
        colour,
        letter,
        target_line,
        size,
        letter_y=60,
    )


def _variation_name(name: str) -> VariationIcon:
    return next(known for known in _VARIATION_STYLE if known == name)


def _assurance_name(name: str) -> AssuranceIcon:
    return next(known for known in _ASSURANCE_STYLE if known == name)


def _icon(
    icon_id: str,
    title: str,
    colour: str,
    letter: str,
    drawing: str,
    size: int,
    *,
    letter_y: int,
) -> Markup:
    title_id = f"{checked_svg_id(icon_id)}-title"
    letter_text = (
        f'<text x="50" y="{letter_y}" text-anchor="middle" font-family="{FONT}" '
        f'font-size="30" font-weight="bold" fill="{colour}">{escape(letter)}</text>'
        if letter
        else ""
    )
    # The title is escaped; everything else comes from this module's own tables.
    return Markup(  # noqa: S704
        f'<svg xmlns="http://www.w3.org/2000/svg" class="spc-icon" viewBox="0 0 100 100" '
        f'width="{int(size)}" height="{int(size)}" role="img" aria-labelledby="{title_id}">'
        f'<title id="{title_id}">{escape(title)}</title>'
        f'<circle cx="50" cy="50" r="44" fill="#ffffff" stroke="{colour}" stroke-width="8"/>'
        f"{letter_text}{drawing}</svg>"
    )
