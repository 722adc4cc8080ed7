"""Scope, not just role: people with the right role but the wrong unit, directorate or queue
are refused every change, with complete and valid forms."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from engage.accounts.models import Role, User
from engage.extensions import db
from engage.submissions.models import Comment, Kind, Status, Submission
from engage.timeutil import utcnow
from tests.factories.accounts import make_user, sign_in
from tests.factories.forms import typed_date
from tests.factories.organisation import make_unit
from tests.factories.responses import make_action
from tests.factories.submissions import make_submission


def _changes(
    submission: Submission, owner: User, action_id: int
) -> list[tuple[str, dict[str, str]]]:
    action_form = {
        "description": "x",
        "owner_id": str(owner.id),
        **typed_date("due_on", utcnow().date() + timedelta(days=7)),
        "status": "planned",
        "progress": "0",
    }
    return [
        (f"/submissions/{submission.id}/status", {"status": "acknowledged", "note": ""}),
        (f"/submissions/{submission.id}/decision", {"outcome": "adopt", "response": "Yes"}),
        (f"/submissions/{submission.id}/actions/new", action_form),
        (f"/actions/{action_id}", action_form),
        (f"/submissions/{submission.id}/publish", {"you_said": "a", "we_did": "b"}),
        (f"/submissions/{submission.id}/merge", {"original": "ID-0000-0000"}),
        (f"/submissions/{submission.id}/hide", {"reason": "Because"}),
        (f"/submissions/{submission.id}/unhide", {}),
    ]


@pytest.mark.parametrize("who", ["neighbouring leader", "colleague", "guardian"])
def test_people_outside_the_scope_cannot_change_an_idea(who: str, client: FlaskClient) -> None:
    ward = make_unit()
    neighbour = make_unit(directorate=ward.directorate)
    owner = make_user(Role.LEADER, leads_units=(ward,))
    idea = make_submission(make_user(unit=ward), title="Ward idea")
    idea.status = Status.DECISION_MADE.value
    db.session.commit()
    action = make_action(idea, owner=owner)
    person = {
        "neighbouring leader": lambda: make_user(
            Role.LEADER, leads_units=(neighbour,), unit=neighbour
        ),
        "colleague": lambda: make_user(unit=ward),
        "guardian": lambda: make_user(Role.GUARDIAN),
    }[who]()
    sign_in(client, person)
    for path, form in _changes(idea, owner, action.id):
        assert client.post(path, data=form).status_code == 403, path
    unchanged = db.session.get(Submission, idea.id)
    assert unchanged is not None and unchanged.status_enum is Status.DECISION_MADE
    assert not unchanged.is_hidden


def test_the_guardian_reads_but_cannot_handle_a_leaders_concern(client: FlaskClient) -> None:
    ward = make_unit()
    concern = make_submission(make_user(unit=ward), kind=Kind.CONCERN, title="Lift out again")
    sign_in(client, make_user(Role.GUARDIAN))
    page = client.get(f"/submissions/{concern.id}").get_data(as_text=True)
    assert "Lift out again" in page and "Update the status" not in page
    for path, form in _changes(
        concern, make_user(unit=ward), make_action(concern, owner=make_user(unit=ward)).id
    )[:5]:
        assert client.post(path, data=form).status_code == 403, path


def test_comments_on_ideas_elsewhere_cannot_be_reported_or_hidden(client: FlaskClient) -> None:
    ward = make_unit()
    idea = make_submission(make_user(unit=ward))
    author = make_user(unit=ward)
    writer = client.application.test_client()
    sign_in(writer, author)
    writer.post(f"/submissions/{idea.id}/comments", data={"body": "A comment"})
    comment = db.session.scalar(select(Comment))
    assert comment is not None
    sign_in(client, make_user(Role.LEADER, leads_units=(make_unit(),)))
    for action in ("report", "hide", "unhide"):
        response = client.post(f"/comments/{comment.id}/{action}", data={"reason": "x"})
        assert response.status_code == 403, action
