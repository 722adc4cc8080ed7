"""Evaluate an access rule's SQL condition on one row already loaded, without the database.

The access rules are written once, as the SQLAlchemy conditions that list queries filter by;
the one-item checks ("can this person handle this submission?") run the very same condition
here, so the two cannot drift apart. Only the few constructs the rules use are understood
(AND, OR, =, <>, IN, NOT IN, IS NULL, IS NOT NULL, TRUE, FALSE): anything else raises, so a
new rule that used more would fail its tests rather than be judged wrongly.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import (
    AsBoolean,
    BinaryExpression,
    BindParameter,
    BooleanClauseList,
    ClauseElement,
    ColumnClause,
    False_,
    Grouping,
    Null,
    True_,
)

# SQL's comparisons: NULL on either side gives NULL (None), except for IS and IS NOT.
_COMPARISONS: dict[Any, Callable[[Any, Any], bool]] = {
    operators.eq: operator.eq,
    operators.ne: operator.ne,
    operators.in_op: lambda value, options: value in options,
    operators.not_in_op: lambda value, options: value not in options,
}
_NULL_TESTS: dict[Any, Callable[[Any, Any], bool]] = {
    operators.is_: operator.is_,
    operators.is_not: operator.is_not,
}


def holds(condition: ClauseElement, row: object) -> bool:
    """Whether `row` is among the rows `condition` selects (SQL's NULL counts as no)."""
    return _value(condition, row) is True


def _value(clause: object, row: object) -> Any:
    if isinstance(clause, BooleanClauseList):
        return _connective(clause, row)
    if isinstance(clause, BinaryExpression):
        left, right = _value(clause.left, row), _value(clause.right, row)
        if clause.operator in _NULL_TESTS:
            return _NULL_TESTS[clause.operator](left, right)
        if clause.operator not in _COMPARISONS:
            raise TypeError(f"A rule cannot be judged on one row: {clause.operator}")
        if left is None or right is None:
            return None
        return _COMPARISONS[clause.operator](left, right)
    if isinstance(clause, ColumnClause):
        attribute = inspect(row).mapper.get_property_by_column(clause)
        return getattr(row, attribute.key)
    if isinstance(clause, BindParameter):
        return clause.effective_value
    if isinstance(clause, Grouping):
        return _value(clause.element, row)
    if isinstance(clause, AsBoolean):  # what and_() and or_() leave of a constant they absorb
        value = _value(clause.element, row)
        return value if clause.operator is operators.is_true else _negation(value)
    if isinstance(clause, True_):
        return True
    if isinstance(clause, False_):
        return False
    if isinstance(clause, Null):
        return None
    raise TypeError(f"A rule cannot be judged on one row: {type(clause).__name__}")


def _negation(value: bool | None) -> bool | None:
    return None if value is None else not value


def _connective(clause: BooleanClauseList, row: object) -> bool | None:
    """AND and OR with SQL's three values: a NULL operand leaves the answer unknown unless
    another operand settles it."""
    values = [_value(part, row) for part in clause.clauses]
    if clause.operator is operators.and_:
        decisive, otherwise = False, True
    elif clause.operator is operators.or_:
        decisive, otherwise = True, False
    else:
        raise TypeError(f"A rule cannot be judged on one row: {clause.operator}")
    if decisive in values:
        return decisive
    return None if None in values else otherwise
