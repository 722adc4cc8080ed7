"""Precision at 3 of similar-idea matching on the labelled set in similar_pairs.py, on each
database. The figure is printed (`pytest -s`) and recorded in README.md."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from engage.accounts.models import User
from engage.extensions import db
from engage.submissions import queries
from tests.factories.accounts import make_user
from tests.factories.organisation import make_unit
from tests.factories.submissions import make_submission
from tests.submissions.similar_pairs import IDEAS, QUERIES, UNMATCHED

PRECISION_FLOOR = 0.8


@dataclass(frozen=True)
class Labelled:
    viewer: User
    keys: dict[int, str]  # submission id: its key in IDEAS

    def suggested(self, typed: str, limit: int = 5) -> list[str]:
        return [self.keys[s.id] for s in queries.similar_ideas(self.viewer, typed, limit)]


@pytest.fixture
def labelled(db_session: object) -> Labelled:
    ward = make_unit()
    raiser = make_user(unit=ward)
    keys = {}
    for key, (title, description) in IDEAS.items():
        keys[make_submission(raiser, title=title, description=description).id] = key
    db.session.commit()
    return Labelled(make_user(unit=ward), keys)


def test_precision_at_3_on_the_labelled_set(labelled: Labelled) -> None:
    scores = []
    misses = []
    for typed, duplicates in QUERIES:
        top = labelled.suggested(typed, limit=3)
        scores.append(len(duplicates.intersection(top)) / 3)
        if scores[-1] < 1:
            misses.append(f"{typed!r}: {top}")
    precision = sum(scores) / len(scores)
    engine = db.session.get_bind().dialect.name
    print(f"\nprecision@3 on {engine}: {precision:.3f}", *misses, sep="\n  ")
    assert precision >= PRECISION_FLOOR


def test_hand_gel_never_suggests_the_handover_template(labelled: Labelled) -> None:
    found = labelled.suggested("Hand gel dispensers")
    assert set(found[:3]) == {"gel-bedside", "gel-refill", "gel-pocket"}
    for lookalike in ("handover-template", "handheld", "handbook", "gelato"):
        assert lookalike not in found


def test_a_misspelt_word_still_finds_its_duplicates(labelled: Labelled) -> None:
    assert set(labelled.suggested("dispensors", limit=3)) == {"gel-bedside", "gel-refill"}


def test_ideas_without_a_duplicate_get_no_suggestion(labelled: Labelled) -> None:
    for typed in UNMATCHED:
        assert labelled.suggested(typed) == [], typed
