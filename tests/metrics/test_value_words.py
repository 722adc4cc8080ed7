"""A metric's latest value and mean as the summary says them: one of a thing is singular."""

from __future__ import annotations

import pytest

from engage.metrics.registry import METRICS, metric_named
from engage.metrics.view_services import ONE_OF, _value_text


@pytest.mark.parametrize(
    ("metric", "value", "said"),
    [
        ("concerns", 1.0, "1 concern"),
        ("concerns", 0.0, "0 concerns"),
        ("concerns", 2.0, "2 concerns"),
        ("concerns", 1.5, "1.5 concerns"),
        ("ideas", 1.0, "1 idea"),
        ("decided_within_target", 1.0, "1%"),
        ("submissions_per_100_staff", 1.0, "1 per 100 staff"),
        ("concerns", None, "No value"),
    ],
)
def test_values_are_said_as_a_reader_would(metric: str, value: float | None, said: str) -> None:
    assert _value_text(metric_named(metric), value) == said


def test_every_unit_counted_in_whole_things_has_its_singular() -> None:
    plural = {m.unit for m in METRICS if m.unit.endswith("s") and m.unit != "%"}
    assert plural <= ONE_OF.keys()
