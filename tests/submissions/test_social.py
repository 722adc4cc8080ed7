from __future__ import annotations

import re

from flask.testing import FlaskClient
from sqlalchemy import func, select

from engage.accounts.models import Role
from engage.extensions import db
from engage.submissions.models import Kind, Status, Submission, Support
from tests.factories.accounts import make_user, sign_in
from tests.factories.organisation import make_unit
from tests.factories.submissions import make_submission


def _supporters(submission_id: int) -> int:
    query = select(func.count(Support.id)).where(Support.submission_id == submission_id)
    return db.session.scalar(query) or 0


def test_ideas_are_shared_within_the_directorate_and_concerns_never(client: FlaskClient) -> None:
    ward = make_unit()
    neighbour = make_unit(directorate=ward.directorate)
    elsewhere = make_unit()
    raiser = make_user(unit=ward)
    idea = make_submission(raiser, title="Quiet room for breaks")
    concern = make_submission(raiser, title="Rota concern", kind=Kind.CONCERN)
    sign_in(client, make_user(unit=neighbour))
    board = client.get("/ideas").get_data(as_text=True)
    assert "Quiet room for breaks" in board and "Rota concern" not in board
    assert "Quiet room for breaks" in client.get(f"/submissions/{idea.id}").get_data(as_text=True)
    assert client.get(f"/submissions/{concern.id}").status_code == 403
    outsider = client.application.test_client()
    sign_in(outsider, make_user(unit=elsewhere))
    assert "Quiet room for breaks" not in outsider.get("/ideas").get_data(as_text=True)
    assert outsider.get(f"/submissions/{idea.id}").status_code == 403


def test_support_once_not_for_your_own_and_withdraw(client: FlaskClient) -> None:
    raiser = make_user()
    idea = make_submission(raiser)
    sign_in(client, make_user(unit=raiser.unit))
    client.post(f"/submissions/{idea.id}/support")
    client.post(f"/submissions/{idea.id}/support")
    assert _supporters(idea.id) == 1
    assert "1 colleague supports" in client.get(f"/submissions/{idea.id}").get_data(as_text=True)
    client.post(f"/submissions/{idea.id}/support", data={"withdraw": "1"})
    assert _supporters(idea.id) == 0
    own = client.application.test_client()
    sign_in(own, raiser)
    own.post(f"/submissions/{idea.id}/support")
    assert _supporters(idea.id) == 0


def test_comments_reports_and_hiding(client: FlaskClient) -> None:
    ward = make_unit()
    leader = make_user(Role.LEADER, leads_units=(ward,))
    idea = make_submission(make_user(unit=ward), title="Shared idea")
    sign_in(client, make_user(unit=ward))
    client.post(f"/submissions/{idea.id}/comments", data={"body": "<b>Yes!</b> we need this"})
    page = client.get(f"/submissions/{idea.id}").get_data(as_text=True)
    assert "&lt;b&gt;Yes!&lt;/b&gt; we need this" in page
    empty = client.post(f"/submissions/{idea.id}/comments", data={"body": " "})
    assert empty.status_code == 400 and "Write a comment" in empty.get_data(as_text=True)
    assert 'href="#comment"' in empty.get_data(as_text=True), "the summary leads to the box"
    client.post(f"/submissions/{idea.id}/report", data={"reason": "Names a patient"})
    assert client.post(f"/submissions/{idea.id}/hide", data={"reason": "x"}).status_code == 403

    moderator = client.application.test_client()
    sign_in(moderator, leader)
    assert "An idea" in moderator.get("/moderation").get_data(as_text=True)
    moderator.post(f"/submissions/{idea.id}/hide", data={"reason": "Names a patient"})
    hidden = db.session.get(Submission, idea.id)
    assert hidden is not None and hidden.hidden_reason == "Names a patient"
    assert "Shared idea" not in client.get("/ideas").get_data(as_text=True)
    assert "Nothing has been reported" in moderator.get("/moderation").get_data(as_text=True)


def test_hiding_a_comment(client: FlaskClient) -> None:
    ward = make_unit()
    leader = make_user(Role.LEADER, leads_units=(ward,))
    idea = make_submission(make_user(unit=ward))
    sign_in(client, make_user(unit=ward))
    client.post(f"/submissions/{idea.id}/comments", data={"body": "Rude remark"})
    from engage.submissions.models import Comment

    comment = db.session.scalar(select(Comment))
    assert comment is not None
    assert client.post(f"/comments/{comment.id}/hide", data={"reason": "Rude"}).status_code == 403
    moderator = client.application.test_client()
    sign_in(moderator, leader)
    moderator.post(f"/comments/{comment.id}/hide", data={"reason": "Rude"})
    colleague = client.application.test_client()
    sign_in(colleague, make_user(unit=ward))
    assert "Rude remark" not in colleague.get(f"/submissions/{idea.id}").get_data(as_text=True)
    assert "Hidden: Rude" in moderator.get(f"/submissions/{idea.id}").get_data(as_text=True)
    # Its author still sees it, and why (see test_hidden_comment_author.py).
    assert "A moderator hid your comment" in client.get(f"/submissions/{idea.id}").get_data(
        as_text=True
    )


