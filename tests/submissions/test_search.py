"""The similar-ideas service, on each database's own full-text search."""

from __future__ import annotations

import pytest

from engage.extensions import db
from engage.submissions import queries, search
from engage.submissions.models import Kind, Status
from tests.factories.accounts import make_user
from tests.factories.organisation import make_unit
from tests.factories.submissions import make_submission


def test_terms_drop_syntax_and_stop_words() -> None:
    assert search.terms('The "parking" OR car-park NEAR(x) * 2024 and ÉQUIPE') == [
        "parking",
        "car",
        "park",
        "near",
        "équipe",
    ]


@pytest.mark.usefixtures("db_session")
def test_similar_ideas_rank_the_closest_first_and_respect_visibility() -> None:
    ward = make_unit()
    other_directorate = make_unit()
    raiser = make_user(unit=ward)
    best = make_submission(
        raiser, title="Staff parking at night", description="Parking for night shifts"
    )
    partial = make_submission(raiser, title="Bicycle parking", description="Covered racks")
    make_submission(raiser, title="Canteen opening hours", description="Hot food at night")
    make_submission(raiser, kind=Kind.CONCERN, title="Parking concern", description="Parking")
    make_submission(make_user(unit=other_directorate), title="Parking elsewhere")
    hidden = make_submission(raiser, title="Parking hidden")
    hidden.hidden_reason = "Duplicate"
    closed = make_submission(raiser, title="Parking closed")
    closed.status = Status.CLOSED.value
    db.session.commit()

    viewer = make_user(unit=ward)
    found = queries.similar_ideas(viewer, "night parking for staff")
    titles = [s.title for s in found]
    assert titles[0] == best.title
    assert partial.title in titles
    for excluded in ("Parking concern", "Parking elsewhere", "Parking hidden", "Parking closed"):
        assert excluded not in titles
    assert len(queries.similar_ideas(viewer, "parking", limit=1)) == 1


@pytest.mark.usefixtures("db_session")
def test_prefixes_match_while_typing_and_updates_are_indexed() -> None:
    raiser = make_user()
    idea = make_submission(raiser, title="Defibrillator checks")
    assert [s.id for s in queries.similar_ideas(raiser, "defib")] == [idea.id]
    idea.title = "Resuscitation trolley checks"
    db.session.commit()
    assert queries.similar_ideas(raiser, "defib") == []
    assert [s.id for s in queries.similar_ideas(raiser, "resusc")] == [idea.id]


@pytest.mark.usefixtures("db_session")
@pytest.mark.parametrize(
    "typed", ['"', "*", "OR", "NEAR(", "'; DROP TABLE submissions; --", "", "  ", "a" * 500]
)
def test_odd_input_never_breaks_search(typed: str) -> None:
    raiser = make_user()
    make_submission(raiser, title="Something")
    assert all(s.title == "Something" for s in queries.similar_ideas(raiser, typed))


@pytest.mark.usefixtures("db_session")
def test_matches_the_viewer_cannot_see_never_crowd_out_the_ones_they_can() -> None:
    raiser = make_user()
    # More, and better-matching, concerns than a search would look at before filtering.
    for number in range(205):
        make_submission(
            raiser,
            kind=Kind.CONCERN,
            title=f"Parking parking {number}",
            description="Parking at night, parking by day",
        )
    idea = make_submission(raiser, title="Parking idea", description="Something else entirely")
    viewer = make_user(unit=raiser.unit)
    assert [s.id for s in queries.similar_ideas(viewer, "parking", limit=1)] == [idea.id]


@pytest.mark.usefixtures("db_session")
def test_both_databases_ignore_the_same_stop_words() -> None:
    raiser = make_user()
    make_submission(raiser, title="About the rota")
    assert [s.title for s in queries.similar_ideas(raiser, "about")] == []
    assert [s.title for s in queries.similar_ideas(raiser, "about rota")] == ["About the rota"]
