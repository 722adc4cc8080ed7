"""Merging finds the original by part of its title (or its reference), without JavaScript."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from engage.accounts.models import Role
from engage.audit.models import AuditEvent
from engage.errors import NotFound, PermissionDenied
from engage.extensions import db
from engage.submissions import duplicates
from engage.submissions.models import Kind, Status, Submission
from tests.factories.accounts import make_user, sign_in
from tests.factories.organisation import make_unit
from tests.factories.submissions import make_submission


def _choices(page: str) -> list[str]:
    """The references offered as radio buttons in the merge form."""
    return re.findall(r'name="original" type="radio" value="([^"]+)"', page)


@pytest.fixture
def ward_ideas() -> dict[str, Submission]:
    ward = make_unit()
    raiser = make_user(unit=ward)
    ideas = {
        "original": make_submission(raiser, title="Hand gel dispensers at every bed"),
        "duplicate": make_submission(raiser, title="Gel by each bed please"),
        "other": make_submission(raiser, title="Refill the hand gel in bay 3"),
        "unrelated": make_submission(raiser, title="Handover template"),
        "concern": make_submission(raiser, kind=Kind.CONCERN, title="Gel dispensers empty"),
        "hidden": make_submission(raiser, title="Gel dispensers hidden"),
        "closed": make_submission(raiser, title="Gel dispensers closed"),
        "elsewhere": make_submission(make_user(unit=make_unit()), title="Gel dispensers far away"),
    }
    ideas["hidden"].hidden_reason = "Duplicate"
    ideas["closed"].status = Status.CLOSED.value
    db.session.commit()
    return ideas


def test_a_leader_finds_the_original_by_title_and_merges_into_it(
    client: FlaskClient, ward_ideas: dict[str, Submission]
) -> None:
    duplicate, original = ward_ideas["duplicate"], ward_ideas["original"]
    leader = make_user(Role.LEADER, leads_units=(duplicate.unit,))
    sign_in(client, leader)
    page = client.get(f"/submissions/{duplicate.id}").get_data(as_text=True)
    assert "Find the idea to merge this into" in page and _choices(page) == []

    found = client.get(f"/submissions/{duplicate.id}?find=gel+dispens").get_data(as_text=True)
    offered = _choices(found)
    assert offered[0] == original.reference
    assert ward_ideas["other"].reference in offered
    for left_out in ("duplicate", "unrelated", "concern", "hidden", "closed", "elsewhere"):
        assert ward_ideas[left_out].reference not in offered, left_out
    assert "Hand gel dispensers at every bed" in found

    response = client.post(
        f"/submissions/{duplicate.id}/merge",
        data={"original": original.reference, "find": "gel dispens"},
    )
    assert response.status_code == 302
    merged = db.session.get(Submission, duplicate.id)
    assert merged is not None and merged.status_enum is Status.MERGED
    assert merged.merged_into_id == original.id
    event = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "submission.merged", AuditEvent.target_id == str(duplicate.id)
        )
    ).one()
    assert event.actor_id == leader.id and original.reference in event.summary


def test_choosing_nothing_says_so_and_keeps_the_matches(
    client: FlaskClient, ward_ideas: dict[str, Submission]
) -> None:
    duplicate = ward_ideas["duplicate"]
    sign_in(client, make_user(Role.LEADER, leads_units=(duplicate.unit,)))
    response = client.post(f"/submissions/{duplicate.id}/merge", data={"find": "gel dispens"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Choose the original idea, or enter its reference" in page
    assert ward_ideas["original"].reference in _choices(page)
    assert db.session.get(Submission, duplicate.id).status_enum is not Status.MERGED  # type: ignore[union-attr]


# Fixed references, not the random one: a search reads text with a digit or a dash
# differently from text without, and one random reference in twenty has no digit.
@pytest.mark.parametrize("reference", ["ID-7KQ4-M2XD", "ID-GKGV-EPZR"])
def test_a_reference_finds_exactly_that_idea_and_no_match_says_so(
    client: FlaskClient, ward_ideas: dict[str, Submission], reference: str
) -> None:
    duplicate, original = ward_ideas["duplicate"], ward_ideas["original"]
    original.reference = reference
    db.session.commit()
    sign_in(client, make_user(Role.LEADER, leads_units=(duplicate.unit,)))
    typed = reference.lower().replace("-", " ")
    page = client.get(f"/submissions/{duplicate.id}", query_string={"find": typed})
    assert _choices(page.get_data(as_text=True)) == [reference]
    hidden = ward_ideas["hidden"].reference
    nothing = client.get(f"/submissions/{duplicate.id}", query_string={"find": hidden})
    text = nothing.get_data(as_text=True)
    assert _choices(text) == [] and "No open idea you can see matches" in text
    assert 'name="original" type="text"' in text, "the reference field is offered instead"


def test_only_the_ideas_handlers_may_search_for_a_merge(
    client: FlaskClient, ward_ideas: dict[str, Submission]
) -> None:
    duplicate = ward_ideas["duplicate"]
    colleague = make_user(unit=duplicate.unit)
    other_leader = make_user(Role.LEADER, leads_units=(make_unit(),))
    with pytest.raises(PermissionDenied):
        duplicates.merge_candidates(colleague, duplicate.id, "gel")
    with pytest.raises(PermissionDenied):
        duplicates.merge_candidates(other_leader, duplicate.id, "gel")
    with pytest.raises(NotFound):
        duplicates.merge_candidates(colleague, 987654321, "gel")
    sign_in(client, colleague)
    page = client.get(f"/submissions/{duplicate.id}?find=gel")
    assert page.status_code == 200
    assert _choices(page.get_data(as_text=True)) == []
    assert "Find the idea to merge this into" not in page.get_data(as_text=True)


def test_an_overlong_search_gets_a_message(
    client: FlaskClient, ward_ideas: dict[str, Submission]
) -> None:
    duplicate = ward_ideas["duplicate"]
    sign_in(client, make_user(Role.LEADER, leads_units=(duplicate.unit,)))
    page = client.get(f"/submissions/{duplicate.id}", query_string={"find": "gel " * 80})
    assert page.status_code == 200
    assert "Enter at most 200 characters" in page.get_data(as_text=True)


def test_hostile_searches_are_only_words(
    client: FlaskClient, ward_ideas: dict[str, Submission]
) -> None:
    duplicate = ward_ideas["duplicate"]
    sign_in(client, make_user(Role.LEADER, leads_units=(duplicate.unit,)))
    for typed in ("\x00gel", '" OR 1=1 --', "NEAR(gel*", "ID-\x00", "gel\u202e", "%_%"):
        page = client.get(f"/submissions/{duplicate.id}", query_string={"find": typed})
        assert page.status_code == 200, typed
    posted = client.post(
        f"/submissions/{duplicate.id}/merge", data={"original": "\x00", "find": "x" * 5000}
    )
    assert posted.status_code == 400
