"""The quarterly FTSU data return, checked against counts worked out by hand."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engage.accounts.models import Role
from engage.errors import ValidationFailed
from engage.guardian.return_items import ReturnItem
from engage.guardian.returns import compute_return
from engage.quarters import Quarter
from tests.factories.accounts import make_user, sign_in
from tests.factories.guardian import make_case

Q2 = Quarter(2026, 2)  # July to September 2026
AFTER = date(2026, 10, 1)

# Hand-computed: the counts each case below adds to Q2 2026.
EXPECTED = {
    "Number of cases brought to Freedom to Speak Up guardians": 6,
    "Cases raised anonymously": 2,
    "Cases with an element of patient safety or quality": 3,
    "Cases with an element of worker safety or wellbeing": 2,
    "Cases with an element of bullying or harassment": 2,
    "Cases with an element of inappropriate attitudes or behaviours": 1,
    "Cases where people indicate that they are suffering detriment as a result of speaking up": 2,
    "Cases by worker group": 6,
    "Cases by worker group: Registered Nurses and Midwives": 2,
    "Cases by worker group: Medical and Dental": 1,
    "Cases by worker group: Students": 1,
    "Cases by worker group: Not known": 2,
    "Given your experience, would you speak up again? (answers)": 5,
    "Given your experience, would you speak up again? Yes": 2,
    "Given your experience, would you speak up again? No": 1,
    "Given your experience, would you speak up again? Maybe": 1,
    "Given your experience, would you speak up again? I don't know": 1,
    "Asked after closure: have you experienced any detriment as a result of speaking up? "
    "(answers)": 3,
    "Asked after closure: have you experienced any detriment as a result of speaking up? Yes": 1,
    "Asked after closure: have you experienced any detriment as a result of speaking up? No": 1,
    "Asked after closure: have you experienced any detriment as a result of speaking up? "
    "I would rather not say": 1,
}


def _fixture() -> None:
    # Six cases raised in Q2, on its first and last days included.
    make_case(date(2026, 7, 1), themes=("Patient safety and quality", "Bullying or harassment"))
    make_case(
        date(2026, 7, 20),
        themes=("Worker safety and wellbeing",),
        mode="anonymous",
        group=None,
        detriment=True,
    )
    make_case(date(2026, 8, 3), themes=("Patient safety and quality",), group="Medical and Dental")
    make_case(
        date(2026, 8, 30),
        themes=("Inappropriate attitudes and behaviours", "Worker safety and wellbeing"),
        group="Students",
        detriment=True,
    )
    make_case(date(2026, 9, 10), themes=("Bullying or harassment",), mode="anonymous", group=None)
    make_case(date(2026, 9, 30), themes=("Patient safety and quality", "Staffing and workload"))
    # Outside Q2: the day before it and the day after it.
    make_case(date(2026, 6, 30), themes=("Bullying or harassment",), detriment=True)
    make_case(date(2026, 10, 1), themes=("Patient safety and quality",), mode="anonymous")
    # Answers count in the quarter they were given, whenever the case was raised.
    make_case(
        date(2026, 4, 2), closed_on=date(2026, 6, 1), speak_up_again=("yes", date(2026, 7, 1))
    )
    make_case(
        date(2026, 4, 3), closed_on=date(2026, 6, 1), speak_up_again=("yes", date(2026, 9, 30))
    )
    make_case(date(2026, 4, 4), closed_on=date(2026, 6, 1), speak_up_again=("no", date(2026, 8, 1)))
    make_case(
        date(2026, 4, 5), closed_on=date(2026, 6, 1), speak_up_again=("maybe", date(2026, 8, 2))
    )
    make_case(
        date(2026, 4, 6), closed_on=date(2026, 6, 1), speak_up_again=("dont_know", date(2026, 8, 3))
    )
    make_case(
        date(2026, 4, 7), closed_on=date(2026, 6, 1), speak_up_again=("yes", date(2026, 6, 30))
    )
    make_case(
        date(2026, 1, 5), closed_on=date(2026, 3, 1), detriment_answer=("yes", date(2026, 7, 5))
    )
    make_case(
        date(2026, 1, 6), closed_on=date(2026, 3, 1), detriment_answer=("no", date(2026, 8, 5))
    )
    make_case(
        date(2026, 1, 7),
        closed_on=date(2026, 3, 1),
        detriment_answer=("prefer_not", date(2026, 9, 5)),
    )
    make_case(
        date(2026, 1, 8), closed_on=date(2026, 3, 1), detriment_answer=("no", date(2026, 10, 1))
    )


def test_the_return_matches_the_hand_computed_fixture_with_every_item_non_zero(
    app_context: None,
) -> None:
    _fixture()
    rows = {row.label: row.count for row in compute_return(Q2, AFTER).rows}
    expected_rows = {label: count for label, count in EXPECTED.items()}
    for label, count in expected_rows.items():
        assert rows[label] == count, label
    worker_groups = [label for label in rows if label.startswith("Cases by worker group: ")]
    assert len(worker_groups) == 10  # every group is listed, with 0 where nobody spoke up
    assert sum(rows[label] for label in worker_groups) == 6
    mentioned = {label for label, count in expected_rows.items() if count}
    assert mentioned == set(expected_rows)  # the fixture leaves no item at zero


def test_a_quarter_is_refused_until_the_day_after_it_ends(app_context: None) -> None:
    with pytest.raises(ValidationFailed, match=r"has not ended yet.*1 October 2026"):
        compute_return(Q2, date(2026, 9, 30))
    assert compute_return(Q2, date(2026, 10, 1)).rows  # the first day after it


def test_a_quarter_with_no_cases_gives_zeros(app_context: None) -> None:
    make_case(date(2026, 3, 31))  # Q4 of 2025/26, not Q1 2026
    result = compute_return(Quarter(2026, 1), date(2026, 7, 1))
    assert result.rows
    assert all(row.count == 0 for row in result.rows)
    assert (
        result.csv().splitlines()[1] == "Number of cases brought to Freedom to Speak Up guardians,0"
    )


def test_the_items_come_from_one_configurable_list(app: Flask, app_context: None) -> None:
    make_case(date(2026, 7, 1), mode="anonymous")
    items = [
        ReturnItem("total", "Total cases", "cases"),
        ReturnItem("anon", "Anonymous", "anonymous"),
    ]
    app.config["FTSU_RETURN_ITEMS"] = items
    try:
        assert compute_return(Q2, AFTER).csv() == "item,count\nTotal cases,1\nAnonymous,1\n"
    finally:
        app.config.pop("FTSU_RETURN_ITEMS")
    with pytest.raises(ValueError, match="unknown FTSU return measure"):
        ReturnItem("x", "X", "everything")


def test_the_return_page_and_csv(client: FlaskClient) -> None:
    make_case(date(2024, 5, 1), mode="anonymous", detriment=True)
    sign_in(client, make_user(Role.GUARDIAN))
    page = client.get("/guardian/return?quarter=2024-Q1").get_data(as_text=True)
    assert "2024/25 Q1 (April to June 2024)" in page
    assert "Cases raised anonymously" in page
    download = client.get("/guardian/return.csv?quarter=2024-Q1")
    assert download.mimetype == "text/csv"
    lines = download.get_data(as_text=True).splitlines()
    assert lines[0] == "item,count"
    assert "Cases raised anonymously,1" in lines


def test_the_current_quarter_is_refused_on_the_page_and_in_the_download(
    client: FlaskClient,
) -> None:
    sign_in(client, make_user(Role.GUARDIAN))
    from engage.timeutil import utcnow

    current = Quarter.of(utcnow().date())
    page = client.get(f"/guardian/return?quarter={current.key}")
    assert page.status_code == 400
    assert "has not ended yet" in page.get_data(as_text=True)
    download = client.get(f"/guardian/return.csv?quarter={current.key}")
    assert download.status_code == 302
    assert "has not ended yet" in client.get(download.location).get_data(as_text=True)


def test_the_command_prints_item_count_rows(app: Flask, db_session: object) -> None:
    with app.app_context():
        make_case(date(2024, 8, 1), themes=("Bullying or harassment",))
    result = app.test_cli_runner().invoke(args=["ftsu-return", "--year", "2024", "--quarter", "2"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "item,count"
    assert "Number of cases brought to Freedom to Speak Up guardians,1" in lines
    assert "Cases with an element of bullying or harassment,1" in lines


def test_the_command_refuses_a_quarter_not_yet_ended(app: Flask, db_session: object) -> None:
    result = app.test_cli_runner().invoke(args=["ftsu-return", "--year", "2099", "--quarter", "1"])
    assert result.exit_code != 0
    assert "has not ended yet" in result.output
    bad = app.test_cli_runner().invoke(args=["ftsu-return", "--year", "2026", "--quarter", "5"])
    assert bad.exit_code != 0
