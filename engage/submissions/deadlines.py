"""Which items are overdue, and which were escalated to a person, as SQL conditions.

Both are the response clocks' rules, and the clocks (working days, bank holidays, the trust's
settings, which clock runs in which status) and the escalations belong to responses, which is
built on top of submissions. Responses hands its two conditions here when it is imported
(engage.responses.escalation), so the inbox filters by the very rules the clocks and the
escalation job use without importing the package above it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import ColumnElement

from engage.accounts.models import User

OverdueRule = Callable[[date], ColumnElement[bool]]
EscalatedRule = Callable[[User], ColumnElement[bool]]

_rules: dict[str, Callable[..., ColumnElement[bool]]] = {}


def provide(*, overdue: OverdueRule, escalated_to: EscalatedRule) -> None:
    _rules["overdue"] = overdue
    _rules["escalated_to"] = escalated_to


def _rule(name: str) -> Callable[..., ColumnElement[bool]]:
    if name not in _rules:
        raise RuntimeError("engage.responses has not provided the response clocks' rules")
    return _rules[name]


def overdue(today: date) -> ColumnElement[bool]:
    """Items whose running response clock had run out by `today` (its due day is not late)."""
    return _rule("overdue")(today)


def escalated_to(person: User) -> ColumnElement[bool]:
    """Items passed up the line to `person` whose escalated clock is still running."""
    return _rule("escalated_to")(person)
