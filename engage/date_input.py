"""A date typed as three boxes (day, month, year), as the NHS.UK date input asks for it.

One field for every date a person types: `macros/form.html`'s `date_input` renders it. The
boxes are named `<name>-day`, `<name>-month` and `<name>-year`; what was typed is kept in
`parts` (so a form with a problem shows it again) and the boxes at fault in `error_parts`
(so only those are highlighted). Messages follow the NHS.UK pattern: "Due date must include
a month", "Due date must be a real date", "Due date must be today or in the future".
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date
from typing import Any

from wtforms import Field
from wtforms.utils import unset_value

PARTS = ("day", "month", "year")


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


class DateInputField(Field):  # type: ignore[misc]
    """A date from day, month and year boxes.

    `noun` names it in messages ("Due date"); `blank` is the message when nothing is typed
    (leave it None for an optional date); `not_before`/`not_after` return the earliest and
    latest day allowed (called at validation, so "today" is the day of the request), with
    the message to give beside the field.
    """

    def __init__(
        self,
        label: str | None = None,
        validators: Any = None,
        *,
        noun: str,
        blank: str | None = None,
        not_before: tuple[Callable[[], date], str] | None = None,
        not_after: tuple[Callable[[], date], str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(label, validators, **kwargs)
        self.noun = noun
        self.blank = blank
        self.not_before = not_before
        self.not_after = not_after
        self.parts: dict[str, str] = dict.fromkeys(PARTS, "")
        self.error_parts: set[str] = set()
        if blank:
            self.flags.required = True

    def process(self, formdata: Any, data: Any = unset_value, extra_filters: Any = None) -> None:
        self.process_errors: list[str] = []
        self.raw_data = None
        if data is unset_value:
            try:
                data = self.default()
            except TypeError:
                data = self.default
        self.object_data = data
        # A date once the form is valid (and None for an optional date left empty).
        self.data: Any = data if isinstance(data, date) else None
        if self.data is not None:
            self.parts = {
                "day": str(self.data.day),
                "month": str(self.data.month),
                "year": str(self.data.year),
            }
        if formdata is not None and any(f"{self.name}-{part}" in formdata for part in PARTS):
            self.parts = {
                part: (formdata.get(f"{self.name}-{part}") or "").strip()[:20] for part in PARTS
            }
            self.data = None
            self.raw_data = [self.parts[part] for part in PARTS]

    def _value(self) -> str:
        return self.data.isoformat() if self.data else ""

    @property
    def first_box_id(self) -> str:
        """Where the error summary's link goes: the first box at fault."""
        for part in PARTS:
            if part in self.error_parts:
                return f"{self.id}-{part}"
        return f"{self.id}-day"

    def _fail(self, message: str, parts: set[str]) -> bool:
        self.errors.append(message)
        self.error_parts = parts
        self.data = None
        return False

    def pre_validate(self, form: Any) -> None:
        pass

    def validate(self, form: Any, extra_validators: Any = ()) -> bool:
        self.errors = list(self.process_errors)
        self.error_parts = set()
        if self._parse():
            # The form's own checks (validate_<name>) run on a real date only.
            self._run_validation_chain(form, itertools.chain(self.validators, extra_validators))
            if self.errors:
                self.error_parts = set(PARTS)
        return not self.errors

    def _parse(self) -> bool:
        if self.raw_data is None:
            # Nothing was typed: the date, if any, came from the object being edited.
            return (self.data is None and not self.blank) or self._check_range(self.data)
        typed = {part: value for part, value in self.parts.items() if value}
        if not typed:
            self.data = None
            if self.blank:
                return self._fail(self.blank, set(PARTS))
            return True
        missing = [part for part in PARTS if part not in typed]
        if missing:
            return self._fail(f"{self.noun} must include a {_join(missing)}", set(missing))
        wrong = {part for part, v in typed.items() if not (v.isascii() and v.isdigit())}
        if wrong:
            return self._fail(f"{self.noun} must be a real date", wrong)
        day, month, year = (int(typed[part]) for part in PARTS)
        if len(typed["year"]) != 4:
            return self._fail(f"{self.noun} must include a year with 4 numbers", {"year"})
        if not 1 <= month <= 12:
            return self._fail(f"{self.noun} must be a real date", {"month"})
        try:
            value = date(year, month, day)
        except (ValueError, OverflowError):
            return self._fail(f"{self.noun} must be a real date", {"day"})
        self.data = value
        return self._check_range(value)

    def _check_range(self, value: date | None) -> bool:
        if value is None:
            return self._fail(self.blank or f"Enter the {self.noun.lower()}", set(PARTS))
        if value == self.object_data:
            return True  # a date kept as it was (an overdue action edited) is not re-judged
        if self.not_before and value < self.not_before[0]():
            return self._fail(self.not_before[1], set(PARTS))
        if self.not_after and value > self.not_after[0]():
            return self._fail(self.not_after[1], set(PARTS))
        return True
