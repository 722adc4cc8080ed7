"""The audit page's action filter comes from engage.audit.actions, so that list must name every
action the code records (issue 15: no SELECT DISTINCT over the table)."""

from __future__ import annotations

import ast
from pathlib import Path

from flask.testing import FlaskClient

import engage
from engage.accounts.models import Role
from engage.audit.actions import ACTIONS
from tests.factories.accounts import make_user, sign_in

DYNAMIC = {"message.": ("message.handler", "message.submitter")}


def _recorded_actions() -> set[str]:
    """Each `record(actor, "<action>", ...)` in the package; f-strings by their fixed prefix."""
    found: set[str] = set()
    for path in Path(engage.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            is_record = isinstance(node, ast.Call) and (
                getattr(node.func, "id", None) == "record"
                or getattr(node.func, "attr", None) == "record"
            )
            if not is_record or len(node.args) < 2:  # type: ignore[attr-defined]
                continue
            action = node.args[1]  # type: ignore[attr-defined]
            if isinstance(action, ast.Constant) and isinstance(action.value, str):
                found.add(action.value)
            elif isinstance(action, ast.JoinedStr):
                prefix = action.values[0]
                assert isinstance(prefix, ast.Constant), f"{path}: an action built at run time"
                found.update(DYNAMIC[prefix.value])
    return found


def test_every_recorded_action_is_in_the_list() -> None:
    recorded = _recorded_actions()
    assert len(recorded) > 40
    assert sorted(recorded - set(ACTIONS)) == []


def test_the_filter_offers_an_action_nobody_has_done_yet(client: FlaskClient) -> None:
    sign_in(client, make_user(Role.ADMIN))
    page = client.get("/admin/audit").get_data(as_text=True)
    assert 'value="guardian.identity_revealed"' in page and 'value="unit.updated"' in page
