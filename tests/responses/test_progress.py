"""Status and progress agree, and parents follow their parts: the rules on their own, then
each transition as saved through the form (on both databases)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from engage.accounts.models import Role, User
from engage.audit.models import AuditEvent
from engage.errors import ValidationFailed
from engage.extensions import db
from engage.responses.models import Action, ActionStatus
from engage.responses.progress import Progress, combined, settle
from engage.submissions.models import Submission
from engage.timeutil import london_today
from tests.factories.accounts import make_user, sign_in
from tests.factories.forms import typed_date
from tests.factories.organisation import make_unit
from tests.factories.responses import make_action
from tests.factories.submissions import make_submission

PLANNED, IN_PROGRESS, DONE, DROPPED = (
    ActionStatus.PLANNED,
    ActionStatus.IN_PROGRESS,
    ActionStatus.DONE,
    ActionStatus.DROPPED,
)


@pytest.mark.parametrize(
    ("status", "percent", "was", "expected"),
    [
        (DONE, 40, None, Progress(DONE, 100)),  # marking done sets 100%
        (IN_PROGRESS, 100, IN_PROGRESS, Progress(DONE, 100)),  # 100% is done
        (PLANNED, 100, None, Progress(DONE, 100)),
        (PLANNED, 1, PLANNED, Progress(IN_PROGRESS, 1)),  # started work is in progress
        (PLANNED, 0, None, Progress(PLANNED, 0)),
        (IN_PROGRESS, 0, PLANNED, Progress(IN_PROGRESS, 0)),
        (IN_PROGRESS, 99, DONE, Progress(IN_PROGRESS, 99)),  # reopened, below 100%
        (DROPPED, 60, IN_PROGRESS, Progress(DROPPED, 60)),
    ],
)
def test_status_and_progress_settle_together(
    status: ActionStatus, percent: int, was: ActionStatus | None, expected: Progress
) -> None:
    assert settle(status, percent, was) == expected


def test_reopening_a_done_action_at_100_percent_asks_for_less() -> None:
    with pytest.raises(ValidationFailed) as refused:
        settle(IN_PROGRESS, 100, was=DONE)
    assert refused.value.field == "progress"
    assert "below 100%" in refused.value.message


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        ([Progress(DONE, 100), Progress(DONE, 100)], Progress(DONE, 100)),
        ([Progress(DONE, 100), Progress(DROPPED, 10)], Progress(DONE, 100)),
        ([Progress(DONE, 100), Progress(PLANNED, 0)], Progress(IN_PROGRESS, 50)),
        ([Progress(IN_PROGRESS, 0), Progress(PLANNED, 0)], Progress(IN_PROGRESS, 0)),
        ([Progress(PLANNED, 0), Progress(PLANNED, 0)], Progress(PLANNED, 0)),
        (
            [Progress(PLANNED, 0), Progress(IN_PROGRESS, 25), Progress(DONE, 100)],
            Progress(IN_PROGRESS, 42),
        ),
        ([Progress(DROPPED, 0)], None),
        ([], None),
    ],
)
def test_a_parent_follows_its_live_parts(parts: list[Progress], expected: Progress | None) -> None:
    assert combined(parts) == expected


def test_the_response_reads_completed_when_every_action_is_done() -> None:
    assert Progress(DONE, 100).label == "Completed"
    assert Progress(IN_PROGRESS, 30).label == "In progress"


# -- through the form and the database ------------------------------------------------------


def _world(client: FlaskClient) -> tuple[User, Submission]:
    ward = make_unit()
    leader = make_user(Role.LEADER, leads_units=(ward,))
    idea = make_submission(make_user(unit=ward))
    sign_in(client, leader)
    client.post(f"/submissions/{idea.id}/decision", data={"outcome": "adopt", "response": "Yes"})
    return leader, idea


def _save(client: FlaskClient, action: Action, status: str, progress: int) -> Any:
    form = {
        "description": action.description,
        "owner_id": str(action.owner_id),
        **typed_date("due_on", action.due_on),
        "status": status,
        "progress": str(progress),
        "dropped_reason": "Not needed" if status == "dropped" else "",
    }
    return client.post(f"/actions/{action.id}", data=form)


def _state(action: Action) -> tuple[str, int]:
    db.session.expire_all()
    fresh = db.session.get(Action, action.id)
    assert fresh is not None
    return fresh.status, fresh.progress


def test_an_action_at_100_percent_is_done_and_done_is_100(client: FlaskClient) -> None:
    leader, idea = _world(client)
    action = make_action(idea, owner=leader)
    assert _save(client, action, "in_progress", 100).status_code == 302
    assert _state(action) == ("done", 100)
    assert db.session.get(Action, action.id).completed_on == london_today()  # type: ignore[union-attr]
    reopened = _save(client, action, "in_progress", 100)
    assert reopened.status_code == 200
    assert "To reopen a done action, set its progress below 100%" in reopened.get_data(as_text=True)
    assert _state(action) == ("done", 100), "nothing half-written"
    assert _save(client, action, "in_progress", 80).status_code == 302
    assert _state(action) == ("in_progress", 80)
    assert db.session.get(Action, action.id).completed_on is None  # type: ignore[union-attr]
    assert _save(client, action, "planned", 10).status_code == 302
    assert _state(action) == ("in_progress", 10), "work started is in progress"
    assert _save(client, action, "done", 10).status_code == 302
    assert _state(action) == ("done", 100)


def test_a_parent_follows_its_parts_through_each_change(client: FlaskClient) -> None:
    leader, idea = _world(client)
    parent = make_action(idea, owner=leader, description="Improve scanning")
    first = make_action(idea, owner=leader, description="Order scanner", parent=parent)
    second = make_action(idea, owner=leader, description="Train staff", parent=parent)
    page = client.get(f"/submissions/{idea.id}").get_data(as_text=True)
    assert "Actions overall" in page and "Planned" in page

    _save(client, first, "in_progress", 40)
    assert _state(parent) == ("in_progress", 20), "any part in progress: in progress"
    assert "In progress</strong> 20% done" in client.get(f"/submissions/{idea.id}").get_data(
        as_text=True
    )
    _save(client, first, "done", 40)
    assert _state(parent) == ("in_progress", 50)
    _save(client, second, "in_progress", 100)
    assert _state(parent) == ("done", 100), "all parts done: the parent is done"
    page = client.get(f"/submissions/{idea.id}").get_data(as_text=True)
    assert "Completed</strong> 100% done" in page
    assert db.session.get(Action, parent.id).completed_on == london_today()  # type: ignore[union-attr]

    # A new part that has not started reopens the parent; dropping it completes it again.
    added = client.post(
        f"/submissions/{idea.id}/actions/new",
        data={
            "description": "Audit use",
            "owner_id": str(leader.id),
            **typed_date("due_on", london_today() + timedelta(days=30)),
            "status": "planned",
            "progress": "0",
            "parent_id": str(parent.id),
        },
    )
    assert added.status_code == 302
    assert _state(parent) == ("in_progress", 67)
    third = db.session.scalar(select(Action).where(Action.description == "Audit use"))
    assert third is not None
    _save(client, third, "dropped", 0)
    assert _state(parent) == ("done", 100)
    # The parent's own status gives way to its parts', unless it is dropped, and whoever
    # saved it is told so rather than only "Action saved.".
    assert _save(client, parent, "planned", 0).status_code == 302
    assert _state(parent) == ("done", 100)
    told = client.get(f"/submissions/{idea.id}").get_data(as_text=True)
    assert "A main action follows its parts, so it is done at 100%" in told
    assert _save(client, parent, "done", 100).status_code == 302  # what its parts give
    kept = client.get(f"/submissions/{idea.id}").get_data(as_text=True)
    assert "Action saved." in kept and "follows its parts, so it is" not in kept
    assert _save(client, parent, "dropped", 0).status_code == 302
    assert _state(parent) == ("dropped", 0)
    _save(client, first, "in_progress", 50)
    assert _state(parent) == ("dropped", 0), "a dropped parent stays dropped"
    follows = db.session.scalar(
        select(func.count(AuditEvent.id)).where(AuditEvent.summary.like("%follows its parts"))
    )
    assert follows and follows >= 4, "each change the parts made to the parent is audited"


def test_all_planned_parts_leave_the_parent_planned(client: FlaskClient) -> None:
    leader, idea = _world(client)
    parent = make_action(idea, owner=leader, description="Main")
    part = make_action(idea, owner=leader, description="Part", parent=parent)
    _save(client, part, "in_progress", 30)
    _save(client, part, "planned", 0)
    assert _state(parent) == ("planned", 0), "back to nothing started: planned"
