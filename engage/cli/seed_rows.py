"""Writing the demo trust's rows in bulk: one INSERT per table and batch, not one ORM flush
per object (the demo trust is some 70,000 rows and is seeded on every test run)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol, TypeVar

from sqlalchemy import Column, insert, select, update

from engage.accounts.models import LeaderScope, Role, User
from engage.extensions import db

Row = dict[str, Any]


class _Identified(Protocol):
    @property
    def id(self) -> int: ...


Identified = TypeVar("Identified", bound=_Identified)


def insert_rows(model: Any, rows: Sequence[Row]) -> None:
    """Insert rows (dicts of column values, each with the same keys) in one statement.

    Through the table, not the ORM: ORM bulk inserts leave out None values, and so split
    rows whose None values differ into many statements."""
    if rows:
        db.session.execute(insert(getattr(model, "__table__", model)), list(rows))


def insert_returning_ids(model: Any, rows: Sequence[Row], by: str) -> list[int]:
    """Insert rows and return their new identifiers, in the order of the rows.

    The identifiers are read back by the column `by` (whose values in `rows` no other row of
    the table has), in the order of the identifiers: both SQLite and PostgreSQL number the
    rows of one INSERT in turn. That order is checked. (RETURNING in the order of the rows
    would do, but SQLAlchemy sends such an INSERT to SQLite one row at a time.)"""
    if not rows:
        return []
    insert_rows(model, rows)
    keys = [row[by] for row in rows]
    column = getattr(model, by)
    stored = db.session.execute(
        select(model.id, column).where(column.in_(set(keys))).order_by(model.id)
    ).all()
    if [key for _, key in stored] != keys:
        raise RuntimeError(f"{model.__tablename__}: the rows inserted are not those read back")
    return [row_id for row_id, _ in stored]


def update_rows(model: Any, rows: Sequence[Row]) -> None:
    """Update rows by primary key (each dict holds `id` and the new values)."""
    if rows:
        db.session.execute(update(model), list(rows))


class UniqueCodes:
    """Fresh unique codes (references) for many new rows: drawn as one at a time would be,
    but checked against the codes stored before (read once) and those already drawn,
    instead of with one query each."""

    def __init__(self, column: Column[str] | Any) -> None:
        self.taken: set[str] = set(db.session.scalars(select(column)))

    def new(self, draw: Callable[[], str]) -> str:
        while (code := draw()) in self.taken:
            pass
        self.taken.add(code)
        return code


def in_order_made(submissions: Iterable[Identified], made: Sequence[int]) -> list[Identified]:
    """Submissions (or rows of their columns) in the order the demo made them, any others
    after them. Identifiers are random: read in their order, the submissions would consume
    the random numbers in a different order on every run, and one seed would not always
    give the same demo trust."""
    position = {submission_id: index for index, submission_id in enumerate(made)}
    return sorted(submissions, key=lambda row: (position.get(row.id, len(position)), row.id))


def leaders_by_unit() -> dict[int | None, int]:
    """Each unit's leader (the last by identifier, where a unit has two), by unit id."""
    scopes = db.session.execute(
        select(LeaderScope.unit_id, User.id)
        .join(User, LeaderScope.user_id == User.id)
        .where(User.role == Role.LEADER.value)
        .order_by(User.id, LeaderScope.id)
    )
    return {unit_id: user_id for unit_id, user_id in scopes}
