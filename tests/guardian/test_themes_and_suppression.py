"""Small numbers are suppressed everywhere a breakdown is shown: the heat map and its CSV, the
inbox counts and its CSV, the board report. Exactly 5 is shown; 4 is "fewer than 5"."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from flask.testing import FlaskClient

from engage.accounts.models import Role
from engage.submissions.models import Kind, SpeakUpMode
from engage.timeutil import utcnow
from tests.factories.accounts import make_user, sign_in
from tests.factories.forms import date_query
from tests.factories.guardian import make_case
from tests.factories.organisation import make_unit
from tests.factories.submissions import make_submission

PERIOD = date_query(date_from=date(2026, 4, 1), date_to=date(2026, 6, 30))


def _heat_fixture() -> tuple[str, str]:
    big, small = make_unit("Ward Five"), make_unit("Ward Four")
    for n in range(5):
        make_case(
            date(2026, 4, 1) + timedelta(days=n), themes=("Bullying or harassment",), unit=big
        )
    for n in range(4):
        make_case(
            date(2026, 6, 26) + timedelta(days=n), themes=("Bullying or harassment",), unit=small
        )
    make_case(date(2026, 7, 1), themes=("Bullying or harassment",), unit=small)  # after the period
    return big.name, small.name


def test_the_heat_map_shows_five_and_suppresses_four(client: FlaskClient) -> None:
    big, small = _heat_fixture()
    sign_in(client, make_user(Role.GUARDIAN))
    page = client.get(f"/guardian/themes?{PERIOD}").get_data(as_text=True)
    big_row = page[page.index(big) : page.index("</tr>", page.index(big))]
    small_row = page[page.index(small) : page.index("</tr>", page.index(small))]
    assert ">5</span></td>" in big_row
    assert "fewer than 5" in small_row and ">4<" not in small_row
    assert "engage-heat--suppressed" in small_row and "engage-heat--low" in big_row
    assert "9 cases in the period" in page


def test_the_heat_map_csv_is_suppressed_too(client: FlaskClient) -> None:
    big, small = _heat_fixture()
    sign_in(client, make_user(Role.GUARDIAN))
    response = client.get(f"/guardian/themes.csv?{PERIOD}")
    assert response.mimetype == "text/csv"
    rows = {
        row["unit"]: row for row in csv.DictReader(io.StringIO(response.get_data(as_text=True)))
    }
    assert rows[big]["Bullying or harassment"] == "5"
    assert rows[small]["Bullying or harassment"] == "fewer than 5"
    assert rows[small]["Staffing and workload"] == "fewer than 5"  # zero is below 5 as well


def test_the_breakdowns_follow_the_threshold_setting(
    client: FlaskClient, threshold_of_3: None
) -> None:
    three, two = make_unit("Ward Three"), make_unit("Ward Two")
    for unit, cases in ((three, 3), (two, 2)):
        for n in range(cases):
            make_case(
                date(2026, 5, 1) + timedelta(days=n), themes=("Bullying or harassment",), unit=unit
            )
    sign_in(client, make_user(Role.GUARDIAN))
    page = client.get(f"/guardian/themes?{PERIOD}").get_data(as_text=True)
    three_row = page[page.index(three.name) : page.index("</tr>", page.index(three.name))]
    two_row = page[page.index(two.name) : page.index("</tr>", page.index(two.name))]
    assert ">3</span></td>" in three_row and "engage-heat--low" in three_row
    assert "fewer than 3" in two_row and ">2<" not in two_row
    assert 'any count under 3 shows as "fewer than 3"' in page.replace("&#34;", '"')
    rows = {
        row["unit"]: row
        for row in csv.DictReader(
            io.StringIO(client.get(f"/guardian/themes.csv?{PERIOD}").get_data(as_text=True))
        )
    }
    assert rows[three.name]["Bullying or harassment"] == "3"
    assert rows[two.name]["Bullying or harassment"] == "fewer than 3"
    assert rows[two.name]["Staffing and workload"] == "fewer than 3", "a zero is hidden here"
    assert "fewer than 5" not in page


def test_the_inbox_counts_and_export_follow_the_threshold_setting(
    client: FlaskClient, threshold_of_3: None
) -> None:
    three, two = make_unit("Ward Three"), make_unit("Ward Two")
    for unit, items in ((three, 3), (two, 2)):
        for _ in range(items):
            make_submission(make_user(unit=unit), kind=Kind.CONCERN, mode=SpeakUpMode.CONFIDENTIAL)
    sign_in(client, make_user(Role.GUARDIAN))
    inbox = client.get("/inbox").get_data(as_text=True)
    assert '<td>Ward Three</td><td class="nhsuk-table__cell--numeric">3</td>' in inbox
    assert '<td>Ward Two</td><td class="nhsuk-table__cell--numeric">fewer than 3</td>' in inbox
    items, counts = client.get("/guardian/inbox.csv").get_data(as_text=True).split("\n\n")
    areas = {row["area"] for row in csv.DictReader(io.StringIO(items))}
    assert areas == {"Ward Three", f"{two.directorate.name} (unit not shown: fewer than 3 items)"}
    count_rows = list(csv.reader(io.StringIO(counts)))
    assert ["unit", "Ward Three", "3"] in count_rows
    assert ["unit", "Ward Two", "fewer than 3"] in count_rows


def test_a_period_that_ends_before_it_starts_is_refused(client: FlaskClient) -> None:
    sign_in(client, make_user(Role.GUARDIAN))
    response = client.get(
        f"/guardian/themes?{date_query(date_from=date(2026, 6, 30), date_to=date(2026, 4, 1))}"
    )
    assert response.status_code == 400
    assert "The end of the period must be on or after its start" in response.get_data(as_text=True)


def test_the_inbox_counts_and_export_suppress_and_name_nobody(client: FlaskClient) -> None:
    busy, quiet = make_unit("Busy Ward"), make_unit("Quiet Ward")
    raiser = make_user(name="Nina Named", unit=busy)
    for _ in range(5):
        make_submission(
            raiser, kind=Kind.CONCERN, mode=SpeakUpMode.CONFIDENTIAL, title="Secret title"
        )
    make_submission(raiser, kind=Kind.CONCERN, mode=SpeakUpMode.CONFIDENTIAL, unit=quiet)
    sign_in(client, make_user(Role.GUARDIAN))
    inbox = client.get("/inbox").get_data(as_text=True)
    assert "Counts for these filters" in inbox
    quiet_row = inbox[inbox.index("<td>Quiet Ward</td>") :][:120]
    assert "fewer than 5" in quiet_row
    assert '<td>Busy Ward</td><td class="nhsuk-table__cell--numeric">5</td>' in inbox

    export = client.get("/guardian/inbox.csv").get_data(as_text=True)
    assert "Nina Named" not in export and "Secret title" not in export
    items, counts = export.split("\n\n")
    item_rows = list(csv.DictReader(io.StringIO(items)))
    assert len(item_rows) == 6
    areas = {row["area"] for row in item_rows}
    assert "Busy Ward" in areas and "Quiet Ward" not in areas  # its one item shows the directorate
    count_rows = list(csv.reader(io.StringIO(counts)))
    assert ["unit", "Quiet Ward", "fewer than 5"] in count_rows
    assert ["unit", "Busy Ward", "5"] in count_rows


def test_the_inbox_date_range_filters_the_list_and_the_counts(client: FlaskClient) -> None:
    make_submission(
        make_user(), kind=Kind.CONCERN, mode=SpeakUpMode.CONFIDENTIAL, title="Today's one"
    )
    sign_in(client, make_user(Role.GUARDIAN))
    today = utcnow().date()
    inside = client.get(f"/inbox?{date_query(date_from=today, date_to=today)}").get_data(
        as_text=True
    )
    assert "Today&#39;s one" in inside and "1 item." in inside
    later = today + timedelta(days=1)
    outside = client.get(f"/inbox?{date_query(date_from=later)}").get_data(as_text=True)
    assert "Today&#39;s one" not in outside and "0 items." in outside
    backwards = client.get(
        f"/inbox?{date_query(date_from=today, date_to=today - timedelta(days=1))}"
    )
    assert "must be the same as or after" in backwards.get_data(as_text=True)


def test_the_board_report_suppresses_small_numbers_and_describes_no_case(
    client: FlaskClient,
) -> None:
    for n in range(6):
        make_case(
            date(2025, 4, 2) + timedelta(days=n),
            themes=("Staffing and workload",),
            summary="A very particular story",
        )
    make_case(date(2025, 5, 1), themes=("Bullying or harassment",), group="Students")
    sign_in(client, make_user(Role.GUARDIAN))
    page = client.get("/guardian/report?period=2025-Q1").get_data(as_text=True)
    assert "7 cases were brought" in page
    assert "A very particular story" not in page
    staffing = page[page.index("<td>Staffing and workload</td>") :][:200]
    assert ">6<" in staffing
    bullying = page[page.index("<td>Bullying or harassment</td>") :][:200]
    assert "fewer than 5" in bullying
    students = page[page.index("<td>Students</td>") :][:200]
    assert "fewer than 5" in students and ">1<" not in students
    assert page.count("<svg") >= 4  # a chart per national theme


def test_the_board_report_refuses_a_period_not_started(client: FlaskClient) -> None:
    sign_in(client, make_user(Role.GUARDIAN))
    response = client.get("/guardian/report?period=2099-Q1")
    assert response.status_code == 400
    assert "has not started yet" in response.get_data(as_text=True)


def test_learning_is_saved_for_the_period(client: FlaskClient) -> None:
    sign_in(client, make_user(Role.GUARDIAN))
    client.post("/guardian/report/learning?period=2025", data={"learning": "Civility work landed."})
    page = client.get("/guardian/report?period=2025").get_data(as_text=True)
    assert "Civility work landed." in page


def test_the_theme_chart_counts_cases_per_month(client: FlaskClient) -> None:
    today = utcnow().date()
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=3)
    for _ in range(3):
        make_case(last_month, themes=("Bullying or harassment",))
    make_case(today, themes=("Bullying or harassment",))  # this month is not complete yet
    sign_in(client, make_user(Role.GUARDIAN))
    from tests.factories.submissions import theme

    page = client.get(f"/guardian/themes/chart?theme_id={theme('Bullying or harassment').id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "<svg" in text
    label = last_month.strftime("%b %Y")
    assert f'<td>{label}</td><td class="nhsuk-table__cell--numeric">3</td>' in text
