"""The three-box date field (engage.date_input.DateInputField) on its own: what it accepts,
the message it gives, which boxes it marks, and what it keeps of what was typed."""

from __future__ import annotations

from datetime import date

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import Form, ValidationError

from engage.forms import DateInputField

TODAY = date(2027, 3, 15)


class DueForm(Form):
    due_on = DateInputField(
        "Due date",
        noun="Due date",
        blank="Enter a due date",
        not_before=(lambda: TODAY, "Due date must be today or in the future"),
    )


class PeriodForm(Form):
    date_from = DateInputField("From", noun="Start date")
    date_to = DateInputField(
        "To", noun="End date", not_after=(lambda: TODAY, "End date must be today or earlier")
    )

    def validate_date_to(self, field: DateInputField) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("The end must be on or after the start")


def typed(day: str, month: str, year: str, name: str = "due_on") -> MultiDict[str, str]:
    return MultiDict({f"{name}-day": day, f"{name}-month": month, f"{name}-year": year})


@pytest.mark.parametrize(
    ("day", "month", "year", "expected"),
    [
        ("15", "3", "2027", date(2027, 3, 15)),  # today exactly
        ("16", "03", "2027", date(2027, 3, 16)),
        (" 29 ", "2", "2028", date(2028, 2, 29)),  # a leap year
        ("31", "12", "2099", date(2099, 12, 31)),
    ],
)
def test_real_dates_today_or_later_are_accepted(
    day: str, month: str, year: str, expected: date
) -> None:
    form = DueForm(typed(day, month, year))
    assert form.validate(), form.errors
    assert form.due_on.data == expected


@pytest.mark.parametrize(
    ("day", "month", "year", "message", "marked"),
    [
        ("", "", "", "Enter a due date", {"day", "month", "year"}),
        ("15", "", "2027", "Due date must include a month", {"month"}),
        ("", "", "2027", "Due date must include a day and month", {"day", "month"}),
        ("", "3", "", "Due date must include a day and year", {"day", "year"}),
        ("29", "2", "2027", "Due date must be a real date", {"day"}),  # not a leap year
        ("29", "2", "2100", "Due date must be a real date", {"day"}),  # a century, not leap
        ("31", "4", "2027", "Due date must be a real date", {"day"}),
        ("0", "5", "2027", "Due date must be a real date", {"day"}),
        ("1", "13", "2027", "Due date must be a real date", {"month"}),
        ("1", "0", "2027", "Due date must be a real date", {"month"}),
        ("x", "5", "2027", "Due date must be a real date", {"day"}),
        ("1", "May", "2027", "Due date must be a real date", {"month"}),
        ("-1", "5", "2027", "Due date must be a real date", {"day"}),
        ("1", "5", "27", "Due date must include a year with 4 numbers", {"year"}),
        ("1", "5", "20270", "Due date must include a year with 4 numbers", {"year"}),
        ("14", "3", "2027", "Due date must be today or in the future", {"day", "month", "year"}),
        ("99999999999999999999", "1", "2027", "Due date must be a real date", {"day"}),
        ("\u00b2", "1", "2027", "Due date must be a real date", {"day"}),  # a superscript two
        ("\u0663", "1", "2027", "Due date must be a real date", {"day"}),  # an Arabic-Indic 3
    ],
)
def test_a_bad_date_says_what_is_wrong_and_marks_the_boxes(
    day: str, month: str, year: str, message: str, marked: set[str]
) -> None:
    form = DueForm(typed(day, month, year))
    assert not form.validate()
    assert form.due_on.errors == [message]
    assert form.due_on.error_parts == marked
    assert form.due_on.data is None
    # What was typed is kept, to be shown again.
    assert form.due_on.parts == {"day": day.strip(), "month": month, "year": year}
    first = next(part for part in ("day", "month", "year") if part in marked)
    assert form.due_on.first_box_id == f"due_on-{first}"


def test_a_date_kept_from_the_record_is_not_judged_again() -> None:
    class Edited:
        due_on = date(2027, 1, 2)  # overdue, kept as it was

    form = DueForm(typed("2", "1", "2027"), obj=Edited())
    assert form.validate(), form.errors
    moved = DueForm(typed("3", "1", "2027"), obj=Edited())
    assert not moved.validate()
    assert moved.due_on.errors == ["Due date must be today or in the future"]


def test_a_record_fills_the_boxes_when_nothing_was_sent() -> None:
    class Edited:
        due_on = date(2027, 4, 9)

    form = DueForm(obj=Edited())
    assert form.due_on.parts == {"day": "9", "month": "4", "year": "2027"}
    assert form.validate() and form.due_on.data == date(2027, 4, 9)
    assert not DueForm().validate(), "a required date with nothing sent is refused"


def test_optional_dates_may_be_left_empty_and_the_forms_own_checks_run() -> None:
    assert PeriodForm(MultiDict()).validate()
    empty = MultiDict({"date_from-day": "", "date_from-month": "", "date_from-year": ""})
    form = PeriodForm(empty)
    assert form.validate() and form.date_from.data is None
    backwards = MultiDict(
        {**typed("10", "3", "2027", "date_from"), **typed("1", "3", "2027", "date_to")}
    )
    form = PeriodForm(backwards)
    assert not form.validate()
    assert form.date_to.errors == ["The end must be on or after the start"]
    assert form.date_from.errors == []
    late = PeriodForm(typed("16", "3", "2027", "date_to"))
    assert not late.validate() and late.date_to.errors == ["End date must be today or earlier"]
    assert PeriodForm(typed("15", "3", "2027", "date_to")).validate(), "today itself is allowed"
