"""The inbox opens on what needs the handler now: waiting to be acknowledged, overdue, escalated
to them, or with a message to answer; each group counted and a link; the rest a click away."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event
from sqlalchemy.engine import Engine

from engage import pagination
from engage.accounts.models import Role, User
from engage.extensions import db
from engage.pagination import PageRequest
from engage.responses.clocks import ClockRules
from engage.responses.models import Escalation
from engage.responses.overdue import latest_overdue_submission
from engage.submissions import attention, queries, services
from engage.submissions.models import Status, Submission
from engage.timeutil import utcnow
from tests.factories.accounts import make_user, sign_in
from tests.factories.organisation import make_unit
from tests.factories.submissions import make_submission, page_text

RULES = ClockRules(
    acknowledge_working_days=5,
    decision_days=30,
    escalate_to_directorate_after=2,
    escalate_to_guardian_after=5,
)


def _aged(submission: Submission, days: int, status: Status | None = None) -> Submission:
    submission.submitted_on = utcnow().date() - timedelta(days=days)
    if status is not None:
        submission.status = status.value
    db.session.commit()
    return submission


def _titles(page: str) -> list[str]:
    """The items listed, in order (the titles link to each item's page)."""
    return re.findall(r'<a href="/submissions/[0-9]+">([^<]+)</a>', page)


def _count(page: str, label: str) -> str:
    found = re.search(r"([0-9][0-9,]*|at least [0-9,]+) " + re.escape(label), page_text(page))
    assert found, f"no count for {label!r}"
    return found.group(1)


def _ward_with_leader() -> tuple[User, User]:
    ward = make_unit()
    return make_user(Role.LEADER, leads_units=(ward,)), make_user(unit=ward)


def test_waiting_items_are_on_page_one_not_behind_old_decided_ones(client: FlaskClient) -> None:
    leader, staff = _ward_with_leader()
    for i in range(30):
        _aged(make_submission(staff, title=f"Decided {i:02d}"), 200 - i, Status.DECISION_MADE)
    for i in range(3):
        _aged(make_submission(staff, title=f"Waiting {i}"), 3 - i)
    sign_in(client, leader)

    default = client.get("/inbox").get_data(as_text=True)
    assert _titles(default) == ["Waiting 0", "Waiting 1", "Waiting 2"]
    assert _count(default, "need action") == "3"
    assert _count(default, "waiting to be acknowledged") == "3"
    assert "everything still open (33)" in page_text(default)

    still_open = client.get("/inbox?status=open").get_data(as_text=True)
    assert _titles(still_open)[0] == "Decided 00" and "Waiting 0" not in still_open
    assert "Decided 00" in client.get("/inbox?status=all").get_data(as_text=True)


def test_needs_action_orders_waiting_then_overdue_then_messages(client: FlaskClient) -> None:
    leader, staff = _ward_with_leader()
    late = _aged(make_submission(staff, title="Decision overdue"), 45, Status.ACKNOWLEDGED)
    asked = _aged(make_submission(staff, title="Question asked"), 60, Status.DECISION_MADE)
    services.reply(staff, asked.id, "Is there any news?")
    answered = _aged(make_submission(staff, title="Question answered"), 70, Status.DECISION_MADE)
    services.reply(staff, answered.id, "Any news?")
    services.reply(leader, answered.id, "Yes: it starts on Monday.")
    _aged(make_submission(staff, title="Fresh one"), 1)
    _aged(make_submission(staff, title="Quiet decided"), 80, Status.DECISION_MADE)
    sign_in(client, leader)

    page = client.get("/inbox").get_data(as_text=True)
    assert _titles(page) == ["Fresh one", "Decision overdue", "Question asked"]
    assert _count(page, "need action") == "3"
    assert _count(page, "overdue") == "1"
    assert _count(page, "with a message to answer") == "1"
    assert _count(page, "escalated to you") == "0"
    row = page[page.index("Question asked") :]
    assert "Message to answer" in row[: row.index("</tr>")]
    assert late.status_enum is Status.ACKNOWLEDGED

    newest = client.get("/inbox?sort=newest").get_data(as_text=True)
    assert _titles(newest) == ["Fresh one", "Decision overdue", "Question asked"], "groups first"
    messages = client.get("/inbox?status=messages").get_data(as_text=True)
    assert _titles(messages) == ["Question asked"]


def test_the_due_day_itself_is_not_overdue(client: FlaskClient) -> None:
    leader, staff = _ward_with_leader()
    # The decision is due 30 days after it was raised (DECISION_DAYS).
    _aged(make_submission(staff, title="Due today"), 30, Status.UNDER_REVIEW)
    _aged(make_submission(staff, title="Due yesterday"), 31, Status.UNDER_REVIEW)
    sign_in(client, leader)
    overdue = client.get("/inbox?status=overdue").get_data(as_text=True)
    assert _titles(overdue) == ["Due yesterday"]
    assert _count(overdue, "overdue") == "1"
    default = client.get("/inbox").get_data(as_text=True)
    assert "Due today" not in default, "due today needs no action yet"


def test_the_latest_overdue_submission_day_counts_working_days_and_bank_holidays() -> None:
    wednesday = date(2027, 1, 13)
    # Raised on Wednesday 6 January: due Wednesday 13th, not overdue on the day; the 5th is.
    assert latest_overdue_submission(RULES, "acknowledge", wednesday) == date(2027, 1, 5)
    # On Monday 4 January 2027, over Christmas (25th, 28th and 1st are bank holidays): an
    # item raised on Tuesday 22 December was due on Thursday 31st and is overdue; one raised
    # on Wednesday 23rd is due on Monday 4th, today, and is not.
    assert latest_overdue_submission(RULES, "acknowledge", date(2027, 1, 4)) == date(2026, 12, 22)
    assert latest_overdue_submission(RULES, "decide", wednesday) == date(2026, 12, 13)


def test_escalated_to_me_means_to_this_leader_and_still_waiting(client: FlaskClient) -> None:
    ward = make_unit()
    lead = make_user(Role.LEADER, leads_directorates=(ward.directorate,))
    colleague = make_user(Role.LEADER, leads_units=(ward,))
    staff = make_user(unit=ward)
    item = _aged(make_submission(staff, title="Passed up the line"), 2)
    escalation = Escalation(
        submission_id=item.id,
        clock="acknowledge",
        level="directorate",
        escalated_on=utcnow().date(),
        due_on=utcnow().date(),
        status="sent",
    )
    escalation.recipients = [db.session.merge(lead)]
    db.session.add(escalation)
    db.session.commit()

    sign_in(client, lead)
    mine = client.get("/inbox?status=escalated").get_data(as_text=True)
    assert _titles(mine) == ["Passed up the line"] and _count(mine, "escalated to you") == "1"
    other = client.application.test_client()
    sign_in(other, colleague)
    theirs = other.get("/inbox?status=escalated").get_data(as_text=True)
    assert _titles(theirs) == [] and _count(theirs, "escalated to you") == "0"

    item = db.session.get(Submission, item.id)
    assert item is not None
    item.status = Status.ACKNOWLEDGED.value  # the escalated clock has stopped
    db.session.commit()
    after = client.get("/inbox?status=escalated").get_data(as_text=True)
    assert _titles(after) == [] and _count(after, "escalated to you") == "0"


def test_a_leader_of_several_units_filters_by_unit_in_one_click(client: FlaskClient) -> None:
    ward, clinic = make_unit(), make_unit()
    leader = make_user(Role.LEADER, leads_units=(ward, clinic))
    make_submission(make_user(unit=ward), title="On the ward")
    make_submission(make_user(unit=clinic), title="In the clinic")
    sign_in(client, leader)
    page = client.get("/inbox").get_data(as_text=True)
    assert _count(page, "waiting to be acknowledged") == "2"
    link = re.search(rf'<a href="([^"]+)">{re.escape(clinic.name)}</a>', page)
    assert link, "each unit is a link"
    href = link.group(1).replace("&amp;", "&")
    assert href == f"/inbox?unit_id={clinic.id}"
    clinic_only = client.get(href).get_data(as_text=True)
    assert _titles(clinic_only) == ["In the clinic"]
    assert _count(clinic_only, "waiting to be acknowledged") == "1"
    # The state is in the address: the group links keep the unit, so a bookmark works.
    assert f'href="/inbox?unit_id={clinic.id}&amp;status=overdue"' in clinic_only
    assert f'aria-current="true">{clinic.name}' in clinic_only


def test_a_view_that_does_not_exist_is_explained_and_the_default_shown(
    client: FlaskClient,
) -> None:
    leader, staff = _ward_with_leader()
    make_submission(staff, title="Still waiting")
    sign_in(client, leader)
    response = client.get("/inbox?status=everything-ever")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Not a valid choice" in page and _titles(page) == ["Still waiting"]


def test_the_counts_are_one_bounded_grouped_query(client: FlaskClient) -> None:
    """The counts are lower bounds beyond the lists' cap, and said to be."""
    leader, staff = _ward_with_leader()
    for i in range(4):
        make_submission(staff, title=f"Counted {i}")
    with client.application.test_request_context():
        exact = queries.action_counts(db.session.merge(leader))
        assert (exact.waiting, exact.needs_action, exact.capped) == (4, 4, False)
        assert exact.label("waiting") == "4"
        cap = pagination.COUNT_CAP
        try:
            pagination.COUNT_CAP = queries.COUNT_CAP = 2
            capped = queries.action_counts(db.session.merge(leader))
        finally:
            pagination.COUNT_CAP = queries.COUNT_CAP = cap
        assert capped.capped and capped.open == 3 and capped.label("open") == "at least 3"


def test_needs_action_pages_group_by_group_forwards_and_back(app: Flask, app_context: None) -> None:
    # Each group is read by its own indexed walk (engage.pagination.paginate_segments): pages
    # that straddle two groups, and "previous" from a later group, must still list every item
    # once, in the groups' order.
    leader, staff = _ward_with_leader()
    for i in range(3):
        _aged(make_submission(staff, title=f"Overdue {i}"), 60 - i, Status.ACKNOWLEDGED)
    for i in range(3):
        _aged(make_submission(staff, title=f"Waiting {i}"), 3 - i)
    asked = _aged(make_submission(staff, title="Message 0"), 5, Status.DECISION_MADE)
    services.reply(staff, asked.id, "Any news?")
    _aged(make_submission(staff, title="Quiet decided"), 80, Status.DECISION_MADE)
    expected = [*(f"Waiting {i}" for i in range(3)), *(f"Overdue {i}" for i in range(3))]
    expected.append("Message 0")
    app.config["PAGE_SIZE"] = 2
    try:
        filters = queries.InboxFilter()
        pages = [queries.inbox(leader, filters)]
        while pages[-1].next_cursor:
            following = PageRequest(number=len(pages) + 1, after=pages[-1].next_cursor)
            pages.append(queries.inbox(leader, filters, following))
        assert [[s.title for s in p.items] for p in pages] == [
            expected[i : i + 2] for i in range(0, 7, 2)
        ]
        back = queries.inbox(
            leader, filters, PageRequest(number=3, before=pages[-1].previous_cursor)
        )
        assert [s.title for s in back.items] == ["Overdue 1", "Overdue 2"]
        first = queries.inbox(
            leader, filters, PageRequest(number=1, before=pages[1].previous_cursor)
        )
        assert [s.title for s in first.items] == ["Waiting 0", "Waiting 1"] and first.page == 1
    finally:
        app.config["PAGE_SIZE"] = 25


@pytest.mark.parametrize("waiting", [3, 4])
def test_needs_action_counts_exactly_up_to_its_cap_then_says_more_than(
    client: FlaskClient, app_context: None, monkeypatch: pytest.MonkeyPatch, waiting: int
) -> None:
    # The total reads at most cap + 1 items however long the history (issue 15): exactly the
    # cap is a count, one more is "more than", and the pages say no more than is known.
    leader, staff = _ward_with_leader()
    for i in range(waiting):
        _aged(make_submission(staff, title=f"Waiting {i}"), 3 - i)
    monkeypatch.setattr(attention, "NEEDS_ACTION_CAP", 3)
    monkeypatch.setattr(pagination, "COUNT_CAP", 3)  # the other lists' cap: not this one's
    client.application.config["PAGE_SIZE"] = 2
    sent: list[str] = []

    def record(*args: object) -> None:
        sent.append(str(args[2]))

    event.listen(Engine, "before_cursor_execute", record)
    try:
        first = queries.inbox(leader, queries.InboxFilter())
        event.remove(Engine, "before_cursor_execute", record)
        second = queries.inbox(leader, queries.InboxFilter(), PageRequest(2, first.next_cursor))
        assert (first.total, first.capped) == (3, waiting == 4)
        sign_in(client, leader)
        page = page_text(client.get("/inbox").get_data(as_text=True))
    finally:
        if event.contains(Engine, "before_cursor_execute", record):
            event.remove(Engine, "before_cursor_execute", record)
        client.application.config["PAGE_SIZE"] = 25
    # "More than 3" needs no estimate: no EXPLAIN round trip, on PostgreSQL either.
    assert sent and not [s for s in sent if s.lstrip().upper().startswith("EXPLAIN")]
    if waiting == 3:
        assert "3 items. Waiting to be acknowledged first" in page and "More than" not in page
        assert "Inbox, page 1 of 2" in page and "Page 2 of 2" in page
    else:
        assert "More than 3 items. Waiting to be acknowledged first" in page
        assert "Inbox, page 1 of more than 1" in page and "Page 2 of more than 1" in page
    # The last page is known to be the last.
    assert not second.has_next and second.of_pages == "of 2"
    assert [s.title for s in second.items] == [f"Waiting {i}" for i in range(2, waiting)]
