"""Hypothesis strategies for hostile form posts and CSV files (issue 12): odd Unicode,
control characters, very long values, wrong types, missing and duplicated fields.

The budget is per target: FUZZ_EXAMPLES (default small, for CI); `make fuzz` raises it so
that all targets together try 100,000 inputs, and the count is printed at the end."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))
TRIED = {"inputs": 0}

FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,  # no example store in the worktree; failures print their reproduction
    derandomize=EXAMPLES <= 50,  # CI: the same fixed inputs every run
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

# Anything the browser can send as UTF-8 (lone surrogates cannot be encoded at all).
odd_text = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=120)
control_text = st.text(
    alphabet=st.characters(max_codepoint=31)
    | st.sampled_from("\x7f\u0085\u200b\u200e\u202e\u2028\u2066\ufeff\ufffd\U000e0001"),
    max_size=30,
)
long_text = st.builds(lambda seed, times: (seed or "x") * times, odd_text, st.integers(500, 12_000))
wrong_types = st.one_of(
    st.sampled_from(
        [
            "-1",
            "0",
            "99999999999999999999999",
            "1e999",
            "NaN",
            "None",
            "null",
            "[]",
            "{}",
            "true",
            "2026-02-30",
            "0x1F",
            " ",
            "31/12/2026",
            "١٢٣",
        ]
    ),
    st.integers().map(str),
    st.floats().map(str),
)
hostile_value = st.one_of(odd_text, control_text, long_text, wrong_types)

KEEP, DROP = "keep", "drop"


def _field_choice(valid: str) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.just(KEEP),
        st.just(DROP),  # a missing field
        hostile_value,
        st.lists(st.one_of(st.just(valid), hostile_value), min_size=2, max_size=3),  # repeated
    )


@st.composite
def form_posts(draw: st.DrawFn, valid: Mapping[str, str]) -> list[tuple[str, str]]:
    """A form post near a valid one: each field kept, dropped, replaced or repeated, and
    sometimes a field the form does not have."""
    pairs: list[tuple[str, str]] = []
    for name, value in valid.items():
        choice = draw(_field_choice(value))
        if choice == KEEP:
            pairs.append((name, value))
        elif choice == DROP:
            continue
        elif isinstance(choice, list):
            pairs.extend((name, item) for item in choice)
        else:
            pairs.append((name, choice))
    if draw(st.booleans()):
        pairs.append(
            (draw(st.sampled_from(["id", "user_id", "csrf_token", "x" * 300])), draw(hostile_value))
        )
    return pairs


@st.composite
def csv_files(draw: st.DrawFn, header: list[str]) -> bytes:
    """A CSV file near a valid one: headers missing, repeated or odd; cells hostile; lines
    ragged; sometimes not UTF-8 at all."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=2_000))
    columns = [c for c in header if draw(st.integers(0, 5))]  # a column sometimes missing
    if draw(st.booleans()) and columns:
        columns.append(draw(st.sampled_from(columns)))  # a duplicated column
    if draw(st.integers(0, 4)) == 0:
        columns.append(draw(odd_text))
    cell = st.one_of(
        st.sampled_from(["Ward 1", "Medicine", "40", "Staff", "a@test.nhs.uk"]), hostile_value
    )
    rows = draw(st.lists(st.lists(cell, min_size=0, max_size=len(columns) + 2), max_size=8))
    quote = lambda text: '"' + text.replace('"', '""') + '"'  # noqa: E731
    lines = [",".join(quote(c) for c in columns)] + [
        ",".join(quote(c) for c in row) for row in rows
    ]
    ending = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
    return ending.join(lines).encode(encoding, "replace")
