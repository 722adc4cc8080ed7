from __future__ import annotations

import io

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from engage.accounts.models import Role, User
from engage.audit.models import AuditEvent
from engage.extensions import db
from engage.organisation.models import Directorate, Unit
from engage.submissions.models import Kind
from tests.factories.accounts import make_user, sign_in
from tests.factories.organisation import make_unit
from tests.factories.submissions import make_submission


def _upload(client: FlaskClient, kind: str, content: bytes | str) -> str:
    data = content.encode() if isinstance(content, str) else content
    response = client.post(
        "/admin/import",
        data={"kind": kind, "file": (io.BytesIO(data), "extract.csv")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_units_then_staff_import_creates_everything(admin_client: FlaskClient) -> None:
    units_page = _upload(
        admin_client,
        "units",
        "Unit,Directorate,Headcount\n"
        "Ward 30,Medicine,42\nWard 31,Medicine,38\nTheatre 2,Surgery,60\n",
    )
    assert "Import complete: 3 added and 0 updated" in units_page
    assert db.session.scalar(select(Unit).where(Unit.name == "Ward 31")).headcount == 38
    assert {d.name for d in db.session.scalars(select(Directorate))} >= {"Medicine", "Surgery"}

    staff_page = _upload(
        admin_client,
        "staff",
        "\ufeffName,Email,Unit,Staff group,Role\n"
        "Kemi Adeyemi,Kemi.Adeyemi@test.nhs.uk,Ward 30,Registered Nurses and Midwives,staff\n"
        "Wei Chen,wei.chen@test.nhs.uk,ward 31,medical and dental,Leader\n",
    )
    assert "Import complete: 2 added and 0 updated" in staff_page
    kemi = db.session.scalar(select(User).where(User.email == "kemi.adeyemi@test.nhs.uk"))
    wei = db.session.scalar(select(User).where(User.email == "wei.chen@test.nhs.uk"))
    assert kemi is not None and kemi.unit is not None and kemi.unit.name == "Ward 30"
    assert kemi.password_hash is None, "imported staff set their own password"
    assert wei is not None and wei.role_enum is Role.LEADER
    assert [scope.unit.name for scope in wei.scopes if scope.unit] == ["Ward 31"]
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"import.units", "import.staff"} <= actions


def test_reimport_updates_existing_staff(admin_client: FlaskClient) -> None:
    unit = make_unit(name="Ward Forty")
    existing = make_user(email="move.me@test.nhs.uk", name="Old Name")
    page = _upload(
        admin_client,
        "staff",
        "name,email,unit,staff group,role\n"
        f"New Name,move.me@test.nhs.uk,{unit.name},Students,staff\n",
    )
    assert "0 added and 1 updated" in page
    updated = db.session.get(User, existing.id)
    assert updated is not None
    assert updated.name == "New Name" and updated.unit_id == unit.id


def test_every_bad_row_is_reported_and_nothing_is_imported(admin_client: FlaskClient) -> None:
    make_unit(name="Ward Fifty")
    before = _count(User)
    page = _upload(
        admin_client,
        "staff",
        "name,email,unit,staff group,role\n"
        "Good Person,good@test.nhs.uk,Ward Fifty,Students,staff\n"
        "No Unit,nounit@test.nhs.uk,Ward 99,Students,staff\n"
        "Bad Email,not-an-email,Ward Fifty,Students,staff\n"
        "Twice,good@test.nhs.uk,Ward Fifty,Students,staff\n"
        "Odd Role,odd@test.nhs.uk,Ward Fifty,Astronauts,captain\n",
    )
    assert "nothing was imported" in page
    assert "Line 3: Unit &#39;Ward 99&#39; is not known" in page
    assert "Line 4: &#39;not-an-email&#39; is not a valid email address" in page
    assert "Line 5: Email good@test.nhs.uk is also on line 2" in page
    assert "Line 6: Staff group &#39;Astronauts&#39; is not known; role must be" in page
    assert _count(User) == before


def test_missing_columns_are_named(admin_client: FlaskClient) -> None:
    page = _upload(admin_client, "staff", "name,email\nA,a@test.nhs.uk\n")
    assert "The file is missing columns: unit, staff group, role" in page


def test_wrong_encoding_gets_a_clear_message(admin_client: FlaskClient) -> None:
    page = _upload(
        admin_client, "units", "unit,directorate,headcount\nCaf\xe9,Medicine,4\n".encode("cp1252")
    )
    assert "The file is not UTF-8" in page
    assert _count(Unit) == 0 or "Café" not in page


def test_empty_and_binary_files_are_refused(admin_client: FlaskClient) -> None:
    assert "The file is empty" in _upload(admin_client, "units", b"")
    assert "The file is not a CSV file" in _upload(admin_client, "units", b"\x00\x01\x02unit")


def test_units_with_bad_headcount_or_duplicates_are_refused(admin_client: FlaskClient) -> None:
    page = _upload(
        admin_client,
        "units",
        "unit,directorate,headcount\nWard 60,Medicine,-3\nWard 61,Medicine,ten\n"
        "Ward 62,Medicine,5\nward 62,Surgery,5\n",
    )
    assert "Line 2: Headcount must be a whole number" in page
    assert "Line 3: Headcount must be a whole number" in page
    assert "Line 5: Unit ward 62 is also on line 4" in page
    assert db.session.scalar(select(Unit).where(Unit.name == "Ward 62")) is None


def test_missing_file_or_kind_is_refused_beside_the_field(admin_client: FlaskClient) -> None:
    page = admin_client.post("/admin/import", data={}).get_data(as_text=True)
    assert "Select what the file contains" in page
    assert "Select a CSV file" in page


def test_staff_cannot_import(staff_client: FlaskClient) -> None:
    response = staff_client.post(
        "/admin/import",
        data={
            "kind": "units",
            "file": (io.BytesIO(b"unit,directorate,headcount\nX,Y,1\n"), "x.csv"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 403
    assert db.session.scalar(select(Unit).where(Unit.name == "X")) is None


def test_unicode_digits_in_a_headcount_are_refused(admin_client: FlaskClient) -> None:
    page = _upload(admin_client, "units", "unit,directorate,headcount\nWard 80,Medicine,\u00b2\n")
    assert "Line 2: Headcount must be a whole number" in page


def test_a_leader_moved_by_the_import_stops_leading_the_old_unit(
    app: Flask, admin_client: FlaskClient
) -> None:
    """Finding 9: the import moved a leader but kept the old unit's scope, so they still saw
    its open concerns, with names."""
    old_ward, new_ward, also_led = (make_unit(name=f"Moving Ward {n}") for n in "ABC")
    leader = make_user(
        Role.LEADER,
        unit=old_ward,
        email="moving.leader@test.nhs.uk",
        leads_units=(old_ward, also_led),
    )
    raiser = make_user(unit=old_ward)
    make_submission(raiser, kind=Kind.CONCERN, title="Rota gaps on the old ward")
    leader_client = app.test_client()
    sign_in(leader_client, leader)
    assert "Rota gaps on the old ward" in leader_client.get("/inbox").get_data(as_text=True)

    page = _upload(
        admin_client,
        "staff",
        "name,email,unit,staff group,role\n"
        f"Moving Leader,moving.leader@test.nhs.uk,{new_ward.name},Students,leader\n",
    )
    assert "0 added and 1 updated" in page
    moved = db.session.get(User, leader.id)
    assert moved is not None
    assert sorted(str(scope) for scope in moved.scopes) == [new_ward.name, also_led.name]
    assert "Rota gaps on the old ward" not in leader_client.get("/inbox").get_data(as_text=True)
    event = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "user.scopes_changed", AuditEvent.target_id == str(leader.id)
        )
    )
    assert event is not None
    assert event.detail == {
        "before": sorted([old_ward.name, also_led.name]),
        "after": sorted([new_ward.name, also_led.name]),
    }


def test_someone_no_longer_a_leader_leads_nothing(admin_client: FlaskClient) -> None:
    ward = make_unit(name="Ward Sixty")
    leader = make_user(
        Role.LEADER, unit=ward, email="stepping.down@test.nhs.uk", leads_units=(ward,)
    )
    _upload(
        admin_client,
        "staff",
        "name,email,unit,staff group,role\n"
        f"Stepping Down,stepping.down@test.nhs.uk,{ward.name},Students,staff\n",
    )
    after = db.session.get(User, leader.id)
    assert after is not None and after.role_enum is Role.STAFF and after.scopes == []
