"""Acknowledging several items from the inbox at once: one message typed once and sent to each,
each item checked as its own page checks it, an audit record each, nothing done twice."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from engage.accounts.models import Role, User
from engage.audit.models import AuditEvent
from engage.extensions import db
from engage.submissions import workflow
from engage.submissions.models import MESSAGE_MAX, Kind, Message, SpeakUpMode, Status, Submission
from tests.factories.accounts import make_user, sign_in
from tests.factories.organisation import make_unit
from tests.factories.submissions import make_submission

THANKS = "Thank you for raising this. We will look at it at the team meeting on Tuesday."


def _status(submission_id: int) -> Status:
    db.session.expire_all()
    found = db.session.get(Submission, submission_id)
    assert found is not None
    return found.status_enum


def _messages(submission_id: int) -> list[str]:
    query = select(Message.body).where(Message.submission_id == submission_id)
    return list(db.session.scalars(query.order_by(Message.position)))


def _acknowledgements(submission_id: int) -> int:
    query = select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "submission.status_changed",
        AuditEvent.target_id == str(submission_id),
    )
    return db.session.scalar(query) or 0


def _ward() -> tuple[User, User]:
    ward = make_unit()
    return make_user(Role.LEADER, leads_units=(ward,)), make_user(unit=ward)


def test_ticked_items_are_acknowledged_each_with_the_one_message(client: FlaskClient) -> None:
    leader, staff = _ward()
    first, second, left = (make_submission(staff, title=f"Item {n}") for n in range(3))
    sign_in(client, leader)
    page = client.get("/inbox").get_data(as_text=True)
    assert f'name="submission_id" type="checkbox" value="{first.id}"' in page

    response = client.post(
        "/inbox/acknowledge?status=action",
        data={"submission_id": [first.id, second.id], "body": THANKS, "submit_token": "t-1"},
    )
    assert response.status_code == 302 and response.location == "/inbox?status=action"
    for item in (first, second):
        assert _status(item.id) is Status.ACKNOWLEDGED
        assert _messages(item.id) == [THANKS]
        assert _acknowledgements(item.id) == 1
    assert _status(left.id) is Status.SUBMITTED and _messages(left.id) == []
    after = client.get(response.location).get_data(as_text=True)
    assert "2 items acknowledged" in after
    assert "Item 2" in after and "Item 0" not in after


def test_the_same_submit_twice_acknowledges_and_messages_once(client: FlaskClient) -> None:
    leader, staff = _ward()
    item = make_submission(staff)
    sign_in(client, leader)
    form = {"submission_id": [item.id], "body": THANKS, "submit_token": "double-tap"}
    assert client.post("/inbox/acknowledge", data=form).status_code == 302
    again = client.post("/inbox/acknowledge", data=form)
    assert again.status_code == 302
    assert _messages(item.id) == [THANKS] and _acknowledgements(item.id) == 1


def test_an_item_the_leader_cannot_handle_refuses_the_lot(client: FlaskClient) -> None:
    leader, staff = _ward()
    mine = make_submission(staff)
    elsewhere = make_submission(make_user(unit=make_unit()), title="Another ward's")
    confidential = make_submission(
        staff, kind=Kind.CONCERN, mode=SpeakUpMode.CONFIDENTIAL, title="For the guardian"
    )
    sign_in(client, leader)
    for outsider in (elsewhere, confidential):
        refused = client.post(
            "/inbox/acknowledge", data={"submission_id": [mine.id, outsider.id], "body": THANKS}
        )
        assert refused.status_code == 403
        assert "You cannot see this idea or concern" in refused.get_data(as_text=True)
        assert _status(outsider.id) is Status.SUBMITTED and _messages(outsider.id) == []
    assert _status(mine.id) is Status.SUBMITTED, "nothing is half-done"
    assert _messages(mine.id) == [] and _acknowledgements(mine.id) == 0
    missing = client.post("/inbox/acknowledge", data={"submission_id": [99], "body": THANKS})
    assert missing.status_code == 404


def test_the_submitter_cannot_acknowledge_their_own_item(client: FlaskClient) -> None:
    _, staff = _ward()
    item = make_submission(staff)
    sign_in(client, staff)
    refused = client.post("/inbox/acknowledge", data={"submission_id": [item.id], "body": "Hi"})
    assert refused.status_code == 403
    assert "Only the people handling this can change it" in refused.get_data(as_text=True)
    assert _status(item.id) is Status.SUBMITTED and _messages(item.id) == []


def test_a_blank_message_or_no_tick_is_explained_and_the_ticks_kept(client: FlaskClient) -> None:
    leader, staff = _ward()
    item = make_submission(staff, title="Needs a message")
    sign_in(client, leader)
    blank = client.post("/inbox/acknowledge", data={"submission_id": [item.id], "body": "  "})
    assert blank.status_code == 400
    page = blank.get_data(as_text=True)
    assert "Write the message to send with the acknowledgement" in page
    assert f'value="{item.id}" checked' in page, "the ticks are kept"
    assert "<title>Error: Inbox" in page
    none_ticked = client.post("/inbox/acknowledge", data={"body": THANKS})
    assert none_ticked.status_code == 400
    kept = none_ticked.get_data(as_text=True)
    assert "Tick at least one item waiting to be acknowledged" in kept and THANKS in kept
    assert _status(item.id) is Status.SUBMITTED and _messages(item.id) == []


def test_the_longest_message_is_taken_and_one_more_character_is_not(client: FlaskClient) -> None:
    leader, staff = _ward()
    item = make_submission(staff)
    sign_in(client, leader)
    too_long = client.post(
        "/inbox/acknowledge", data={"submission_id": [item.id], "body": "x" * (MESSAGE_MAX + 1)}
    )
    assert too_long.status_code == 400
    assert f"Message must be {MESSAGE_MAX} characters or fewer" in too_long.get_data(as_text=True)
    longest = client.post(
        "/inbox/acknowledge", data={"submission_id": [item.id], "body": "x" * MESSAGE_MAX}
    )
    assert longest.status_code == 302 and _status(item.id) is Status.ACKNOWLEDGED


def test_items_already_acknowledged_are_left_as_they_were(client: FlaskClient) -> None:
    leader, staff = _ward()
    waiting, moved_on = make_submission(staff), make_submission(staff)
    workflow.change_status(leader, moved_on.id, Status.UNDER_REVIEW)
    sign_in(client, leader)
    response = client.post(
        "/inbox/acknowledge",
        data={"submission_id": [waiting.id, moved_on.id], "body": THANKS},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "1 item acknowledged" in page and "Already acknowledged" in page
    assert moved_on.reference in page
    assert _status(moved_on.id) is Status.UNDER_REVIEW and _messages(moved_on.id) == []
    assert _status(waiting.id) is Status.ACKNOWLEDGED


def test_at_most_a_set_number_at_once(app_context: None, monkeypatch: pytest.MonkeyPatch) -> None:
    leader, staff = _ward()
    items = [make_submission(staff) for _ in range(3)]
    monkeypatch.setattr(workflow, "BULK_MAX", 2)
    with pytest.raises(workflow.ValidationFailed, match="Tick 2 items or fewer"):
        workflow.acknowledge_many(leader, [s.id for s in items], THANKS)
    assert all(_status(s.id) is Status.SUBMITTED for s in items)
    done = workflow.acknowledge_many(leader, [items[0].id, items[1].id, items[0].id], THANKS)
    assert [s.id for s in done.acknowledged] == [items[0].id, items[1].id], "once each"
    assert _messages(items[0].id) == [THANKS]


def test_hostile_ticks_are_refused_plainly(client: FlaskClient) -> None:
    leader, staff = _ward()
    item = make_submission(staff)
    sign_in(client, leader)
    words = client.post("/inbox/acknowledge", data={"submission_id": ["1 OR 1=1"], "body": "Hi"})
    assert words.status_code == 400
    huge = client.post("/inbox/acknowledge", data={"submission_id": [str(10**30)], "body": "Hi"})
    assert huge.status_code == 404
    assert _status(item.id) is Status.SUBMITTED