def test_merging_moves_supporters_and_keeps_a_link(client: FlaskClient) -> None:
    ward = make_unit()
    leader = make_user(Role.LEADER, leads_units=(ward,))
    original = make_submission(make_user(unit=ward), title="Original idea")
    duplicate_raiser = make_user(unit=ward)
    duplicate = make_submission(duplicate_raiser, title="Duplicate idea")
    both = make_user(unit=ward)
    for supporter in (both, make_user(unit=ward)):
        db.session.add(
            Support(
                submission_id=duplicate.id, user_id=supporter.id, created_on=duplicate.submitted_on
            )
        )
    db.session.add(
        Support(submission_id=original.id, user_id=both.id, created_on=original.submitted_on)
    )
    db.session.commit()
    sign_in(client, leader)
    bad = client.post(f"/submissions/{duplicate.id}/merge", data={"original": duplicate.reference})
    assert "An idea cannot be merged into itself" in bad.get_data(as_text=True)
    response = client.post(
        f"/submissions/{duplicate.id}/merge", data={"original": original.reference.lower()}
    )
    assert response.status_code == 302
    assert _supporters(original.id) == 3  # both (kept once), the other, the duplicate's raiser
    assert _supporters(duplicate.id) == 0
    merged = db.session.get(Submission, duplicate.id)
    assert merged is not None and merged.status_enum is Status.MERGED
    page = client.get(f"/submissions/{duplicate.id}").get_data(as_text=True)
    assert "This idea was merged into" in page and original.reference in page


def test_ideas_board_search_and_pages(client: FlaskClient) -> None:
    ward = make_unit()
    raiser = make_user(unit=ward)
    for number in range(30):
        make_submission(raiser, title=f"Handover template {number}")
    make_submission(raiser, title="Bike shelter")
    sign_in(client, make_user(unit=ward))
    found = client.get("/ideas?q=handover").get_data(as_text=True)
    assert "30 ideas found" in found and "Bike shelter" not in found and "Page 2 of 2" in found
    assert "1 idea found" in client.get("/ideas?q=bike+shelter").get_data(as_text=True)
    hostile = client.get('/ideas?q=" OR 1=1 -- NEAR( * AND')
    assert hostile.status_code == 200
    assert "0 ideas found" in hostile.get_data(as_text=True), "matched as words, not as syntax"


def test_decided_ideas_cannot_be_merged_nor_merged_into_closed_ones(client: FlaskClient) -> None:
    ward = make_unit()
    leader = make_user(Role.LEADER, leads_units=(ward,))
    open_idea = make_submission(make_user(unit=ward))
    decided = make_submission(make_user(unit=ward))
    closed = make_submission(make_user(unit=ward))
    decided.status = Status.DECISION_MADE.value
    closed.status = Status.CLOSED.value
    db.session.commit()
    sign_in(client, leader)
    refused = client.post(
        f"/submissions/{decided.id}/merge", data={"original": open_idea.reference}
    )
    assert "already has a decision" in refused.get_data(as_text=True)
    into_closed = client.post(
        f"/submissions/{open_idea.id}/merge", data={"original": closed.reference}
    )
    assert "Choose an idea that is still open" in into_closed.get_data(as_text=True)


def test_moderators_dismiss_reports_and_show_hidden_things_again(client: FlaskClient) -> None:
    from engage.submissions.models import Comment, ContentReport

    ward = make_unit()
    leader = make_user(Role.LEADER, leads_units=(ward,))
    idea = make_submission(make_user(unit=ward), title="Fine idea")
    colleague = make_user(unit=ward)
    sign_in(client, colleague)
    client.post(f"/submissions/{idea.id}/comments", data={"body": "A fair comment"})
    client.post(f"/submissions/{idea.id}/report", data={"reason": "I disagree"})
    moderator = client.application.test_client()
    sign_in(moderator, leader)
    report = db.session.scalar(select(ContentReport))
    assert report is not None
    moderator.post(f"/moderation/reports/{report.id}/dismiss")
    assert "Nothing has been reported" in moderator.get("/moderation").get_data(as_text=True)
    assert "Fine idea" in client.get("/ideas").get_data(as_text=True), "dismissing hides nothing"

    comment = db.session.scalar(select(Comment))
    assert comment is not None
    moderator.post(f"/submissions/{idea.id}/hide", data={"reason": "Checking"})
    moderator.post(f"/comments/{comment.id}/hide", data={"reason": "Checking"})
    assert "Fine idea" not in client.get("/ideas").get_data(as_text=True)
    assert client.post(f"/submissions/{idea.id}/unhide").status_code == 403
    moderator.post(f"/submissions/{idea.id}/unhide")
    moderator.post(f"/comments/{comment.id}/unhide")
    assert "Fine idea" in client.get("/ideas").get_data(as_text=True)
    assert "A fair comment" in client.get(f"/submissions/{idea.id}").get_data(as_text=True)


def test_the_comment_box_and_the_message_box_each_have_their_own_id(client: FlaskClient) -> None:
    """Both are `body` in their forms: with one id, the comment's label and its character
    count belonged to the message box."""
    raiser = make_user()
    idea = make_submission(raiser, title="Shared idea")
    sign_in(client, raiser)
    page = client.get(f"/submissions/{idea.id}").get_data(as_text=True)

    ids = re.findall(r'\sid="([^"]+)"', page)
    assert sorted({i for i in ids if ids.count(i) > 1}) == []
    assert re.search(r'<label[^>]*for="comment"[^>]*>\s*Add a comment', page)
    assert re.search(r'<label[^>]*for="body"[^>]*>\s*Your message', page)
