"""One-time submit tokens (issue 12): the same POST twice (a double tap, back-and-resubmit, a
retry after a timeout) creates one item, and the repeat is answered with the first result."""

from __future__ import annotations

import re
from datetime import date, timedelta

from flask.testing import FlaskClient
from sqlalchemy import func, inspect, select

from engage.accounts.models import Role
from engage.extensions import db
from engage.reliability.jobs import forget_old_tokens
from engage.reliability.models import SubmitToken
from engage.responses.models import Action, Decision
from engage.submissions.models import Comment, Message, Submission, Support
from engage.timeutil import utcnow
from tests.factories.accounts import make_user, sign_in
from tests.factories.forms import typed_date
from tests.factories.organisation import make_unit
from tests.factories.submissions import PASSPHRASE, make_submission, shown_followup_code, theme

TOKEN = re.compile(r'name="submit_token" value="([^"]+)"')


def _count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def _token(client: FlaskClient, path: str, index: int = 0) -> str:
    return TOKEN.findall(client.get(path).get_data(as_text=True))[index]


def _twice(client: FlaskClient, path: str, data: dict[str, str]) -> tuple[str, str]:
    first = client.post(path, data=data)
    second = client.post(path, data=data)
    assert first.status_code == 302, first.get_data(as_text=True)[:2000]
    assert second.status_code == 302
    return first.headers["Location"], second.headers["Location"]


def _speak_up(unit_id: int, token: str, mode: str = "open") -> dict[str, str]:
    return {
        "kind": "idea",
        "title": "A quiet room for breaks",
        "description": "Somewhere to sit for ten minutes on a long shift.",
        "unit_id": str(unit_id),
        "theme_id": str(theme().id),
        "patient_safety": "no",
        "mode": mode,
        "passphrase": PASSPHRASE if mode == "anonymous" else "",
        "passphrase_confirm": PASSPHRASE if mode == "anonymous" else "",
        "submit_token": token,
    }


def test_each_rendering_of_a_form_carries_a_new_token(client: FlaskClient) -> None:
    sign_in(client, make_user())
    assert _token(client, "/speak-up") != _token(client, "/speak-up")


def test_speaking_up_twice_raises_one_item_and_shows_the_first(client: FlaskClient) -> None:
    ward = make_unit()
    sign_in(client, make_user(unit=ward))
    data = _speak_up(ward.id, _token(client, "/speak-up"))
    first, second = _twice(client, "/speak-up", data)
    assert _count(Submission) == 1
    assert first == second
    page = client.get(second).get_data(as_text=True)
    assert "A quiet room for breaks" in page
    # A new rendering of the form (Back, then Send again) with the same words shows the same
    # item; with other words it is a new one.
    third = client.post("/speak-up", data={**data, "submit_token": _token(client, "/speak-up")})
    assert third.location == first and _count(Submission) == 1
    other = {**data, "title": "A second quiet room", "submit_token": _token(client, "/speak-up")}
    client.post("/speak-up", data=other)
    assert _count(Submission) == 2


def test_a_repeated_anonymous_concern_is_one_and_its_token_keeps_only_the_day(
    client: FlaskClient,
) -> None:
    ward = make_unit()
    token = _token(client, "/speak-up")
    data = _speak_up(ward.id, token, mode="anonymous")
    first = client.post("/speak-up", data=data)
    assert first.status_code == 200
    code = shown_followup_code(first.get_data(as_text=True))
    second = client.post("/speak-up", data=data)
    assert second.status_code == 200
    text = second.get_data(as_text=True)
    assert "That was already sent" in text
    assert code not in text and "Your private follow-up code" not in text, "code shown once"
    assert _count(Submission) == 1
    # The claim holds a digest, no link to a person, and a day rather than a moment.
    columns = {
        c["name"]: c["type"] for c in inspect(db.session.connection()).get_columns("submit_tokens")
    }
    assert set(columns) == {"digest", "result_path", "created_on"}
    row = db.session.scalars(select(SubmitToken)).one()
    assert type(row.created_on) is date
    assert token not in row.digest and row.result_path == ""


def test_message_comment_and_support_twice_create_one(client: FlaskClient) -> None:
    ward = make_unit()
    raiser = make_user(unit=ward)
    idea = make_submission(raiser)
    sign_in(client, raiser)
    page = f"/submissions/{idea.id}"
    message = {"body": "Any news?", "submit_token": _token(client, page, 0)}
    first, second = _twice(client, f"{page}/messages", message)
    assert first == second and first.endswith("#conversation")
    assert _count(Message) == 1
    colleague = client.application.test_client()
    sign_in(colleague, make_user(unit=ward))
    comment = {"body": "Yes please", "submit_token": _token(colleague, page, 0)}
    _twice(colleague, f"{page}/comments", comment)
    assert _count(Comment) == 1
    # Support, then a repeat of the same tap: still one supporter, and not withdrawn.
    support = {"submit_token": _token(colleague, page, 0)}
    first, second = _twice(colleague, f"{page}/support", support)
    assert first == second
    assert _count(Support) == 1
    assert "That was already sent" in colleague.get(second).get_data(as_text=True)


def test_decision_and_action_twice_record_one(client: FlaskClient) -> None:
    ward = make_unit()
    leader = make_user(Role.LEADER, leads_units=(ward,))
    idea = make_submission(make_user(unit=ward))
    sign_in(client, leader)
    decision = {
        "outcome": "adopt",
        "response": "Thank you: we will do it.",
        "submit_token": _token(client, f"/submissions/{idea.id}/decision"),
    }
    _twice(client, f"/submissions/{idea.id}/decision", decision)
    assert _count(Decision) == 1
    action = {
        "description": "Clear the old store room",
        "owner_id": str(leader.id),
        **typed_date("due_on", utcnow().date() + timedelta(days=14)),
        "status": "planned",
        "progress": "0",
        "submit_token": _token(client, f"/submissions/{idea.id}/actions/new"),
    }
    _twice(client, f"/submissions/{idea.id}/actions/new", action)
    assert _count(Action) == 1


def test_a_refused_form_does_not_use_up_its_token(client: FlaskClient) -> None:
    ward = make_unit()
    sign_in(client, make_user(unit=ward))
    data = _speak_up(ward.id, _token(client, "/speak-up"))
    refused = client.post("/speak-up", data={**data, "title": ""})
    assert refused.status_code == 200 and _count(SubmitToken) == 0
    assert client.post("/speak-up", data=data).status_code == 302
    assert _count(Submission) == 1


def test_old_tokens_are_forgotten_by_the_job(app_context: None) -> None:
    today = utcnow().date()
    db.session.add(SubmitToken(digest="a" * 64, result_path="/", created_on=today))
    db.session.add(
        SubmitToken(digest="b" * 64, result_path="/", created_on=today - timedelta(days=4))
    )
    db.session.flush()
    as_of = utcnow().astimezone()
    assert forget_old_tokens(as_of) == {"forgotten": 1}
    assert db.session.scalars(select(SubmitToken.digest)).all() == ["a" * 64]
    assert forget_old_tokens(as_of) == {"forgotten": 0}
