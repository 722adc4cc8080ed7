"""Financial-year quarters (Q1 is April to June), as NHS boards and the FTSU return use them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

MONTHS = (
    "January February March April May June July August September October November December"
).split()


@dataclass(frozen=True, order=True)
class Quarter:
    """A financial-year quarter: year is the year the financial year starts (2026 = 2026/27)."""

    year: int
    number: int

    @classmethod
    def of(cls, day: date) -> Quarter:
        if day.month >= 4:
            return cls(day.year, (day.month - 4) // 3 + 1)
        return cls(day.year - 1, 4)

    @classmethod
    def parse(cls, text: str) -> Quarter | None:
        """From "2026-Q2"; None for anything else."""
        year, _, number = text.partition("-Q")
        if not (year.isdigit() and number.isdigit() and 2000 <= int(year) <= 2100):
            return None
        if not 1 <= int(number) <= 4:
            return None
        return cls(int(year), int(number))

    @property
    def start(self) -> date:
        month = 4 + 3 * (self.number - 1)
        return date(self.year + (month > 12), (month - 1) % 12 + 1, 1)

    @property
    def end(self) -> date:
        """The first day after the quarter."""
        following = (
            Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)
        )
        return following.start

    @property
    def key(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def label(self) -> str:
        first = MONTHS[self.start.month - 1]
        last = MONTHS[(self.start.month + 1) % 12]
        years = f"{self.year}/{str(self.year + 1)[2:]}"
        return f"{years} Q{self.number} ({first} to {last} {self.start.year})"

    def previous(self) -> Quarter:
        return (
            Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)
        )
