"""What a browser sends for engage's form fields."""

from __future__ import annotations

from datetime import date


def typed_date(name: str, day: date) -> dict[str, str]:
    """The three boxes of a date input (engage.date_input.DateInputField), as typed."""
    return {
        f"{name}-day": str(day.day),
        f"{name}-month": str(day.month),
        f"{name}-year": str(day.year),
    }
