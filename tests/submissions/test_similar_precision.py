"""Precision at 3 of similar-idea matching on the labelled set in similar_pairs.py, on each
database. The figure is printed (`pytest -s`) and recorded in README.md."""

from __future__ import annotations

import pytest

from engage.extensions import db
from engage.submissions import queries
from tests.factories.accounts import make_user
from tests.factories.organisation import make_unit
from tests.submissions.similar_pairs import IDEAS, QUERIES, UNMATCHED
from tests.factories.submissions import make_submission

PRECISION_FLOOR = 0.8


@pytest.fixture
def labelled() -> tuple[object, dict[int, str]]:
    ward = make_unit()
    raiser = make_user(unit=ward)
    keys = {}
    for key, (title, description) in IDEAS.items():
        keys[make_submission(raiser, title=title, description=description).id] = key
    db.session.commit()
    return make_user(unit=ward), keys


@pytest.mark.usefixtures("db_session")
def test_precision_at_3_on_the_labelled_set(labelled: tuple[object, dict[int, str]]) -> None:
    viewer, keys = labelled
    scores = []
    misses = []
    for typed, duplicates in QUERIES:
        top = [keys[s.id] for s in queries.similar_ideas(viewer, typed, limit=3)]  # type: ignore[arg-type]
        scores.append(len(duplicates.intersection(top)) / 3)
        if scores[-1] < 1:
            misses.append(f"{typed!r}: {top}")
    precision = sum(scores) / len(scores)
    print(f"\nprecision@3 on {db.session.get_bind().dialect.name}: {precision:.3f}", *misses, sep="\n  ")
    assert precision >= PRECISION_FLOOR


@pytest.mark.usefixtures("db_session")
def test_hand_gel_never_suggests_the_handover_template(
    labelled: tuple[object, dict[int, str]],
) -> None:
    viewer, keys = labelled
    found = [keys[s.id] for s in queries.similar_ideas(viewer, "Hand gel dispensers")]  # type: ignore[arg-type]
    assert set(found[:3]) == {"gel-bedside", "gel-refill", "gel-pocket"}
    assert "handover-template" not in found
    assert "handheld" not in found and "handbook" not in found


@pytest.mark.usefixtures("db_session")
def test_ideas_without_a_duplicate(labelled: tuple[object, dict[int, str]]) -> None:
    viewer, keys = labelled
    for typed in UNMATCHED:
        found = [keys[s.id] for s in queries.similar_ideas(viewer, typed)]  # type: ignore[arg-type]
        print(typed, found)
