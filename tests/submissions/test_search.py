"""The similar-ideas service, on each database's own full-text search."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from engage.accounts.models import Role
from engage.extensions import db
from engage.submissions import queries, search
from engage.submissions.duplicates import merge_candidates
from engage.submissions.models import Kind, Status
from engage.submissions.references import references_in
from tests.factories.accounts import make_user, sign_in
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


@pytest.mark.usefixtures("db_session")
def test_near_spellings_are_found_but_a_words_beginning_is_not_enough() -> None:
    raiser = make_user()
    gel = make_submission(raiser, title="Hand gel dispensers", description="By every bed")
    make_submission(raiser, title="Handover template", description="For the night shift")
    assert [s.id for s in queries.similar_ideas(raiser, "Hand gel dispensers")] == [gel.id]
    assert [s.id for s in queries.similar_ideas(raiser, "hand washing")] == [gel.id]
    # No word in common, stemmed or not: only the title's trigrams find it.
    assert [s.id for s in queries.similar_ideas(raiser, "dispensors")] == [gel.id]
    gel.title = "Sanitiser stations"
    db.session.commit()
    assert queries.similar_ideas(raiser, "dispensors") == []
    assert [s.id for s in queries.similar_ideas(raiser, "sanitizer")] == [gel.id]


@pytest.mark.postgres_only(reason="compares the SQLite path's measure with pg_trgm's own")
@pytest.mark.usefixtures("db_session")
@pytest.mark.parametrize(
    ("word", "title"),
    [
        ("dispensors", "Hand gel dispensers"),
        ("hand", "Handover template"),
        ("sanitizer", "Sanitiser stations"),
        ("rota", "Rotas published late"),
        ("parking", "Car park permits"),
    ],
)
def test_near_spelling_measure_is_pg_trgms(word: str, title: str) -> None:
    theirs = db.session.scalar(select(func.strict_word_similarity(word, title)))
    assert search.spelling_likeness(word, title) == pytest.approx(theirs, abs=1e-6)


@pytest.mark.parametrize(
    ("typed", "means"),
    [
        ("ID-7KQ4-M2XD", ("ID-7KQ4-M2XD",)),
        (" id 7kq4 m2xd ", ("ID-7KQ4-M2XD",)),
        ("cn7kq4m2xo", ("CN-7KQ4-M2X0",)),
        ("7KQ4-M2XD", ("ID-7KQ4-M2XD", "CN-7KQ4-M2XD")),
        ("identifies", ()),
        # All letters (no digit) typed in its three parts; ten letters in one word are a word.
        ("id gkgv epzr", ("ID-GKGV-EPZR",)),
        ("idgkgvepzr", ()),
        ("to wash hand", ()),
        ("hand-over", ()),
        ("handover 2024", ()),
        ("ID-7KQ4-M2XD-9", ()),
    ],
)
def test_what_counts_as_a_reference(typed: str, means: tuple[str, ...]) -> None:
    assert references_in(typed) == means


def test_a_reference_typed_in_the_ideas_search_finds_that_idea(client: FlaskClient) -> None:
    ward = make_unit()
    raiser = make_user(unit=ward)
    idea = make_submission(raiser, title="Quiet room for breaks")
    make_submission(raiser, title="Quiet corridor at night")
    concern = make_submission(raiser, kind=Kind.CONCERN, title="Quiet concern")
    idea.reference = "ID-7KQ4-M2XD"  # its last eight alone count only with a digit in them
    db.session.commit()
    sign_in(client, make_user(unit=ward))
    for typed in ("ID-7KQ4-M2XD", "id 7kq4 m2xd", "7KQ4-M2XD"):
        page = client.get("/ideas", query_string={"q": typed}).get_data(as_text=True)
        assert "1 idea found" in page and "Quiet room for breaks" in page, typed
    page = client.get("/ideas", query_string={"q": concern.reference}).get_data(as_text=True)
    assert "0 ideas found" in page, "a concern is never on the ideas board"
    outsider = client.application.test_client()
    sign_in(outsider, make_user(unit=make_unit()))
    page = outsider.get("/ideas", query_string={"q": idea.reference}).get_data(as_text=True)
    assert "0 ideas found" in page, "nor an idea from another directorate"


def test_letters_typed_like_a_reference_are_searched_as_words_too(client: FlaskClient) -> None:
    """ "id card lost" reads as the reference ID-CARD-10ST: the ideas board finds the idea about
    a lost ID card, and the reference too; with a digit or a dash, a reference is only that."""
    ward = make_unit()
    raiser = make_user(unit=ward)
    make_submission(raiser, title="ID card lost at the entrance: a lost property box")
    coded = make_submission(raiser, title="Quiet room for breaks")
    coded.reference = "ID-CARD-10ST"
    make_submission(raiser, title="Card payments in the canteen")
    db.session.commit()
    sign_in(client, make_user(unit=ward))
    page = client.get("/ideas", query_string={"q": "id card lost"}).get_data(as_text=True)
    assert "2 ideas found" in page
    assert "ID card lost at the entrance" in page and "Quiet room for breaks" in page
    page = client.get("/ideas", query_string={"q": "ID-CARD-10ST"}).get_data(as_text=True)
    assert "1 idea found" in page and "Quiet room for breaks" in page


@pytest.mark.usefixtures("db_session")
def test_merge_search_falls_back_to_words_when_letters_are_no_reference() -> None:
    ward = make_unit()
    raiser = make_user(unit=ward)
    leader = make_user(Role.LEADER, leads_units=(ward,))
    duplicate = make_submission(raiser, title="Lost ID cards")
    original = make_submission(raiser, title="ID card lost at the entrance")
    found = merge_candidates(leader, duplicate.id, "id card lost")
    assert [s.id for s in found] == [original.id]
    assert merge_candidates(leader, duplicate.id, "ID-CARD-10ST") == []
