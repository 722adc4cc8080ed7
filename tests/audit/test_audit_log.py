from __future__ import annotations

from datetime import date, timedelta

from flask.testing import FlaskClient

from engage.accounts.models import Role
from engage.audit.services import record
from engage.extensions import db
from engage.timeutil import london_day
from tests.factories.accounts import make_user, sign_in
from tests.factories.forms import date_query


def test_admin_reads_and_filters_the_audit_log(admin_client: FlaskClient) -> None:
    leader = make_user(Role.LEADER, email="lead@test.nhs.uk")
    record(leader, "decision.made", leader, "Decision made on idea 12")
    record(None, "mail.retried", None, "Weekly digest sent")
    db.session.commit()
    everything = admin_client.get("/admin/audit").get_data(as_text=True)
    assert "Decision made on idea 12" in everything and "Weekly digest sent" in everything
    by_actor = admin_client.get("/admin/audit?actor=LEAD@test.nhs.uk").get_data(as_text=True)
    assert "Decision made on idea 12" in by_actor and "Weekly digest sent" not in by_actor
    by_action = admin_client.get("/admin/audit?action=mail.retried").get_data(as_text=True)
    assert "Weekly digest sent" in by_action and "Decision made" not in by_action
    by_text = admin_client.get("/admin/audit?text=idea+12").get_data(as_text=True)
    assert "Decision made on idea 12" in by_text and "Weekly digest" not in by_text


def test_anonymous_events_keep_no_person_and_only_the_date(client: FlaskClient) -> None:
    someone = make_user()
    event = record(someone, "concern.created", None, "Anonymous concern", anonymous=True)
    db.session.commit()
    assert event.actor_id is None
    assert (event.occurred_at.hour, event.occurred_at.minute, event.occurred_at.second) == (0, 0, 0)


def test_bad_date_range_gets_a_message(admin_client: FlaskClient) -> None:
    page = admin_client.get(
        f"/admin/audit?{date_query(date_from=date(2026, 5, 1), date_to=date(2026, 4, 1))}"
    )
    assert (
        "The &#39;to&#39; date must be the same as or after the &#39;from&#39; date"
        in page.get_data(as_text=True)
    )
    query = "date_from-day=yesterday&date_from-month=1&date_from-year=2026"
    malformed = admin_client.get(f"/admin/audit?{query}")
    assert malformed.status_code == 200
    assert "Start date must be a real date" in malformed.get_data(as_text=True)


def test_a_range_ends_at_the_end_of_its_last_day(admin_client: FlaskClient) -> None:
    event = record(None, "mail.retried", None, "Weekly digest sent")
    db.session.commit()
    # The event's own day, not the clock's: a run at midnight must not move the boundary.
    today = london_day(event.occurred_at)  # the day on the page's clock
    yesterday = today - timedelta(days=1)
    for last_day, shown in ((today, True), (yesterday, False), (date.max, True)):
        page = admin_client.get(f"/admin/audit?{date_query(date_to=last_day)}")
        assert page.status_code == 200, last_day
        assert ("Weekly digest sent" in page.get_data(as_text=True)) is shown, last_day


def test_leaders_cannot_read_the_audit_log(client: FlaskClient) -> None:
    sign_in(client, make_user(Role.LEADER))
    assert client.get("/admin/audit").status_code == 403
