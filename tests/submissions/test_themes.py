from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import select

from engage.extensions import db
from engage.submissions.models import Theme
from tests.factories.accounts import make_user, sign_in
from tests.factories.submissions import theme


def test_default_themes_come_from_the_migration(client: FlaskClient) -> None:
    names = list(db.session.scalars(select(Theme.name).order_by(Theme.position)))
    assert names[0] == "Patient safety and quality" and "Bullying or harassment" in names


def test_admin_adds_and_retires_themes(admin_client: FlaskClient) -> None:
    admin_client.post("/admin/themes/new", data={"name": "Car parking", "active": "y"})
    added = db.session.scalar(select(Theme).where(Theme.name == "Car parking"))
    assert added is not None and added.active
    clash = admin_client.post("/admin/themes/new", data={"name": "car PARKING", "active": "y"})
    assert "A theme with this name already exists" in clash.get_data(as_text=True)
    other = theme("Other")
    admin_client.post(f"/admin/themes/{other.id}", data={"name": "Other"})
    assert db.session.get(Theme, other.id).active is False  # type: ignore[union-attr]


def test_retired_themes_are_not_offered(client: FlaskClient) -> None:
    retired = theme("Other")
    retired.active = False
    db.session.commit()
    sign_in(client, make_user())
    page = client.get("/speak-up").get_data(as_text=True)
    assert f'value="{retired.id}"' not in page
