"""The small-number rule is written once (engage/small_numbers.py) and read from the setting:
its boundary at several thresholds in each place that hides counts, and no other module
keeping a threshold or the "fewer than" wording of its own."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from flask import Flask

from engage import small_numbers
from engage.digests.content import small
from engage.metrics.registry import METRICS_BY_NAME
from engage.metrics.series import Period, is_small

ENGAGE = Path(__file__).resolve().parent.parent / "engage"
RULE = ENGAGE / "small_numbers.py"


@pytest.fixture(params=[3, 5, 10])
def threshold(
    app: Flask, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[int]:
    monkeypatch.setitem(app.config, "SMALL_NUMBER_THRESHOLD", request.param)
    with app.app_context():
        yield request.param


def test_the_guardians_breakdowns_hide_every_count_under_the_threshold(threshold: int) -> None:
    words = f"fewer than {threshold}"
    assert small_numbers.fewer_than() == words
    assert small_numbers.shown(threshold) == str(threshold)
    assert small_numbers.shown(threshold - 1) == words
    assert small_numbers.shown(0) == words, "an empty cell looks like a small one"


def test_a_digest_says_none_for_a_zero_and_hides_the_rest(threshold: int) -> None:
    assert small(threshold) == str(threshold)
    assert small(threshold - 1) == small(1) == f"fewer than {threshold}"
    assert small(0) == "none"


def test_a_units_metric_period_is_small_under_the_threshold_but_not_at_zero(
    threshold: int,
) -> None:
    def period(numerator: int, denominator: int | None = None) -> Period:
        return Period(date(2026, 1, 5), numerator, denominator, float(numerator))

    count, rate = METRICS_BY_NAME["submissions"], METRICS_BY_NAME["anonymous_share"]
    assert not is_small(count, period(threshold))
    assert is_small(count, period(threshold - 1)) and is_small(count, period(1))
    assert not is_small(count, period(0)), "a zero identifies nobody and is charted"
    assert is_small(rate, period(threshold, threshold - 1)), "the denominator counts too"
    assert not is_small(rate, period(0, threshold))


def _code_strings(path: Path) -> Iterator[str]:
    """The module's string constants, docstrings left out (they may give an example)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
        ):
            yield node.value


def test_only_the_rule_reads_the_setting_or_writes_a_threshold_into_its_wording() -> None:
    found = []
    for path in sorted(ENGAGE.rglob("*.py")):
        if path == RULE:
            continue
        for text in _code_strings(path):
            if text == "SMALL_NUMBER_THRESHOLD" or re.search(r"fewer than \d", text):
                found.append(f"{path.relative_to(ENGAGE.parent)}: {text!r}")
    assert not found, "use engage.small_numbers instead:\n" + "\n".join(found)
