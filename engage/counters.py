"""Counting failed attempts in the database itself: two guesses sent at the same moment must
both count, which reading, adding one and writing back would not guarantee."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.orm.attributes import set_committed_value

from engage.extensions import db


def increment(row: Any, column: InstrumentedAttribute[int]) -> int:
    """Add one to `column` of `row` in a single UPDATE and return the new value."""
    model = type(row)
    statement = (
        update(model)
        .where(model.id == row.id)
        .values({column.key: column + 1})
        .returning(column)
        .execution_options(synchronize_session=False)
    )
    count = int(db.session.execute(statement).scalar_one())
    set_committed_value(row, column.key, count)
    return count
