"""Small numbers: a count below the threshold for a unit, a unit and theme, a worker group or
an answer is shown as "fewer than 5", on pages and in exports alike, so that nobody in a small
team can be picked out. The national return itself carries true counts (see returns.py)."""

from __future__ import annotations

from flask import current_app

FEWER_THAN = "fewer than {threshold}"


def threshold() -> int:
    return int(current_app.config["SMALL_NUMBER_THRESHOLD"])


def is_suppressed(count: int) -> bool:
    return count < threshold()


def shown(count: int) -> str:
    """The count as it may be shown: the number itself, or "fewer than 5"."""
    return FEWER_THAN.format(threshold=threshold()) if is_suppressed(count) else str(count)
