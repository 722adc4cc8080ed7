from __future__ import annotations

from datetime import date, timedelta

from flask.testing import FlaskClient
from sqlalchemy import select

from engage.accounts.models import Role, User
from engage.audit.models import AuditEvent
from engage.extensions import db
from engage.organisation.models import Unit
from engage.responses.models import Action, ActionStatus, Decision
from engage.submissions.models import Kind, Status, Submission
from engage.timeutil import london_today, utcnow
from tests.factories.accounts import make_user, sign_in
from tests.factories.digests import deliver_alerts_after
from tests.factories.forms import typed_date
from tests.factories.organisation import make_unit
from tests.factories.responses import make_action
from tests.factories.smtp import Inbox
from tests.factories.submissions import make_submission


def _setting(client: FlaskClient) -> tuple[Unit, User, User, Submission]:
    ward = make_unit()
    leader = make_user(Role.LEADER, leads_units=(ward,))
    raiser = make_user(unit=ward, email="raiser@test.nhs.uk")
    idea = make_submission(raiser, title="Second bladder scanner")
    sign_in(client, leader)
    return ward, leader, raiser, idea


def _decide(client: FlaskClient, idea: Submission, **data: str) -> str:
    form = {"outcome": "adopt", "response": "Thank you: we will buy one."}
    form.update(data)
    return client.post(f"/submissions/{idea.id}/decision", data=form).get_data(as_text=True)


def _action(client: FlaskClient, idea: Submission, owner: User, **data: object) -> str:
    form: dict[str, object] = {
        "description": "Order the scanner",
        "owner_id": str(owner.id),
        **typed_date("due_on", (utcnow().date() + timedelta(days=14))),
        "status": "planned",
        "progress": "0",
    }
    form.update(data)
    return client.post(f"/submissions/{idea.id}/actions/new", data=form).get_data(as_text=True)


def test_a_decision_is_told_to_the_submitter_and_audited(
    client: FlaskClient, smtp_inbox: Inbox
) -> None:
    _, leader, raiser, idea = _setting(client)
    _decide(client, idea)
    decided = db.session.get(Submission, idea.id)
    assert decided is not None and decided.status_enum is Status.DECISION_MADE
    deliver_alerts_after(client.application)  # updates are coalesced for 15 minutes
    [mail] = smtp_inbox.to(raiser.email)
    assert "bladder" not in mail.get_content().lower()
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "decision.made"))
    assert event is not None and event.actor_id == leader.id
    submitter_view = client.application.test_client()
    sign_in(submitter_view, raiser)
    page = submitter_view.get(f"/submissions/{idea.id}").get_data(as_text=True)
    assert "Adopt it" in page and "Thank you: we will buy one." in page


def test_not_taken_forward_needs_a_reason_the_submitter_sees(client: FlaskClient) -> None:
    _, _, raiser, idea = _setting(client)
    missing = _decide(client, idea, outcome="not_taken_forward", reason="")
    assert "Give the reason it is not being taken forward" in missing
    assert db.session.scalar(select(Decision)) is None
    _decide(
        client, idea, outcome="not_taken_forward", reason="The budget is committed until April."
    )
    refused = db.session.get(Submission, idea.id)
    assert refused is not None and refused.status_enum is Status.NOT_TAKEN_FORWARD
    submitter_view = client.application.test_client()
    sign_in(submitter_view, raiser)
    page = submitter_view.get(f"/submissions/{idea.id}").get_data(as_text=True)
    assert "The budget is committed until April." in page


def test_already_in_hand_links_the_existing_action(client: FlaskClient) -> None:
    _, leader, raiser, idea = _setting(client)
    earlier = make_submission(raiser, title="Scanner shortage")
    existing = make_action(earlier, owner=leader, description="Scanner business case")
    missing = _decide(client, idea, outcome="already_in_hand")
    assert "Select the action that already covers this" in missing
    _decide(client, idea, outcome="already_in_hand", existing_action_id=str(existing.id))
    decision = db.session.scalar(select(Decision).where(Decision.submission_id == idea.id))
    assert decision is not None and decision.existing_action_id == existing.id
    assert "Scanner business case" in client.get(f"/submissions/{idea.id}").get_data(as_text=True)


def test_a_second_decision_is_refused(client: FlaskClient) -> None:
    _, _, _, idea = _setting(client)
    _decide(client, idea)
    assert "A decision has already been made on this" in _decide(client, idea, outcome="pilot")


def test_actions_check_due_date_owner_and_progress(client: FlaskClient) -> None:
    _, leader, raiser, idea = _setting(client)
    assert "Record a decision before adding actions" in _action(client, idea, leader)
    _decide(client, idea)
    past = _action(client, idea, leader, **typed_date("due_on", london_today() - timedelta(days=1)))
    assert "Due date must be today or in the future" in past
    stranger = make_user(unit=make_unit())
    assert "Choose an owner who works in the units you lead" in _action(client, idea, stranger)
    assert "Progress must be a whole number from 0 to 100" in _action(
        client, idea, leader, progress="150"
    )
    assert "Say why the action was dropped" in _action(client, idea, leader, status="dropped")
    assert db.session.scalar(select(Action)) is None
    _action(client, idea, raiser)
    action = db.session.scalar(select(Action))
    assert action is not None and action.owner_id == raiser.id
    assert "action.created" in set(db.session.scalars(select(AuditEvent.action)))


