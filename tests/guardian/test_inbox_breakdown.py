"""The inbox's counts by theme, unit and worker group: one grouped query over at most
BREAKDOWN_CAP items (the newest; for "needs action", any NEEDS_ACTION_CAP of them), so that
a view costs the same however long the history; the CSV's counts describe exactly the rows it
exports."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import event, update
from sqlalchemy.engine import Engine

from engage.accounts.models import Role
from engage.extensions import db
from engage.guardian import inbox as guardian_inbox
from engage.submissions import attention, queries
from engage.submissions.models import Kind, SpeakUpMode, Submission
from engage.submissions.queries import InboxFilter
from engage.timeutil import utcnow
from tests.factories.accounts import make_user, sign_in
from tests.factories.organisation import make_unit
from tests.factories.submissions import make_submission, page_text

# The services are called directly as well as through the client: their clock rules read the
# application's configuration.
pytestmark = pytest.mark.usefixtures("app_context")


def _history() -> None:
    """Six concerns on Old Ward a month ago, three on New Ward today."""
    old, new = make_unit("Old Ward"), make_unit("New Ward")
    raiser = make_user(unit=old)
    earlier = []
    for _ in range(6):
        concern = make_submission(raiser, kind=Kind.CONCERN, mode=SpeakUpMode.CONFIDENTIAL)
        earlier.append(concern.id)
    for _ in range(3):
        make_submission(raiser, kind=Kind.CONCERN, mode=SpeakUpMode.CONFIDENTIAL, unit=new)
    month_ago = utcnow().date() - timedelta(days=30)
    db.session.execute(
        update(Submission).where(Submission.id.in_(earlier)).values(submitted_on=month_ago)
    )
    db.session.commit()


def test_below_the_cap_every_item_is_counted(client: FlaskClient) -> None:
    _history()
    guardian = make_user(Role.GUARDIAN)
    breakdown = guardian_inbox.inbox_breakdown(guardian, InboxFilter())
    assert not breakdown.capped and breakdown.counted == 9
    assert [(c.name, c.count) for c in breakdown.by_unit] == [("Old Ward", 6), ("New Ward", 3)]
    assert sum(c.count for c in breakdown.by_group) == 9
    sign_in(client, guardian)
    page = client.get("/inbox").get_data(as_text=True)
    assert "Counts for these filters" in page and "newest items that match" not in page


def test_beyond_the_cap_the_newest_items_are_counted_and_the_page_says_so(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    _history()
    monkeypatch.setattr(guardian_inbox, "BREAKDOWN_CAP", 3)
    guardian = make_user(Role.GUARDIAN)
    breakdown = guardian_inbox.inbox_breakdown(guardian, InboxFilter(status="open"))
    assert breakdown.capped and breakdown.counted == 3
    assert [(c.name, c.count) for c in breakdown.by_unit] == [("New Ward", 3)]
    sign_in(client, guardian)
    page = client.get("/inbox?status=open").get_data(as_text=True)
    assert "These count the 3 newest items that match" in page


@pytest.mark.parametrize("waiting", [3, 4])
def test_needs_action_is_counted_exactly_up_to_its_cap_then_more_than(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch, waiting: int
) -> None:
    """Exactly the cap is counted in full; one more, and any cap of them are counted and the
    page says there are more (the list's total above says "more than 3" too)."""
    old, new = make_unit("Old Ward"), make_unit("New Ward")
    raiser = make_user(unit=old)
    for i in range(waiting):
        unit = old if i < 2 else new
        make_submission(raiser, kind=Kind.CONCERN, mode=SpeakUpMode.CONFIDENTIAL, unit=unit)
    monkeypatch.setattr(attention, "NEEDS_ACTION_CAP", 3)
    monkeypatch.setattr(guardian_inbox, "BREAKDOWN_CAP", 100)  # not the one that applies
    guardian = make_user(Role.GUARDIAN)
    listed = guardian_inbox.inbox_breakdown(guardian, InboxFilter())
    assert listed.as_listed and listed.counted == 3 and listed.capped == (waiting == 4)
    for counts in (listed.by_theme, listed.by_unit, listed.by_group):
        assert sum(c.count for c in counts) == 3 and all(c.count for c in counts)
    if waiting == 3:
        assert [(c.name, c.count) for c in listed.by_unit] == [("Old Ward", 2), ("New Ward", 1)]
    sign_in(client, guardian)
    page = page_text(client.get("/inbox").get_data(as_text=True))
    more = "More than 3 items need action, and these count 3 of them."
    if waiting == 3:
        assert "Counts for these filters" in page and more not in page
        assert "3 items. Waiting to be acknowledged first" in page
    else:
        assert more in page and "More than 3 items. Waiting to be acknowledged first" in page


@pytest.mark.parametrize("status", ["open", ""])
def test_the_breakdown_is_one_query(client: FlaskClient, status: str) -> None:
    _history()
    guardian = make_user(Role.GUARDIAN)
    statements: list[str] = []

    def record(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(Engine, "before_cursor_execute", record)
    try:
        guardian_inbox.inbox_breakdown(guardian, InboxFilter(status=status or None))
    finally:
        event.remove(Engine, "before_cursor_execute", record)
    assert len([s for s in statements if "submissions" in s]) == 1


def test_the_export_counts_exactly_the_rows_it_exports(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    _history()
    monkeypatch.setattr(guardian_inbox, "EXPORT_MAX_ROWS", 7)
    sign_in(client, make_user(Role.GUARDIAN))
    export = client.get("/guardian/inbox.csv").get_data(as_text=True)
    items, counts = export.split("\n\n")
    rows = list(csv.DictReader(io.StringIO(items)))
    assert len(rows) == 7  # oldest first: Old Ward's six, then one of New Ward's
    assert sum(row["area"] == "Old Ward" for row in rows) == 6
    count_rows = list(csv.reader(io.StringIO(counts)))
    assert ["unit", "Old Ward", "6"] in count_rows
    assert ["unit", "New Ward", "fewer than 5"] in count_rows


def test_a_leader_gets_themes_and_units_but_no_worker_groups(client: FlaskClient) -> None:
    ward = make_unit("Led Ward")
    for _ in range(5):
        make_submission(make_user(unit=ward), kind=Kind.IDEA)
    leader = make_user(Role.LEADER, leads_units=[ward])
    breakdown = guardian_inbox.inbox_breakdown(leader, InboxFilter())
    assert [(c.name, c.count) for c in breakdown.by_unit] == [("Led Ward", 5)]
    assert breakdown.by_group == [] and breakdown.counted == 5
    sign_in(client, leader)
    page = client.get("/inbox").get_data(as_text=True)
    assert '<td>Led Ward</td><td class="nhsuk-table__cell--numeric">5</td>' in page


def test_the_inbox_counters_are_exact_up_to_the_cap_then_say_more_than(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    _history()  # nine open concerns, none acknowledged
    sign_in(client, make_user(Role.GUARDIAN))
    waiting = (
        '<span class="engage-inbox-count__number">{}</span> '
        '<span class="engage-inbox-count__label">waiting to be acknowledged</span>'
    )
    page = client.get("/inbox").get_data(as_text=True)
    assert waiting.format("9") in page and "everything still open (9)" in page
    assert "9 waiting to be acknowledged, 9 still open." in client.get("/").get_data(as_text=True)
    monkeypatch.setattr(queries, "COUNT_CAP", 8)
    page = client.get("/inbox").get_data(as_text=True)
    assert waiting.format("at least 9") in page
    home = client.get("/").get_data(as_text=True)
    assert "more than 8 waiting to be acknowledged, more than 8 still open." in home
