"""The engagement metrics: the one list of what is measured, how, and which way is better.

The snapshot job (engage.metrics.snapshots) computes every metric here per unit, directorate
and trust for each ISO week (Monday to Sunday, Europe/London); the metrics view reads the
titles, units and improvement directions from here. Each metric says which date places an
item in a week, so a week's figure is final soon after the week ends and the job's 8-week
recompute absorbs late changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from engage.metrics.spc import Improvement


class Computation(StrEnum):
    # numerator = a count of items; no denominator; value = the count.
    COUNT = "count"
    # value = numerator / denominator * scale (None when the denominator is 0).
    RATIO = "ratio"
    # value = the median of the item values kept in the snapshot's distribution.
    MEDIAN = "median"


@dataclass(frozen=True)
class Metric:
    name: str
    title: str
    # The unit of measure, as a reader would say it after the number.
    unit: str
    improvement: Improvement
    computation: Computation
    # What is counted (or, for medians, measured), in plain words.
    numerator: str
    denominator: str | None
    # Which date places an item in a week.
    week_of: str
    # 100 for percentages and rates per 100 staff.
    scale: int = 1
    # One series per theme (snapshots carry the theme id).
    by_theme: bool = False
    # The denominator is the staff headcount of the unit, directorate or trust.
    per_staff: bool = False
    # The numerator counts distinct people: a directorate's is not the sum of its units'
    # (the snapshots store each level's own), and weeks cannot be added for a longer period
    # (one person submitting in two weeks would count twice).
    distinct_people: bool = False

    def value(self, numerator: int | None, denominator: int | None) -> float | None:
        if self.computation is Computation.COUNT:
            return None if numerator is None else float(numerator)
        if self.computation is Computation.RATIO:
            if numerator is None or not denominator:
                return None
            return numerator * self.scale / denominator
        raise ValueError(f"{self.name} is a median: use median_of(distribution)")


def median_of(distribution: Mapping[str, int] | Mapping[int, int]) -> float | None:
    """The median of the values described by {value: how many}; None when there are none."""
    items = sorted((float(value), count) for value, count in distribution.items() if count > 0)
    total = sum(count for _, count in items)
    if total == 0:
        return None
    # The lower and upper middle positions (equal when the total is odd), 0-based.
    wanted = ((total - 1) // 2, total // 2)
    found: list[float] = []
    seen = 0
    for value, count in items:
        while len(found) < 2 and seen + count > wanted[len(found)]:
            found.append(value)
        seen += count
    return (found[0] + found[1]) / 2


SUBMITTED_WEEK = "the day it was submitted"
PER_100 = "per 100 staff"

METRICS: tuple[Metric, ...] = (
    Metric(
        "submissions",
        "Ideas and concerns submitted",
        "submissions",
        "increase",
        Computation.COUNT,
        "ideas and concerns submitted, including anonymous, merged and hidden ones",
        None,
        SUBMITTED_WEEK,
    ),
    Metric(
        "ideas",
        "Ideas submitted",
        "ideas",
        "increase",
        Computation.COUNT,
        "ideas submitted, including anonymous, merged and hidden ones",
        None,
        SUBMITTED_WEEK,
    ),
    Metric(
        "concerns",
        "Concerns raised",
        "concerns",
        "neutral",
        Computation.COUNT,
        "concerns raised, including anonymous ones",
        None,
        SUBMITTED_WEEK,
    ),
    Metric(
        "submissions_per_100_staff",
        "Submissions per 100 staff",
        PER_100,
        "increase",
        Computation.RATIO,
        "ideas and concerns submitted",
        "staff headcount (as it was when the week was computed)",
        SUBMITTED_WEEK,
        scale=100,
        per_staff=True,
    ),
    Metric(
        "participation",
        "Staff taking part",
        PER_100,
        "increase",
        Computation.RATIO,
        "distinct people who submitted with their name known (openly or confidentially); "
        "anonymous submissions are counted apart, in the anonymous share",
        "staff headcount (as it was when the week was computed)",
        SUBMITTED_WEEK,
        scale=100,
        per_staff=True,
        distinct_people=True,
    ),
    Metric(
        "anonymous_share",
        "Anonymous share",
        "%",
        "decrease",
        Computation.RATIO,
        "ideas and concerns submitted anonymously",
        "ideas and concerns submitted",
        SUBMITTED_WEEK,
        scale=100,
    ),
    Metric(
        "acknowledged_within_target",
        "Acknowledged within target",
        "%",
        "increase",
        Computation.RATIO,
        "of those, the ones acknowledged on or before their due day",
        "ideas and concerns whose acknowledgement fell due (the configured working days "
        "after submission), whether or not acknowledged since",
        "the day its acknowledgement fell due",
        scale=100,
    ),
    Metric(
        "decided_within_target",
        "Decided within target",
        "%",
        "increase",
        Computation.RATIO,
        "of those, the ones decided (or closed, or merged) on or before their due day",
        "ideas and concerns whose decision fell due (the configured days after submission), "
        "whether or not decided since",
        "the day its decision fell due",
        scale=100,
    ),
    Metric(
        "median_working_days_to_acknowledge",
        "Median working days to acknowledge",
        "working days",
        "decrease",
        Computation.MEDIAN,
        "working days (England and Wales) from submission to acknowledgement",
        "ideas and concerns acknowledged",
        "the day it was acknowledged",
    ),
    Metric(
        "median_days_to_decision",
        "Median days to decision",
        "days",
        "decrease",
        Computation.MEDIAN,
        "days from submission to the decision (or to closing or merging, without one)",
        "ideas and concerns decided",
        "the day it was decided",
    ),
    Metric(
        "ideas_adopted",
        "Ideas adopted",
        "ideas",
        "increase",
        Computation.COUNT,
        "ideas decided as adopt, adapt or pilot",
        None,
        "the day it was decided",
    ),
    Metric(
        "actions_completed_on_time",
        "Actions completed on time",
        "%",
        "increase",
        Computation.RATIO,
        "of those, the ones done on or before their due day",
        "actions due (not dropped; a parent action only through its steps)",
        "the day the action was due",
        scale=100,
    ),
    Metric(
        "published",
        '"You said, we did" entries published',
        "entries",
        "increase",
        Computation.COUNT,
        '"you said, we did" entries published on the board',
        None,
        "the day it was published",
    ),
    Metric(
        "concerns_by_theme",
        "Concerns by theme",
        "concerns",
        "neutral",
        Computation.COUNT,
        "concerns raised, by theme",
        None,
        SUBMITTED_WEEK,
        by_theme=True,
    ),
    Metric(
        "patient_safety_concerns",
        "Patient-safety concerns",
        "concerns",
        "neutral",
        Computation.COUNT,
        "concerns raised that the person marked as about patient safety",
        None,
        SUBMITTED_WEEK,
    ),
)

METRICS_BY_NAME: Mapping[str, Metric] = {metric.name: metric for metric in METRICS}


def metric_named(name: str) -> Metric:
    try:
        return METRICS_BY_NAME[name]
    except KeyError:
        raise KeyError(f"no metric named {name!r}") from None
