"""What a browser sends for engage's form fields."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode


def typed_date(name: str, day: date) -> dict[str, str]:
    """The three boxes of a date input (engage.date_input.DateInputField), as typed."""
    return {
        f"{name}-day": str(day.day),
        f"{name}-month": str(day.month),
        f"{name}-year": str(day.year),
    }


def date_query(**days: date) -> str:
    """A query string of date inputs, as a filter form sends it: date_from=..., date_to=..."""
    fields: dict[str, str] = {}
    for name, day in days.items():
        fields.update(typed_date(name, day))
    return urlencode(fields)