def test_an_owner_number_no_account_could_have_is_refused_beside_the_field(
    client: FlaskClient,
) -> None:
    _, leader, raiser, idea = _setting(client)
    _decide(client, idea)
    action = make_action(idea, owner=raiser)
    for number in (2**31, 2**63):
        added = _action(client, idea, leader, owner_id=str(number))
        assert "Choose an owner who works in the units you lead" in added
        form = {
            "description": "Order it",
            "owner_id": str(number),
            **typed_date("due_on", date(2031, 1, 31)),
        }
        edited = client.post(f"/actions/{action.id}", data={**form, "progress": "5"})
        assert edited.status_code == 200
        assert "Choose an owner who works in the units you lead" in edited.get_data(as_text=True)
    assert db.session.scalars(select(Action.owner_id)).all() == [raiser.id]


def test_progress_rolls_up_and_overdue_actions_show(client: FlaskClient) -> None:
    _, leader, _, idea = _setting(client)
    _decide(client, idea)
    parent = make_action(idea, owner=leader, description="Improve scanning")
    make_action(
        idea,
        owner=leader,
        description="Order scanner",
        parent=parent,
        progress=100,
        status=ActionStatus.DONE,
    )
    make_action(idea, owner=leader, description="Train staff", parent=parent, progress=50)
    make_action(
        idea, owner=leader, description="Dropped idea", parent=parent, status=ActionStatus.DROPPED
    )
    late = make_action(idea, owner=leader, description="Late one", due_in_days=0)
    late.due_on = utcnow().date() - timedelta(days=3)
    db.session.commit()
    page = client.get(f"/submissions/{idea.id}").get_data(as_text=True)
    row = page[page.index("Improve scanning") : page.index("Order scanner")]
    assert "75%" in row, "the mean of 100 and 50; the dropped child does not count"
    assert "Overdue" in page[page.index("Late one") :]


def test_owner_updates_progress_but_colleagues_cannot(client: FlaskClient) -> None:
    ward, _, raiser, idea = _setting(client)
    _decide(client, idea)
    action = make_action(idea, owner=raiser)
    owner_client = client.application.test_client()
    sign_in(owner_client, raiser)
    form = {
        "description": action.description,
        "owner_id": str(raiser.id),
        **typed_date("due_on", action.due_on),
        "status": "done",
        "progress": "40",
    }
    assert owner_client.post(f"/actions/{action.id}", data=form).status_code == 302
    done = db.session.get(Action, action.id)
    assert done is not None and done.status_enum is ActionStatus.DONE and done.progress == 100
    assert done.completed_on == london_today()
    colleague = client.application.test_client()
    sign_in(colleague, make_user(unit=ward))
    assert colleague.post(f"/actions/{action.id}", data=form).status_code == 403
    assert "My actions" in owner_client.get("/actions/mine").get_data(as_text=True)


def test_closed_items_can_no_longer_change(client: FlaskClient) -> None:
    _, leader, _, idea = _setting(client)
    _decide(client, idea)
    action = make_action(idea, owner=leader)
    client.post(f"/submissions/{idea.id}/status", data={"status": "closed"})
    refused = _action(client, idea, leader)
    assert "This is closed, so it can no longer be changed" in refused
    edit = client.post(
        f"/actions/{action.id}",
        data={
            "description": "x",
            "owner_id": str(leader.id),
            **typed_date("due_on", london_today()),
            "status": "done",
            "progress": "100",
        },
    )
    assert "This is closed, so it can no longer be changed" in edit.get_data(as_text=True)


def test_an_owner_who_cannot_see_the_submission_goes_back_to_their_actions(
    client: FlaskClient,
) -> None:
    ward = make_unit()
    leader = make_user(Role.LEADER, leads_units=(ward,))
    owner = make_user(unit=ward)
    concern = make_submission(make_user(unit=ward), kind=Kind.CONCERN)
    sign_in(client, leader)
    client.post(
        f"/submissions/{concern.id}/decision", data={"outcome": "adopt", "response": "Yes."}
    )
    action = make_action(concern, owner=owner)
    owner_client = client.application.test_client()
    sign_in(owner_client, owner)
    assert owner_client.get(f"/submissions/{concern.id}").status_code == 403
    saved = owner_client.post(
        f"/actions/{action.id}",
        data={
            "description": action.description,
            "owner_id": str(owner.id),
            **typed_date("due_on", action.due_on),
            "status": "in_progress",
            "progress": "30",
        },
    )
    assert saved.status_code == 302 and saved.location.endswith("/actions/mine")
