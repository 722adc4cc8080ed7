"""A hidden comment's author sees that it was hidden and why; colleagues still do not see it
at all (issue 14)."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import select

from engage.accounts.models import Role
from engage.extensions import db
from engage.submissions.models import Comment, Kind
from tests.factories.accounts import make_user, sign_in
from tests.factories.organisation import make_unit
from tests.factories.submissions import make_submission


def test_the_author_sees_their_hidden_comment_and_the_reason_others_do_not(
    client: FlaskClient,
) -> None:
    ward = make_unit()
    raiser = make_user(unit=ward)
    author = make_user(unit=ward)
    colleague = make_user(unit=ward)
    leader = make_user(Role.LEADER, leads_units=(ward,))
    idea = make_submission(raiser, kind=Kind.IDEA)
    sign_in(client, author)
    client.post(f"/submissions/{idea.id}/comments", data={"body": "Names a colleague unkindly"})
    client.post("/sign-out")
    comment_id = db.session.scalars(
        select(Comment.id).where(Comment.submission_id == idea.id)
    ).one()

    sign_in(client, leader)
    client.post(f"/comments/{comment_id}/hide", data={"reason": "It names a colleague"})
    client.post("/sign-out")
    hidden = db.session.scalar(select(Comment.hidden_reason).where(Comment.id == comment_id))
    assert hidden == "It names a colleague"

    sign_in(client, author)
    own = client.get(f"/submissions/{idea.id}").get_data(as_text=True)
    assert "Names a colleague unkindly" in own
    assert "A moderator hid your comment" in own and "It names a colleague" in own
    assert "Report this comment" not in own
    client.post("/sign-out")

    sign_in(client, colleague)
    theirs = client.get(f"/submissions/{idea.id}").get_data(as_text=True)
    assert "Names a colleague unkindly" not in theirs
    assert "It names a colleague" not in theirs and "A moderator hid" not in theirs
    assert "No comments yet." in theirs
