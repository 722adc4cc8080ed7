"""Times are shown as the ward's clock shows them (Europe/London), through one filter, across
both clock changes; anonymous items still show a day and never a time (issue 14)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engage.audit.services import record
from engage.extensions import db
from engage.submissions.models import Kind, Message
from engage.timeutil import london_day, london_time
from tests.factories.accounts import make_user, sign_in
from tests.factories.forms import date_query
from tests.factories.organisation import make_unit
from tests.factories.submissions import (
    PASSPHRASE,
    heading_seen_by,
    leader_replies_on_a_ward,
    make_submission,
    message_heading,
    submit_anonymously,
)

# (UTC, as London's clock reads it): either side of each change in 2026.
BOUNDARIES = [
    (datetime(2026, 3, 29, 0, 59), "29 March 2026 at 00:59"),  # GMT, the last minute
    (datetime(2026, 3, 29, 1, 0), "29 March 2026 at 02:00"),  # BST begins: 01:00 is skipped
    (datetime(2026, 7, 1, 21, 52), "1 July 2026 at 22:52"),
    (datetime(2026, 10, 25, 0, 59), "25 October 2026 at 01:59"),  # BST, the first 01:59
    (datetime(2026, 10, 25, 1, 0), "25 October 2026 at 01:00"),  # GMT again: 01:00 twice
    (datetime(2026, 11, 29, 21, 52), "29 November 2026 at 21:52"),
    (datetime(2026, 6, 30, 23, 30), "1 July 2026 at 00:30"),  # the next day in London
]


@pytest.mark.parametrize(("moment", "shown"), BOUNDARIES)
def test_london_time_follows_the_clock_changes(moment: datetime, shown: str) -> None:
    assert london_time(moment) == shown
    assert london_time(moment.replace(tzinfo=UTC)) == shown, "an aware moment reads the same"


def test_no_moment_shows_nothing() -> None:
    assert london_time(None) == ""


@pytest.mark.parametrize(("moment", "shown"), BOUNDARIES[:6])
def test_a_reply_shows_the_wards_clock_time(
    app: Flask, client: FlaskClient, moment: datetime, shown: str
) -> None:
    scene = leader_replies_on_a_ward(client, "We have ordered more")
    message = db.session.scalars(
        select(Message).where(Message.submission_id == scene.idea.id)
    ).one()
    message.sent_at = moment
    db.session.commit()
    heading = heading_seen_by(client, scene.raiser, scene.idea.id, "We have ordered more")
    assert f"at {shown.split(' at ')[1]}" in heading
    assert "UTC" not in heading


def test_a_message_is_dated_by_londons_day(client: FlaskClient) -> None:
    """Written at 23:30 UTC in summer (00:30 BST), a message belongs to the London day."""
    ward = make_unit()
    raiser = make_user(unit=ward)
    idea = make_submission(raiser, kind=Kind.IDEA)
    sign_in(client, raiser)
    client.post(f"/submissions/{idea.id}/messages", data={"body": "Night shift note"})
    message = db.session.scalars(select(Message).where(Message.submission_id == idea.id)).one()
    assert message.sent_on == london_day(message.sent_at or datetime.min)


def test_anonymous_messages_still_show_only_a_day(client: FlaskClient) -> None:
    ward = make_unit()
    receipt = submit_anonymously(
        ward, title="Broken hoist", description="The hoist in bay 2 has been broken for a week."
    )
    client.post("/check", data={"reference": receipt.followup_code, "passphrase": PASSPHRASE})
    client.post("/check/case/messages", data={"body": "It is still broken"})
    page = client.get("/check/case").get_data(as_text=True)
    heading = message_heading(page, "It is still broken")
    assert re.search(r"\d{1,2} \w+ \d{4}", heading), "the day is shown"
    assert not re.search(r"\d\d:\d\d", heading), "an anonymous message shows no time"


def test_the_audit_log_shows_london_time_and_no_time_for_day_only_events(
    admin_client: FlaskClient,
) -> None:
    timed = record(None, "mail.retried", None, "Timed in summer")
    day_only = record(None, "mail.retried", None, "Kept by day", date_only=True)
    timed.occurred_at = datetime(2026, 7, 1, 21, 52)
    day_only.occurred_at = datetime(2026, 7, 2)
    db.session.commit()
    query = date_query(date_from=date(2026, 7, 1), date_to=date(2026, 7, 2))
    page = admin_client.get(f"/admin/audit?{query}")
    text = page.get_data(as_text=True)
    row = text[text.rindex("<tr", 0, text.index("Timed in summer")) : text.index("Timed in summer")]
    assert "2026-07-01 22:52" in row
    row = text[text.rindex("<tr", 0, text.index("Kept by day")) : text.index("Kept by day")]
    assert "2026-07-02" in row and not re.search(r"\d\d:\d\d", row)
    assert "When (UK time)" in text


def test_the_audit_logs_days_are_londons(admin_client: FlaskClient) -> None:
    """00:30 BST on 1 July is 23:30 UTC on 30 June: it is an event of 1 July."""
    event = record(None, "mail.retried", None, "Just after midnight in summer")
    event.occurred_at = datetime(2026, 6, 30, 23, 30)
    db.session.commit()
    first_of_july, last_of_june = date(2026, 7, 1), date(2026, 6, 30)
    july = admin_client.get(
        "/admin/audit?" + date_query(date_from=first_of_july, date_to=first_of_july)
    )
    assert "Just after midnight in summer" in july.get_data(as_text=True)
    assert "2026-07-01 00:30" in july.get_data(as_text=True)
    june = admin_client.get(
        "/admin/audit?" + date_query(date_from=last_of_june, date_to=last_of_june)
    )
    assert "Just after midnight in summer" not in june.get_data(as_text=True)
