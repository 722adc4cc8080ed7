"""The quarterly Freedom to Speak Up data return, for a financial-year quarter that has ended.

These are the trust's true counts, as the national collection asks for them: it is aggregate
and anonymous, so no small-number suppression applies here (it does on every page and export
that breaks cases down by unit, theme or group: see engage/small_numbers.py).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select

from engage.accounts.models import User
from engage.errors import ValidationFailed
from engage.extensions import db
from engage.guardian.access import require_guardian
from engage.guardian.exports import safe_row
from engage.guardian.models import (
    DETRIMENT_LABELS,
    SPEAK_UP_AGAIN_LABELS,
    GuardianCase,
    case_themes,
)
from engage.guardian.return_items import ReturnItem, return_items
from engage.organisation.models import StaffGroup
from engage.quarters import Quarter
from engage.submissions.models import Theme

NOT_KNOWN = "Not known"


@dataclass(frozen=True)
class ReturnRow:
    item: str
    label: str
    count: int
    indent: bool = False  # a breakdown row under its item


@dataclass(frozen=True)
class QuarterlyReturn:
    quarter: Quarter
    rows: list[ReturnRow]

    def csv(self) -> str:
        return rows_as_csv(self.rows)


def rows_as_csv(rows: list[ReturnRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["item", "count"])
    for row in rows:
        writer.writerow(safe_row([row.label, row.count]))
    return out.getvalue()


def check_ended(quarter: Quarter, today: date) -> None:
    if today < quarter.end:
        raise ValidationFailed(
            f"{quarter.label} has not ended yet: its return can be made from "
            f"{quarter.end:%-d %B %Y}.",
            "quarter",
        )


def quarterly_return(actor: User, quarter: Quarter, today: date) -> QuarterlyReturn:
    require_guardian(actor)
    return compute_return(quarter, today)


def compute_return(quarter: Quarter, today: date) -> QuarterlyReturn:
    """Also used by `flask --app engage ftsu-return`, which has no user."""
    check_ended(quarter, today)
    raised = and_(GuardianCase.raised_on >= quarter.start, GuardianCase.raised_on < quarter.end)
    rows: list[ReturnRow] = []
    for item in return_items():
        rows.extend(_rows_for(item, raised, quarter))
    return QuarterlyReturn(quarter, rows)


def _count(*conditions: Any) -> int:
    return db.session.scalar(select(func.count(GuardianCase.id)).where(*conditions)) or 0


def _rows_for(item: ReturnItem, raised: ColumnElement[bool], quarter: Quarter) -> list[ReturnRow]:
    if item.measure == "cases":
        return [ReturnRow(item.key, item.label, _count(raised))]
    if item.measure == "anonymous":
        return [ReturnRow(item.key, item.label, _count(raised, GuardianCase.mode == "anonymous"))]
    if item.measure == "detriment":
        return [ReturnRow(item.key, item.label, _count(raised, GuardianCase.detriment_indicated))]
    if item.measure == "theme":
        with_theme = (
            select(case_themes.c.case_id)
            .join(Theme, Theme.id == case_themes.c.theme_id)
            .where(Theme.name == item.theme)
        )
        return [ReturnRow(item.key, item.label, _count(raised, GuardianCase.id.in_(with_theme)))]
    if item.measure == "worker_groups":
        return [ReturnRow(item.key, item.label, _count(raised)), *_by_group(item, raised)]
    answered = GuardianCase.speak_up_again_on
    column = GuardianCase.speak_up_again
    labels: dict[Any, str] = dict(SPEAK_UP_AGAIN_LABELS)
    if item.measure == "detriment_follow_up":
        answered, column = GuardianCase.detriment_answer_on, GuardianCase.detriment_answer
        labels = dict(DETRIMENT_LABELS)
    in_quarter = and_(answered >= quarter.start, answered < quarter.end)
    total = _count(in_quarter)
    rows = [ReturnRow(item.key, f"{item.label} (answers)", total)]
    for answer, label in labels.items():
        count = _count(in_quarter, column == answer.value)
        rows.append(ReturnRow(f"{item.key}:{answer.value}", f"{item.label} {label}", count, True))
    return rows


def _by_group(item: ReturnItem, raised: ColumnElement[bool]) -> list[ReturnRow]:
    counts = dict(
        db.session.execute(
            select(GuardianCase.staff_group_id, func.count(GuardianCase.id))
            .where(raised)
            .group_by(GuardianCase.staff_group_id)
        ).all()
    )
    groups = list(
        db.session.scalars(select(StaffGroup).order_by(StaffGroup.position, StaffGroup.name))
    )
    unknown = counts.pop(None, 0)
    rows = []
    for group in groups:
        count = counts.get(group.id, 0) + (unknown if group.name == NOT_KNOWN else 0)
        rows.append(
            ReturnRow(f"{item.key}:{group.name}", f"{item.label}: {group.name}", count, True)
        )
    if not any(group.name == NOT_KNOWN for group in groups):
        rows.append(
            ReturnRow(f"{item.key}:{NOT_KNOWN}", f"{item.label}: {NOT_KNOWN}", unknown, True)
        )
    return rows


def unrecorded_concerns(actor: User, quarter: Quarter) -> int:
    """Concerns that reached the guardian in the quarter without a case record: the return
    would miss them, so the page says how many."""
    from engage.guardian.services import concerns_without_case_count

    return concerns_without_case_count(actor, quarter.start, quarter.end)
