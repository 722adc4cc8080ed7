from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from engage.accounts.models import Role, User
from engage.audit.models import AuditEvent
from engage.extensions import db
from tests.factories.accounts import client_at, credentials, make_user, pause_account_for_everyone
from tests.factories.organisation import make_directorate, make_unit, staff_group


def _form(**overrides: object) -> dict[str, object]:
    unit = make_unit()
    data: dict[str, object] = {
        "name": "Priya Shah",
        "email": "priya.shah@test.nhs.uk",
        "role": "staff",
        "unit_id": str(unit.id),
        "staff_group_id": str(staff_group().id),
        "active": "y",
    }
    data.update(overrides)
    return data


def test_admin_adds_a_leader_with_units_and_it_is_audited(admin_client: FlaskClient) -> None:
    ward, clinic = make_unit(), make_unit()
    directorate = make_directorate()
    response = admin_client.post(
        "/admin/users/new",
        data=_form(
            role="leader",
            scope_unit_ids=[str(ward.id), str(clinic.id)],
            scope_directorate_ids=[str(directorate.id)],
        ),
    )
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "priya.shah@test.nhs.uk"))
    assert user is not None and user.role_enum is Role.LEADER
    assert {s.unit_id for s in user.scopes if s.unit_id} == {ward.id, clinic.id}
    assert [s.directorate_id for s in user.scopes if s.directorate_id] == [directorate.id]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.created"))
    assert event is not None and event.target_id == str(user.id)
    assert "Priya Shah" in admin_client.get(response.location).get_data(as_text=True)


def test_leader_without_scope_is_refused_and_form_keeps_input(admin_client: FlaskClient) -> None:
    page = admin_client.post("/admin/users/new", data=_form(role="leader")).get_data(as_text=True)
    assert "Select at least one unit or directorate this leader is responsible for" in page
    assert 'value="Priya Shah"' in page
    assert (
        db.session.scalar(select(func.count()).where(User.email == "priya.shah@test.nhs.uk")) == 0
    )


def test_duplicate_email_is_refused_beside_the_field(admin_client: FlaskClient) -> None:
    make_user(email="taken@test.nhs.uk")
    page = admin_client.post("/admin/users/new", data=_form(email="TAKEN@test.nhs.uk"))
    text = page.get_data(as_text=True)
    assert "A user with this email address already exists" in text
    assert 'href="#email"' in text


def test_bad_email_and_oversized_name_are_refused(admin_client: FlaskClient) -> None:
    page = admin_client.post(
        "/admin/users/new", data=_form(email="not an email", name="x" * 121)
    ).get_data(as_text=True)
    assert "Enter an email address in the correct format" in page
    assert "Name must be 120 characters or fewer" in page


def test_unknown_unit_choice_is_refused(admin_client: FlaskClient) -> None:
    page = admin_client.post("/admin/users/new", data=_form(unit_id="999999"))
    assert "Not a valid choice" in page.get_data(as_text=True)


def test_hostile_name_is_stored_inert(admin_client: FlaskClient) -> None:
    hostile = "<script>alert(1)</script>' OR 1=1 -- \u202e\u0000"
    admin_client.post("/admin/users/new", data=_form(name=hostile))
    user = db.session.scalar(select(User).where(User.email == "priya.shah@test.nhs.uk"))
    assert user is not None
    assert user.name == "<script>alert(1)</script>' OR 1=1 --"
    listing = admin_client.get("/admin/users?q=priya").get_data(as_text=True)
    assert "<script>alert(1)" not in listing
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in listing


def test_edit_user_records_before_and_after(admin_client: FlaskClient) -> None:
    user = make_user(name="Old Name")
    response = admin_client.post(
        f"/admin/users/{user.id}",
        data=_form(name="New Name", email=user.email, unit_id=str(user.unit_id)),
    )
    assert response.status_code == 302
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.updated"))
    assert event is not None
    assert event.detail["before"]["name"] == "Old Name"
    assert event.detail["after"]["name"] == "New Name"


def test_admin_cannot_remove_their_own_admin_role(admin_client: FlaskClient, admin: User) -> None:
    page = admin_client.post(
        f"/admin/users/{admin.id}", data=_form(email=admin.email, role="staff")
    ).get_data(as_text=True)
    assert "You cannot remove your own administrator access" in page
    assert db.session.get(User, admin.id).role == "admin"


def test_search_and_paginate_users(admin_client: FlaskClient) -> None:
    unit = make_unit()
    for number in range(55):
        make_user(unit=unit, name=f"Zed Person {number:02d}")
    first = admin_client.get("/admin/users?q=zed+person").get_data(as_text=True)
    assert "55 users found" in first
    assert "Page 2 of 2" in first
    second = admin_client.get("/admin/users?q=zed+person&page=2").get_data(as_text=True)
    assert "Zed Person 54" in second and "Zed Person 00" not in second


def test_an_account_paused_for_everyone_can_be_unlocked(
    app: Flask, admin_client: FlaskClient
) -> None:
    user = make_user()
    clients = pause_account_for_everyone(app, user)
    assert "Account locked" in admin_client.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert clients[-1].post("/sign-in", data=credentials(user)).status_code == 429
    admin_client.post(f"/admin/users/{user.id}/unlock")
    assert "Account locked" not in admin_client.get(f"/admin/users/{user.id}").get_data(
        as_text=True
    )
    fresh = client_at(app, "10.200.0.1")
    assert fresh.post("/sign-in", data=credentials(user)).status_code == 302


def test_unknown_user_is_not_found(admin_client: FlaskClient) -> None:
    assert admin_client.get("/admin/users/999999").status_code == 404
