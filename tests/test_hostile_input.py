"""Hostile, malformed and oversized input gets a clear answer, never a server error."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from engage.accounts.models import Role
from engage.date_input import PARTS
from tests.factories.accounts import make_user, sign_in
from tests.factories.organisation import make_unit
from tests.factories.responses import make_action
from tests.factories.submissions import make_submission

HOSTILE_VALUES = [
    "<script>alert(1)</script>",
    "' OR 1=1; DROP TABLE users; --",
    "\x00\x01\x02",
    "\u202e\u200b\ufeff",
    "x" * 20_000,
    "99999999999999999999999999",
    "-1",
    "NaN",
    "",
]
FIELDS = [
    "email",
    "password",
    "name",
    "role",
    "unit_id",
    "staff_group_id",
    "kind",
    "title",
    "description",
    "theme_id",
    "patient_safety",
    "mode",
    "passphrase",
    "passphrase_confirm",
    "body",
    "status",
    "note",
    "original",
    "reason",
    "outcome",
    "response",
    "existing_action_id",
    "owner_id",
    "due_on",
    "progress",
    "parent_id",
    "you_said",
    "we_did",
    "headcount",
    "directorate_id",
    "reference",
    "q",
    "page",
    "quarter",
    "older_than_days",
    "n",
]


@pytest.fixture
def leader_client(client: FlaskClient) -> tuple[FlaskClient, dict[str, int]]:
    ward = make_unit()
    leader = make_user(Role.LEADER, leads_units=(ward,))
    idea = make_submission(make_user(unit=ward))
    action = make_action(idea, owner=leader)
    sign_in(client, leader)
    return client, {
        "submission": idea.id,
        "action": action.id,
        "unit": ward.id,
        "directorate": ward.directorate_id,
    }


@pytest.mark.parametrize("value", HOSTILE_VALUES, ids=range(len(HOSTILE_VALUES)))
def test_every_form_survives_hostile_values(
    value: str, leader_client: tuple[FlaskClient, dict[str, int]]
) -> None:
    client, ids = leader_client
    data = dict.fromkeys(FIELDS, value)
    paths = [
        "/speak-up",
        f"/submissions/{ids['submission']}/messages",
        f"/submissions/{ids['submission']}/status",
        f"/submissions/{ids['submission']}/merge",
        f"/submissions/{ids['submission']}/comments",
        f"/submissions/{ids['submission']}/report",
        f"/submissions/{ids['submission']}/decision",
        f"/submissions/{ids['submission']}/actions/new",
        f"/actions/{ids['action']}",
        f"/submissions/{ids['submission']}/publish",
        "/account",
        "/check",
        "/metrics/chart",
        "/speak-up/similar",
    ]
    for path in paths:
        response = client.post(path, data=data)
        assert response.status_code < 500, path
    for path in (
        "/inbox",
        "/ideas",
        "/submissions/mine",
        f"/boards/unit/{ids['unit']}",
        f"/boards/directorate/{ids['directorate']}/poster",
    ):
        response = client.get(path, query_string=data)
        assert response.status_code < 500, path


@pytest.mark.parametrize(
    "path",
    [
        "/submissions/99999999999999999999999",
        "/actions/99999999999999999999999",
        "/boards/unit/99999999999999999999",
        "/submissions/0",
        # Within the URL's bound but beyond PostgreSQL's INTEGER, which the query would refuse.
        f"/actions/{2**31}",
        f"/boards/directorate/{2**53}/poster",
    ],
)
def test_huge_numbers_in_urls_are_not_found(path: str, staff_client: FlaskClient) -> None:
    assert staff_client.get(path).status_code == 404


def test_numbers_beyond_an_integer_column_are_not_found_by_admins(
    admin_client: FlaskClient,
) -> None:
    for path in (f"/admin/users/{2**31}", f"/admin/units/{2**53}", f"/admin/themes/{2**31}"):
        assert admin_client.get(path).status_code == 404, path
    assert admin_client.post(f"/comments/{2**31}/hide", data={"reason": "Rude"}).status_code == 404


def test_admin_forms_survive_hostile_values(admin_client: FlaskClient) -> None:
    for value in HOSTILE_VALUES:
        data = dict.fromkeys(FIELDS, value)
        for path in (
            "/admin/users/new",
            "/admin/units/new",
            "/admin/directorates/new",
            "/admin/staff-groups/new",
            "/admin/themes/new",
            "/admin/import",
        ):
            assert admin_client.post(path, data=data).status_code < 500, (path, value[:20])
        for path in ("/admin/users", "/admin/audit"):
            query = {
                "q": value,
                "role": value,
                "action": value,
                "actor": value,
                "text": value,
                **{f"date_{end}-{part}": value for end in ("from", "to") for part in PARTS},
                "page": value,
            }
            assert admin_client.get(path, query_string=query).status_code < 500, path
