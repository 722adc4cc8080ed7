"""The load test (`make load`) fills in the "add an action" form from the page it is shown,
as a leader would: these check that what it sends is accepted, so its figures count real
actions rather than refusals (an earlier version picked fields the form refused)."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from benchmarks.load import htmlform
from engage.accounts.models import Role
from engage.extensions import db
from engage.responses.models import Action
from tests.factories.accounts import make_user, sign_in
from tests.factories.organisation import make_unit
from tests.factories.submissions import make_submission


def test_the_load_script_adds_an_action_only_once_offered_and_the_form_accepts_it(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    ward, elsewhere = make_unit(), make_unit()
    leader = make_user(Role.LEADER, leads_units=(ward,))
    make_user(unit=ward, email="owner@test.nhs.uk")
    make_user(unit=elsewhere, email="not-an-owner@test.nhs.uk")
    idea = make_submission(make_user(unit=ward), title="Second bladder scanner")
    sign_in(client, leader)
    link = f'href="/submissions/{idea.id}/actions/new"'
    # No decision yet: the page offers no "Add an action", so the script adds none.
    assert link not in client.get(f"/submissions/{idea.id}").get_data(as_text=True)
    client.post(
        f"/submissions/{idea.id}/decision",
        data={"outcome": "adopt", "response": "We will buy one."},
    )
    assert link in client.get(f"/submissions/{idea.id}").get_data(as_text=True)
    # The script picks an owner at random among those offered; here it takes each in turn,
    # so every offered owner is sent once, in every run.
    offered: list[str] = []

    def each_in_turn(owners: list[str]) -> str:
        offered[:] = owners
        return owners[attempt]

    monkeypatch.setattr(htmlform, "random", SimpleNamespace(choice=each_in_turn))
    attempt = 0
    while attempt == 0 or attempt < len(offered):
        page = client.get(f"/submissions/{idea.id}/actions/new").get_data(as_text=True)
        marker = f"load-action-{attempt}"
        data = htmlform.action_data(page, marker, date.today() + timedelta(days=14))
        assert data is not None
        answer = client.post(f"/submissions/{idea.id}/actions/new", data=data)
        assert answer.status_code == 302, answer.get_data(as_text=True)
        action = db.session.scalar(select(Action).where(Action.description == marker))
        assert action is not None and action.owner is not None
        assert action.owner.email != "not-an-owner@test.nhs.uk"
        assert action.due_on == date.today() + timedelta(days=14)
        attempt += 1
    owners = db.session.scalars(select(Action.owner_id).where(Action.submission_id == idea.id))
    assert sorted(str(owner) for owner in owners) == sorted(offered)
    assert len(offered) == 3, "the leader and the two people on the ward"


def test_the_form_reader_fills_a_date_in_one_box_or_in_day_month_and_year_boxes() -> None:
    one_box = '<form><input name="due_on" value=""><select name="owner_id">'
    one_box += '<option value="">Choose</option><option value="7">A</option></select></form>'
    parts = (
        '<form><input name="due_on-day"><input name="due_on-month"><input name="due_on-year">'
        '<input type="hidden" name="submit_token" value="t"></form>'
    )
    due = date(2027, 1, 31)
    [single] = htmlform.forms(one_box)
    assert single.fill_date("due_on", due) == {"due_on": "2027-01-31"}
    assert single.defaults() == {"due_on": "", "owner_id": ""}
    [split] = htmlform.forms(parts)
    assert split.fill_date("due_on", due) == {
        "due_on-day": "31",
        "due_on-month": "1",
        "due_on-year": "2027",
    }
    assert htmlform.action_data(parts, "x", due) is None  # no owner offered: nothing sent
