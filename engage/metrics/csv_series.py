"""Parse a pasted or uploaded "date,value" series into dated values for :func:`xmr`.

Accepted: an optional header row (a first row whose first field does not look like a
date); dates as yyyy-mm-dd or dd/mm/yyyy, day first as in the UK (2024-1-7 and 7/1/2024
too); a blank value for a missing week; numbers such as ``1234``, ``-0.5``, ``1e3`` or
a quoted ``"1,234"``. Fields are separated by commas, or by tabs when pasted from a
spreadsheet; blank lines are ignored but count towards the limit of 1,000 rows (and a
header), so a file of blank lines costs no more than a full one; dates strictly increasing.
Every problem raises :class:`SpcInputError` naming the line, so a user can fix it.
"""

from __future__ import annotations

import csv
import io
import math
import re
from datetime import date
from typing import Final

from engage.metrics.spc import MAX_ABS_VALUE, SpcInputError

MAX_ROWS: Final = 1_000
MAX_LINES: Final = MAX_ROWS + 1  # a header row, then the rows; blank lines count
_ISO_DATE: Final = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_UK_DATE: Final = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_NUMBER: Final = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_THOUSANDS: Final = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")


def parse_csv(text: str) -> list[tuple[date, float | None]]:
    """Return (date, value or None) pairs in the order given, dates strictly increasing."""
    text = text.removeprefix("\ufeff")
    first_line = next((line for line in io.StringIO(text) if line.strip()), "")
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    rows: list[tuple[date, float | None]] = []
    header_allowed = True
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    try:
        for fields in reader:
            line = reader.line_num
            if line > MAX_LINES:
                raise SpcInputError(
                    f"Line {line}: there are more than {MAX_ROWS:,} rows (blank lines count too)."
                )
            if not any(field.strip() for field in fields):
                continue
            if header_allowed:
                header_allowed = False
                if not _looks_like_date(fields[0]):
                    continue
            if len(rows) == MAX_ROWS:
                raise SpcInputError(f"Line {line}: there are more than {MAX_ROWS:,} rows.")
            row = _parse_row(fields, line)
            if rows and row[0] <= rows[-1][0]:
                raise SpcInputError(
                    f"Line {line}: the date {row[0]:%d/%m/%Y} is not after the date on the "
                    f"row before ({rows[-1][0]:%d/%m/%Y}); dates must be in order, "
                    "each once."
                )
            rows.append(row)
    except csv.Error as error:
        raise SpcInputError(
            f"Line {reader.line_num}: cannot read the row; check its quote marks ({error})."
        ) from None
    if not rows:
        raise SpcInputError("No rows of data were found; expected lines of date,value.")
    return rows


def _looks_like_date(field: str) -> bool:
    field = field.strip()
    return bool(_ISO_DATE.fullmatch(field) or _UK_DATE.fullmatch(field))


def _parse_row(fields: list[str], line: int) -> tuple[date, float | None]:
    if len(fields) > 2 and any(field.strip() for field in fields[2:]):
        raise SpcInputError(
            f"Line {line}: expected 2 columns (date,value) but found {len(fields)}."
        )
    if len(fields) < 2:
        raise SpcInputError(
            f"Line {line}: expected a date and a value separated by a comma; "
            "leave the value blank for a missing week, as in 2024-04-01,"
        )
    return _parse_date(fields[0], line), _parse_value(fields[1], line)


def _parse_date(field: str, line: int) -> date:
    field = field.strip()
    if iso := _ISO_DATE.fullmatch(field):
        year, month, day = (int(part) for part in iso.groups())
    elif uk := _UK_DATE.fullmatch(field):
        day, month, year = (int(part) for part in uk.groups())
    else:
        raise SpcInputError(
            f"Line {line}: {field[:40]!r} is not a date; use yyyy-mm-dd or dd/mm/yyyy."
        )
    try:
        return date(year, month, day)
    except ValueError:
        raise SpcInputError(f"Line {line}: {field!r} is not a real date.") from None


def _parse_value(field: str, line: int) -> float | None:
    field = field.strip()
    if not field:
        return None
    if _THOUSANDS.fullmatch(field):
        field = field.replace(",", "")
    if not _NUMBER.fullmatch(field):
        raise SpcInputError(f"Line {line}: {field[:40]!r} is not a number.")
    value = float(field)
    if math.isinf(value) or abs(value) > MAX_ABS_VALUE:
        raise SpcInputError(f"Line {line}: {field[:40]!r} is too large.")
    return value
