from __future__ import annotations

import math
import re
from datetime import date
from typing import Any, Final

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import RadioField, SelectMultipleField, StringField, TextAreaField, ValidationError
from wtforms.validators import InputRequired
from wtforms.widgets import CheckboxInput, ListWidget

from engage.forms import clean_text, options, written
from engage.metrics.csv_series import MAX_ROWS
from engage.metrics.spc import MAX_ABS_VALUE

EXCEL_SIX_POINT_RULES: Final = "six_point_rules"
EXCEL_NO_SCREENING: Final = "no_screening"
EXCEL_CLOSE_INCLUDES_OUTSIDE: Final = "close_includes_outside"
# Enough for any sensible chart, and far fewer than the most rows a series may have.
MAX_FIX_AFTER: Final = MAX_ROWS
MAX_REBASE_DATES: Final = 50

_NUMBER: Final = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_THOUSANDS: Final = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")
_WHOLE_NUMBER: Final = re.compile(r"\d{1,9}")
_ISO_DATE: Final = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DATE_SEPARATORS: Final = re.compile(r"[\s,;]+")


class _ParsedText:
    """A text box whose text is parsed into ``data``.

    Text that cannot be parsed leaves ``data`` as None and an error beside the box, which
    shows what was typed either way (WTForms' own number fields would show nothing, and
    say only "Not a valid float value").
    """

    raw_data: list[Any] | None
    data: Any

    def _parse(self, text: str) -> Any:
        raise NotImplementedError

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = None
        text = clean_text(valuelist[0]) if valuelist else ""
        if text:
            self.data = self._parse(text)

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return "" if self.data is None else str(self.data)


class OptionalNumberField(_ParsedText, StringField):
    def _parse(self, text: str) -> float:
        if _THOUSANDS.fullmatch(text):
            text = text.replace(",", "")
        # The pattern refuses "nan" and "inf", which float() would accept.
        if not _NUMBER.fullmatch(text):
            raise ValueError(f"Enter the {self.short_name} as a number, like 85 or 92.5")
        number = float(text)
        if not math.isfinite(number) or abs(number) > MAX_ABS_VALUE:
            raise ValueError(
                f"The {self.short_name} must be a number between -{MAX_ABS_VALUE:,.0f} and "
                f"{MAX_ABS_VALUE:,.0f}"
            )
        return number


class OptionalWholeNumberField(_ParsedText, StringField):
    def __init__(self, *args: Any, minimum: int, maximum: int, message: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.minimum, self.maximum, self.message = minimum, maximum, message

    def _parse(self, text: str) -> int:
        if not _WHOLE_NUMBER.fullmatch(text) or not self.minimum <= int(text) <= self.maximum:
            raise ValueError(self.message)
        return int(text)


class DateListField(_ParsedText, TextAreaField):
    """Dates as yyyy-mm-dd, one a line or separated by commas; data is a sorted tuple."""

    def _parse(self, text: str) -> tuple[date, ...]:
        found: set[date] = set()
        for part in _DATE_SEPARATORS.split(text):
            if not part:
                continue
            match = _ISO_DATE.fullmatch(part)
            if match is None:
                raise ValueError(
                    f"{part[:40]!r} is not a date written as yyyy-mm-dd, like 2024-03-03"
                )
            try:
                found.add(date(*(int(number) for number in match.groups())))
            except ValueError:
                raise ValueError(f"{part} is not a real date") from None
        if len(found) > MAX_REBASE_DATES:
            raise ValueError(f"Enter at most {MAX_REBASE_DATES} dates for new periods")
        return tuple(sorted(found))


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ChartForm(FlaskForm):
    figures = TextAreaField(
        "Paste your figures",
        description=(
            "One row a line: the date, a comma, then the value, like 2024-04-07,23. Write "
            "dates as yyyy-mm-dd or dd/mm/yyyy, oldest first, and leave the value blank for a "
            f"missing week. You can copy 2 columns from a spreadsheet. Up to {MAX_ROWS:,} rows."
        ),
        filters=[clean_text],
    )
    file = FileField("Or choose a CSV file")
    title = written(
        StringField,
        "Chart title (optional)",
        noun="The chart title",
        maximum=100,
        description="For example, Falls per 1,000 bed days on Ward 7",
    )
    improvement = RadioField(
        "Is a higher or a lower value better?",
        choices=options(
            [
                ("increase", "Higher is better"),
                ("decrease", "Lower is better"),
                ("neutral", "Neither"),
            ]
        ),
        validators=[InputRequired("Select whether higher or lower values are better")],
    )
    target = OptionalNumberField(
        "Target (optional)",
        description=(
            "A number, like 85 or 92.5. With a target, the chart shows whether you can "
            "expect to meet it."
        ),
    )
    rebase_dates = DateListField(
        "Dates when a new period starts (optional)",
        description=(
            "When you know the process changed, the chart can work out a new mean and limits "
            "from that date. One date a line, or separated by commas, as yyyy-mm-dd; each must "
            "be a date in your figures."
        ),
    )
    fix_after_n_points = OptionalWholeNumberField(
        "Fix the limits after this many points (optional)",
        description=(
            "Work out the mean and limits from the first points of each period only, then "
            "judge later points against them. For example, 20."
        ),
        minimum=2,
        maximum=MAX_FIX_AFTER,
        message=f"Enter a whole number from 2 to {MAX_FIX_AFTER:,}",
    )
    excel_settings = MultiCheckboxField(
        "NHS England Excel tool settings",
        description=(
            "Leave these unticked to follow NHSRplotthedots, the NHS-R Community's tool. Tick "
            "them to match a chart made with NHS England's Excel tool."
        ),
        choices=options(
            [
                (EXCEL_SIX_POINT_RULES, "Use runs and trends of 6 points instead of 7"),
                (EXCEL_NO_SCREENING, "Do not screen out large moving ranges"),
                (
                    EXCEL_CLOSE_INCLUDES_OUTSIDE,
                    "Count points beyond the limits as close to them (2 in 3 rule)",
                ),
            ]
        ),
    )

    def validate_figures(self, field: TextAreaField) -> None:
        has_file = bool(self.file.data)
        if not field.data and not has_file:
            raise ValidationError("Paste figures or choose a CSV file")
        if field.data and has_file:
            raise ValidationError(
                "Paste figures or choose a CSV file, not both: clear the box to use the file"
            )
