"""Small numbers, the one rule: a count under SMALL_NUMBER_THRESHOLD (config.py, 5 unless set)
could point to a person in a small team, so it is shown as "fewer than 5", never as itself.

Every place that hides counts asks this module, so the threshold and the wording cannot drift
apart: the guardian's breakdowns (a zero is hidden too, so an empty cell looks like a small
one), digests (a zero reads "none", see engage/digests/content.py) and a unit's metrics (a
zero is shown and charted, as it identifies nobody: see engage/metrics/series.py). The
national return carries true counts (engage/guardian/returns.py). It sits below the domain
packages and imports none of them, so metrics and digests use it without importing guardian.
"""

from __future__ import annotations

from flask import current_app


def threshold() -> int:
    """The smallest count that may be shown as itself."""
    return int(current_app.config["SMALL_NUMBER_THRESHOLD"])


def is_small(count: int, *, under: int | None = None) -> bool:
    """Whether `count` must be hidden: it is under the threshold (0 included). A caller asking
    about many counts passes `under=threshold()`, read once, as reading the setting costs
    more than the comparison."""
    return count < (threshold() if under is None else under)


def fewer_than() -> str:
    """The words shown instead of a small count: "fewer than 5"."""
    return f"fewer than {threshold()}"


def shown(count: int) -> str:
    """The count as it may be shown: the number itself, or "fewer than 5"."""
    return fewer_than() if is_small(count) else str(count)
