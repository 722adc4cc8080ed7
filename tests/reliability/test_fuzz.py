"""Fuzzing with a budget (issue 12): every form that creates something, and the CSV
imports, take Hypothesis's hostile inputs on both databases with no 5xx and nothing
half-written: a refused post changes nothing, an accepted one makes at most one item."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from hypothesis import given
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from engage.accounts.models import Role, User
from engage.extensions import db
from engage.guardian.models import CaseEntry
from engage.organisation.models import Unit
from engage.reliability.once import new_token
from engage.responses.models import Action, Decision, Publication
from engage.submissions.models import Comment, Message, Submission, Support
from engage.timeutil import utcnow
from tests.factories.accounts import make_user, sign_in
from tests.factories.forms import typed_date
from tests.factories.guardian import make_case
from tests.factories.organisation import make_unit
from tests.factories.submissions import PASSPHRASE, make_submission, theme
from tests.reliability.fuzzing import FUZZ_SETTINGS, TRIED, csv_files, form_posts


@dataclass
class Target:
    path: str
    valid: dict[str, str]
    counted: tuple[type, ...]
    withdraws: bool = False  # the form may also take away one (withdrawing support)


def _count(models: tuple[type, ...]) -> int:
    return sum(db.session.scalar(select(func.count()).select_from(m)) or 0 for m in models)


def _check(client: FlaskClient, target: Target, pairs: list[tuple[str, str]], **kw: object) -> None:
    TRIED["inputs"] += 1
    before = _count(target.counted)
    data = MultiDict(pairs)
    if "submit_token" not in data:
        data.add("submit_token", new_token())
    response = client.post(target.path, data=data, **kw)  # type: ignore[arg-type]
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    db.session.expire_all()
    made = _count(target.counted) - before
    # An anonymous concern's receipt (its follow-up code) is shown at once, not redirected to.
    receipt = response.status_code == 200 and "Your follow-up code" in response.get_data(
        as_text=True
    )
    if response.status_code in (302, 303) or receipt:
        allowed = (-1, 0, 1) if target.withdraws else (0, 1)
        assert made in allowed, f"{made} items from one post"
    else:
        assert made == 0, f"refused ({response.status_code}) but {made} items were written"


def _fuzz(client: FlaskClient, target: Target) -> None:
    @FUZZ_SETTINGS
    @given(pairs=form_posts(target.valid))
    def run(pairs: list[tuple[str, str]]) -> None:
        _check(client, target, pairs)

    run()


def _idea_setting(client: FlaskClient) -> tuple[Unit, User, User, Submission]:
    ward = make_unit()
    leader = make_user(Role.LEADER, leads_units=(ward,))
    raiser = make_user(unit=ward)
    return ward, leader, raiser, make_submission(raiser)


def test_fuzz_speak_up(client: FlaskClient) -> None:
    ward = make_unit()
    sign_in(client, make_user(unit=ward))
    valid = {
        "kind": "concern", "title": "Broken hoist", "description": "It sticks halfway.",
        "unit_id": str(ward.id), "theme_id": str(theme().id), "patient_safety": "yes",
        "mode": "confidential", "to_guardian": "y",
        "passphrase": PASSPHRASE, "passphrase_confirm": PASSPHRASE,
    }  # fmt: skip
    _fuzz(client, Target("/speak-up", valid, (Submission,)))


def test_fuzz_signed_out_anonymous_speak_up(client: FlaskClient) -> None:
    ward = make_unit()
    valid = {
        "kind": "idea", "title": "Quiet room", "description": "For breaks.",
        "unit_id": str(ward.id), "theme_id": str(theme().id), "patient_safety": "no",
        "mode": "anonymous", "passphrase": PASSPHRASE, "passphrase_confirm": PASSPHRASE,
    }  # fmt: skip
    _fuzz(client, Target("/speak-up", valid, (Submission,)))


def test_fuzz_message_comment_and_support(client: FlaskClient) -> None:
    ward, _, raiser, idea = _idea_setting(client)
    sign_in(client, raiser)
    _fuzz(client, Target(f"/submissions/{idea.id}/messages", {"body": "Any news?"}, (Message,)))
    colleague = client.application.test_client()
    sign_in(colleague, make_user(unit=ward))
    comments = Target(f"/submissions/{idea.id}/comments", {"body": "Yes!"}, (Comment,))
    _fuzz(colleague, comments)
    _fuzz(colleague, Target(f"/submissions/{idea.id}/support", {"withdraw": ""}, (Support,), True))


def test_fuzz_decision_action_and_publication(client: FlaskClient) -> None:
    _, leader, _, idea = _idea_setting(client)
    sign_in(client, leader)
    decision = {"outcome": "adopt", "response": "We will.", "reason": "", "existing_action_id": ""}
    _fuzz(client, Target(f"/submissions/{idea.id}/decision", decision, (Decision,)))
    action = {
        "description": "Order it", "owner_id": str(leader.id),
        **typed_date("due_on", utcnow().date() + timedelta(days=7)), "status": "planned",
        "progress": "0", "dropped_reason": "", "parent_id": "",
    }  # fmt: skip
    _fuzz(client, Target(f"/submissions/{idea.id}/actions/new", action, (Action,)))
    publication = {"you_said": "More chairs", "we_did": "Bought six", "submitter_agreed": "y"}
    _fuzz(client, Target(f"/submissions/{idea.id}/publish", publication, (Publication,)))


def test_fuzz_guardian_entry(client: FlaskClient) -> None:
    case = make_case(utcnow().date())
    sign_in(client, make_user(Role.GUARDIAN))
    entry = {
        "kind": "note", "referred_to": "", **typed_date("happened_on", utcnow().date()),
        "body": "Met them on the ward.",
    }  # fmt: skip
    _fuzz(client, Target(f"/guardian/cases/{case.id}/entries", entry, (CaseEntry,)))


CSV_HEADERS = {
    "units": ["unit", "directorate", "headcount"],
    "staff": ["name", "email", "unit", "staff group", "role"],
}


@pytest.mark.parametrize("kind", sorted(CSV_HEADERS))
def test_fuzz_csv_imports(client: FlaskClient, kind: str) -> None:
    sign_in(client, make_user(Role.ADMIN))
    target = Target("/admin/import", {}, (Unit, User))

    @FUZZ_SETTINGS
    @given(content=csv_files(CSV_HEADERS[kind]))
    def run(content: bytes) -> None:
        upload = (io.BytesIO(content), "people.csv")
        _check(client, target, [("kind", kind), ("file", upload)])  # type: ignore[list-item]

    run()
