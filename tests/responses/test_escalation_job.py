"""Escalation as a job: who it went to, shown on the page and in the inbox; escalation to no
one reported to administrators and never recorded as sent; items chosen in SQL, in batches."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from flask import Flask
from hypothesis import example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text, update

from engage.accounts.models import Role
from engage.audit.models import AuditEvent
from engage.extensions import db
from engage.responses import escalation as escalation_module
from engage.responses.clocks import ClockRules, acknowledge_clock, decision_clock, escalation_levels
from engage.responses.escalation import escalate_overdue, latest_submission_date
from engage.responses.models import Escalation, EscalationStatus
from engage.submissions.models import Kind, Submission
from tests.factories.accounts import make_user, sign_in
from tests.factories.digests import deliver_alerts_after
from tests.factories.organisation import make_unit
from tests.factories.smtp import Inbox
from tests.factories.submissions import make_submission

SUBMITTED = date(2026, 12, 16)  # acknowledgement due 23 December; directorate on 30 December
ESCALATION_DAY = date(2026, 12, 30)
RULES = ClockRules(
    acknowledge_working_days=5,
    decision_days=30,
    escalate_to_directorate_after=3,
    escalate_to_guardian_after=8,
)


def _overdue(submission: Submission) -> Submission:
    submission.submitted_on = SUBMITTED
    db.session.commit()
    return submission


def _rows() -> list[Escalation]:
    db.session.expire_all()
    return list(db.session.scalars(select(Escalation).order_by(Escalation.id)))


def test_an_escalation_shows_who_it_went_to_on_the_page_and_in_the_inbox_filter(
    app: Flask, db_session: object
) -> None:
    ward = make_unit()
    leader = make_user(Role.LEADER, leads_units=(ward,))
    make_user(Role.LEADER, leads_directorates=(ward.directorate,), name="Dana Director")
    late = _overdue(make_submission(make_user(unit=ward), title="Late idea"))
    fresh = make_submission(make_user(unit=ward), title="Fresh idea")
    fresh.submitted_on = ESCALATION_DAY - timedelta(days=2)
    db.session.commit()
    with app.test_request_context():
        assert escalate_overdue(ESCALATION_DAY)["escalated"] == 1
    client = app.test_client()
    sign_in(client, leader)
    page = client.get(f"/submissions/{late.id}").get_data(as_text=True)
    assert "escalated to the directorate&#39;s leads (Dana Director) on 30 December 2026" in page
    everything = client.get("/inbox").get_data(as_text=True)
    assert "Late idea" in everything and "Fresh idea" in everything
    escalated = client.get("/inbox?escalated=yes").get_data(as_text=True)
    assert "Late idea" in escalated and "Fresh idea" not in escalated
    row = escalated[escalated.index("Late idea") :]
    assert (
        "Escalated to the directorate&#39;s leads (Dana Director) on 30 Dec 2026"
        in row[: row.index("</tr>")]
    )


def test_escalation_to_no_one_is_reported_to_admins_and_sent_once_someone_can_be_told(
    app: Flask, db_session: object, smtp_inbox: Inbox
) -> None:
    ward = make_unit()
    admin = make_user(Role.ADMIN, email="admin@test.nhs.uk")
    idea = _overdue(make_submission(make_user(unit=ward), title="Nobody's idea"))
    with app.test_request_context():
        counts = escalate_overdue(ESCALATION_DAY)
    assert counts["escalated"] == 0 and counts["unrouted"] == 1
    [row] = _rows()
    assert row.status_enum is EscalationStatus.UNROUTED and row.recipients == []
    smtp_inbox.deliver()
    [to_admin] = smtp_inbox.to(admin.email)
    assert to_admin["Subject"] == "1 overdue item could not be escalated"
    assert idea.reference in to_admin.get_content()
    assert "Nobody's idea" not in to_admin.get_content()

    admin_client = app.test_client()
    sign_in(admin_client, admin)
    listing = admin_client.get("/admin/escalations").get_data(as_text=True)
    assert idea.reference in listing and f"{ward.directorate.name} has no active" in listing
    leader = make_user(Role.LEADER, leads_units=(ward,))
    leader_client = app.test_client()
    sign_in(leader_client, leader)
    assert "Nobody&#39;s idea" not in leader_client.get("/inbox?escalated=yes").get_data(
        as_text=True
    ), "an escalation that reached no one is not shown as escalated"
    assert "there is no one to tell" in leader_client.get(f"/submissions/{idea.id}").get_data(
        as_text=True
    )

    with app.test_request_context():
        again = escalate_overdue(ESCALATION_DAY + timedelta(days=1))
    assert again["escalated"] == 0 and again["still_unrouted"] == 1
    smtp_inbox.deliver()
    assert len(smtp_inbox.to(admin.email)) == 1, "administrators are told once, not daily"

    lead = make_user(Role.LEADER, leads_directorates=(ward.directorate,), email="d@test.nhs.uk")
    with app.test_request_context():
        assert escalate_overdue(date(2027, 1, 4))["escalated"] == 1
    [row] = _rows()
    assert row.status_enum is EscalationStatus.SENT and row.escalated_on == date(2027, 1, 4)
    assert [person.id for person in row.recipients] == [lead.id]
    deliver_alerts_after(app, minutes=24 * 60 + 1)  # the lead's alerts go once a day
    assert len(smtp_inbox.to(lead.email)) == 1
    assert idea.reference not in admin_client.get("/admin/escalations").get_data(as_text=True)


def test_items_are_escalated_in_batches(
    app: Flask, db_session: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(escalation_module, "BATCH_SIZE", 2)
    ward = make_unit()
    make_user(Role.LEADER, leads_directorates=(ward.directorate,))
    raiser = make_user(unit=ward)
    for _ in range(5):
        _overdue(make_submission(raiser))
    fresh = make_submission(raiser)
    fresh.submitted_on = ESCALATION_DAY
    db.session.commit()
    with app.test_request_context():
        assert escalate_overdue(ESCALATION_DAY)["escalated"] == 5
        assert escalate_overdue(ESCALATION_DAY)["escalated"] == 0
    assert len(_rows()) == 5


@contextmanager
def _unordered_rows_reversed() -> Iterator[None]:
    """SQLite's switch for finding code that relies on the order in which a query without ORDER
    BY returns rows (a large table's plan need not return them by number): it reverses that
    order. PostgreSQL has no such switch; there the test checks the outcome alone."""
    sqlite = db.session.get_bind().dialect.name == "sqlite"
    if sqlite:
        db.session.execute(text("PRAGMA reverse_unordered_selects = ON"))
    try:
        yield
    finally:
        if sqlite:  # the setting belongs to the connection, which other tests use next
            db.session.execute(text("PRAGMA reverse_unordered_selects = OFF"))


def test_one_run_escalates_every_overdue_item_whatever_order_the_database_reads_them(
    app: Flask, db_session: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each batch starts after the highest number in the one before, so batches must be taken
    in number order, which only the query's ORDER BY promises."""
    monkeypatch.setattr(escalation_module, "BATCH_SIZE", 2)
    ward = make_unit()
    make_user(Role.LEADER, leads_directorates=(ward.directorate,))
    raiser = make_user(unit=ward)
    items = [_overdue(make_submission(raiser)) for _ in range(8)]
    with app.test_request_context(), _unordered_rows_reversed():
        assert escalate_overdue(ESCALATION_DAY)["escalated"] == 8
    assert {row.submission_id for row in _rows()} == {item.id for item in items}


def test_an_unrouted_escalation_another_run_has_just_sent_is_not_sent_again(
    app: Flask, db_session: object, smtp_inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    ward = make_unit()
    idea = _overdue(make_submission(make_user(unit=ward)))
    with app.test_request_context():
        assert escalate_overdue(ESCALATION_DAY)["unrouted"] == 1
    lead = make_user(Role.LEADER, leads_directorates=(ward.directorate,), email="race@test.nhs.uk")
    read_waiting = escalation_module._unrouted_rows

    def another_run_sends_them_meanwhile(
        batch: list[Submission], clock_name: str, level: str
    ) -> dict[int, Escalation]:
        waiting = read_waiting(batch, clock_name, level)
        # Between this run's read and its claim, a second run claims the rows and sends them.
        db.session.execute(
            update(Escalation)
            .where(Escalation.id.in_([row.id for row in waiting.values()]))
            .values(status=EscalationStatus.SENT.value, escalated_on=ESCALATION_DAY)
            .execution_options(synchronize_session=False)
        )
        return waiting

    monkeypatch.setattr(escalation_module, "_unrouted_rows", another_run_sends_them_meanwhile)
    with app.test_request_context():
        counts = escalate_overdue(ESCALATION_DAY + timedelta(days=1))
    assert counts["escalated"] == 0, "the other run sent it; this one does not count it"
    [row] = _rows()
    assert row.escalated_on == ESCALATION_DAY and row.recipients == []
    deliver_alerts_after(app, minutes=24 * 60 + 1)
    assert smtp_inbox.to(lead.email) == [], "the lead is not alerted a second time by this run"
    escalated = select(AuditEvent).where(
        AuditEvent.action == "submission.escalated", AuditEvent.target_id == str(idea.id)
    )
    assert list(db.session.scalars(escalated)) == []


@settings(max_examples=300, deadline=None)
# The latest day is an odd number of days back: a search stepping two days at a time misses it.
@example(today=date(2025, 4, 2), days_before=33, clock_name="decide", level="directorate")
@given(
    today=st.dates(min_value=date(2025, 1, 1), max_value=date(2028, 12, 31)),
    days_before=st.integers(min_value=0, max_value=80),
    clock_name=st.sampled_from(["acknowledge", "decide"]),
    level=st.sampled_from(["directorate", "guardian"]),
)
def test_the_sql_cut_off_selects_exactly_the_items_whose_clock_reached_the_level(
    today: date, days_before: int, clock_name: str, level: str
) -> None:
    submitted_on = today - timedelta(days=days_before)
    make_clock = acknowledge_clock if clock_name == "acknowledge" else decision_clock
    clock = make_clock(RULES, submitted_on, None, today)
    reached = level in escalation_levels(RULES, clock, today, is_concern=True)
    assert (submitted_on <= latest_submission_date(RULES, clock_name, level, today)) == reached


def test_concerns_go_to_the_guardian_in_the_same_run_when_long_overdue(
    app: Flask, db_session: object
) -> None:
    ward = make_unit()
    make_user(Role.LEADER, leads_directorates=(ward.directorate,))
    guardian = make_user(Role.GUARDIAN, name="Gita Guardian")
    concern = _overdue(make_submission(make_user(unit=ward), kind=Kind.CONCERN))
    with app.test_request_context():
        assert escalate_overdue(date(2027, 1, 8))["escalated"] == 2
    levels = {(row.level, tuple(p.id for p in row.recipients)) for row in _rows()}
    assert ("guardian", (guardian.id,)) in levels
    db.session.expire_all()
    assert db.session.get(Submission, concern.id).guardian_escalated_on == date(2027, 1, 8)  # type: ignore[union-attr]


def test_the_admins_mail_about_no_one_to_tell_does_not_name_an_anonymous_concern(
    app: Flask, db_session: object, smtp_inbox: Inbox
) -> None:
    from engage.submissions.models import SpeakUpMode

    admin = make_user(Role.ADMIN, email="admin.anon@test.nhs.uk")
    concern = _overdue(make_submission(make_user(), kind=Kind.CONCERN, mode=SpeakUpMode.ANONYMOUS))
    with app.test_request_context():
        assert escalate_overdue(date(2027, 2, 1))["unrouted"] == 1  # no guardian
    smtp_inbox.deliver()
    [mail] = smtp_inbox.to(admin.email)
    text = f"{mail['Subject']}\n{mail.get_content()}"
    assert "A concern: for the Freedom to Speak Up guardian" in text
    assert concern.reference not in text and str(concern.id) not in text
