from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import select

from engage.audit.models import AuditEvent
from engage.extensions import db
from engage.organisation.models import Directorate, StaffGroup, Unit
from tests.factories.organisation import make_directorate, make_unit


def test_worker_groups_come_from_the_migration(client: FlaskClient) -> None:
    names = list(db.session.scalars(select(StaffGroup.name).order_by(StaffGroup.position)))
    assert names[0] == "Allied Health Professionals"
    assert names[-1] == "Not known"
    assert len(names) == 10


def test_admin_adds_a_directorate_and_a_unit(admin_client: FlaskClient) -> None:
    admin_client.post("/admin/directorates/new", data={"name": "Community Services"})
    directorate = db.session.scalar(
        select(Directorate).where(Directorate.name == "Community Services")
    )
    assert directorate is not None
    response = admin_client.post(
        "/admin/units/new",
        data={
            "name": "District Nursing North",
            "directorate_id": directorate.id,
            "headcount": "48",
        },
    )
    assert response.status_code == 302
    page = admin_client.get("/admin/structure").get_data(as_text=True)
    assert "District Nursing North" in page and ">48<" in page
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"directorate.created", "unit.created"} <= actions


def test_unit_rules_are_checked_beside_the_fields(admin_client: FlaskClient) -> None:
    existing = make_unit(name="Ward 70")
    page = admin_client.post(
        "/admin/units/new",
        data={"name": "ward 70", "directorate_id": existing.directorate_id, "headcount": "-1"},
    ).get_data(as_text=True)
    assert "Headcount must be between 0 and 100,000" in page
    page = admin_client.post(
        "/admin/units/new",
        data={"name": "ward 70", "directorate_id": existing.directorate_id, "headcount": "10"},
    ).get_data(as_text=True)
    assert "A unit with this name already exists" in page
    page = admin_client.post(
        "/admin/units/new",
        data={"name": "", "directorate_id": existing.directorate_id, "headcount": "x"},
    ).get_data(as_text=True)
    assert "Enter a name" in page
    assert "Enter the headcount as a whole number" in page or "Not a valid integer value" in page


def test_editing_a_unit_records_before_and_after(admin_client: FlaskClient) -> None:
    unit = make_unit(name="Ward 71", headcount=10)
    admin_client.post(
        f"/admin/units/{unit.id}",
        data={"name": "Ward 71", "directorate_id": unit.directorate_id, "headcount": "12"},
    )
    assert db.session.get(Unit, unit.id).headcount == 12
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "unit.updated"))
    assert event is not None
    assert event.detail["before"]["headcount"] == 10 and event.detail["after"]["headcount"] == 12


def test_renaming_staff_groups_and_directorates(admin_client: FlaskClient) -> None:
    directorate = make_directorate(name="Old Directorate")
    admin_client.post(f"/admin/directorates/{directorate.id}", data={"name": "New Directorate"})
    assert db.session.get(Directorate, directorate.id).name == "New Directorate"
    admin_client.post("/admin/staff-groups/new", data={"name": "Volunteers"})
    assert db.session.scalar(select(StaffGroup).where(StaffGroup.name == "Volunteers")) is not None
    clash = admin_client.post("/admin/staff-groups/new", data={"name": "volunteers"})
    assert "A staff group with this name already exists" in clash.get_data(as_text=True)


def test_missing_records_are_not_found(admin_client: FlaskClient) -> None:
    for path in ("/admin/units/999999", "/admin/directorates/999999", "/admin/staff-groups/999999"):
        assert admin_client.get(path).status_code == 404, path
