"""The settings page, "My digests" and the administrators' send time."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from engage.accounts.models import Role
from engage.digests import preferences
from engage.digests.models import (
    AlertKind,
    Delivery,
    DigestKind,
    Frequency,
    NotificationPreference,
    TrustSetting,
)
from engage.digests.schedule import send_time
from engage.extensions import db
from tests.factories.accounts import make_user, sign_in
from tests.factories.digests import make_digest


def test_a_leader_sees_the_defaults_and_saves_their_choices(client: FlaskClient) -> None:
    leader = make_user(Role.LEADER)
    sign_in(client, leader)
    page = client.get("/settings/notifications").get_data(as_text=True)
    assert "A new idea in your area" in page and "Leader&#39;s digest" in page
    assert 'name="alert_new_idea" type="radio" value="daily" checked' in page
    choices = preferences.alert_choices(leader)
    assert choices[AlertKind.NEW_IDEA] is Delivery.DAILY
    assert choices[AlertKind.UPDATE] is Delivery.IMMEDIATE
    response = client.post(
        "/settings/notifications",
        data={
            "alert_new_idea": "weekly",
            "alert_new_concern": "immediate",
            "alert_escalation": "daily",
            "alert_update": "daily",
            "digest_leader": "off",
            "digest_staff": "monthly",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert preferences.alert_choices(leader)[AlertKind.NEW_IDEA] is Delivery.WEEKLY
    digests = preferences.digest_choices(leader)
    assert not digests[DigestKind.LEADER].enabled
    assert (
        digests[DigestKind.STAFF].enabled
        and digests[DigestKind.STAFF].frequency is Frequency.MONTHLY
    )


def test_a_staff_member_is_offered_only_their_own_choices(client: FlaskClient) -> None:
    sign_in(client, make_user())
    page = client.get("/settings/notifications").get_data(as_text=True)
    assert "An update on something you raised" in page
    assert "A new idea in your area" not in page and "Guardian" not in page


def test_a_bad_choice_is_shown_beside_the_field_and_nothing_is_saved(
    client: FlaskClient,
) -> None:
    user = make_user()
    sign_in(client, user)
    response = client.post(
        "/settings/notifications", data={"alert_update": "hourly", "digest_staff": "weekly"}
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "There is a problem" in page and "Not a valid choice" in page
    kept = 'name="digest_staff" type="radio" value="weekly" checked'
    assert kept in page, "the form keeps what was chosen"
    count = db.session.scalar(select(func.count(NotificationPreference.id)))
    assert count == 0


def test_my_digests_lists_only_mine_and_refuses_anothers(client: FlaskClient) -> None:
    reader, other = make_user(), make_user()
    mine = make_digest(reader)
    theirs = make_digest(other)
    sign_in(client, reader)
    listing = client.get("/digests").get_data(as_text=True)
    assert f"/digests/{mine.id}" in listing and f"/digests/{theirs.id}" not in listing
    shown = client.get(f"/digests/{mine.id}")
    assert shown.status_code == 200 and "<h1>You said, we did</h1>" in shown.get_data(as_text=True)
    assert client.get(f"/digests/{theirs.id}").status_code == 403
    assert client.get("/digests/999999999").status_code == 404


def test_an_admin_sets_the_day_and_hour(app: Flask, client: FlaskClient) -> None:
    sign_in(client, make_user(Role.ADMIN))
    page = client.get("/admin/digests").get_data(as_text=True)
    assert '<option value="0" selected>Monday</option>' in page
    response = client.post("/admin/digests", data={"weekday": "4", "hour": "18"})
    assert response.status_code == 302
    with app.app_context():
        assert (send_time().weekday, send_time().hour) == (4, 18)
    assert db.session.scalar(select(func.count(TrustSetting.key))) == 2
    refused = client.post("/admin/digests", data={"weekday": "9", "hour": "25"})
    assert refused.status_code == 200 and "Not a valid choice" in refused.get_data(as_text=True)


def test_only_admins_set_the_send_time(client: FlaskClient) -> None:
    sign_in(client, make_user(Role.LEADER))
    response = client.post("/admin/digests", data={"weekday": "4", "hour": "18"})
    assert response.status_code == 403
    assert db.session.scalar(select(func.count(TrustSetting.key))) == 0
