"""The thematic report for the board, for a quarter or a financial year, printable on A4.

Board papers are published, so every breakdown (themes, worker groups, answers, referrals)
is suppressed below the small-number threshold and no case is described.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select

from engage.accounts.models import User
from engage.audit.services import record
from engage.errors import ValidationFailed
from engage.extensions import db
from engage.guardian.access import require_guardian
from engage.guardian.models import (
    REFERRAL_LABELS,
    SPEAK_UP_AGAIN_LABELS,
    CaseEntry,
    EntryKind,
    GuardianCase,
    ReportLearning,
    case_themes,
)
from engage.guardian.trends import ThemeChart, chart_for_report
from engage.organisation.models import StaffGroup
from engage.quarters import Quarter
from engage.small_numbers import shown
from engage.submissions.models import Theme
from engage.timeutil import utcnow

LEARNING_MAX = 5000


@dataclass(frozen=True)
class Period:
    key: str
    label: str
    start: date
    end: date  # the first day after

    def previous(self) -> Period:
        return period_of(_previous_key(self.key))


def period_of(key: str) -> Period:
    """ "2026-Q2" (a quarter) or "2026" (the financial year 2026/27)."""
    key = (key or "").strip()
    quarter = Quarter.parse(key)
    if quarter is not None:
        return Period(quarter.key, quarter.label, quarter.start, quarter.end)
    if key.isdigit() and 2000 <= int(key) <= 2100:
        year = int(key)
        label = f"Financial year {year}/{str(year + 1)[2:]} (April {year} to March {year + 1})"
        return Period(key, label, date(year, 4, 1), date(year + 1, 4, 1))
    raise ValidationFailed("Choose a quarter like 2026-Q2 or a financial year like 2026", "period")


def _previous_key(key: str) -> str:
    quarter = Quarter.parse(key)
    return quarter.previous().key if quarter else str(int(key) - 1)


@dataclass(frozen=True)
class Line:
    name: str
    now: str
    before: str


@dataclass(frozen=True)
class BoardReport:
    period: Period
    complete: bool
    cases: int
    previous_cases: int
    closed: int
    themes: list[Line]
    groups: list[Line]
    answers: list[Line]
    referrals: list[Line]
    actions: str
    charts: list[ThemeChart]
    learning: str


def board_report(actor: User, key: str, today: date) -> BoardReport:
    require_guardian(actor)
    period = period_of(key)
    if period.start > today:
        raise ValidationFailed(f"{period.label} has not started yet", "period")
    before = period.previous()
    themes = list(db.session.scalars(select(Theme).order_by(Theme.position, Theme.name)))
    theme_now, theme_before = _by_theme(period), _by_theme(before)
    groups = list(db.session.scalars(select(StaffGroup).order_by(StaffGroup.position)))
    group_now, group_before = _by_group(period), _by_group(before)
    answer_now, answer_before = _answers(period), _answers(before)
    referral_now, referral_before = _referrals(period), _referrals(before)
    learning = db.session.scalar(select(ReportLearning).where(ReportLearning.period == period.key))
    national = [t for t in themes if t.name in _NATIONAL]
    return BoardReport(
        period=period,
        complete=today >= period.end,
        cases=_cases(period),
        previous_cases=_cases(before),
        closed=db.session.scalar(
            select(func.count(GuardianCase.id)).where(_between(GuardianCase.closed_on, period))
        )
        or 0,
        themes=[
            Line(t.name, shown(theme_now.get(t.id, 0)), shown(theme_before.get(t.id, 0)))
            for t in themes
            if theme_now.get(t.id) or theme_before.get(t.id)
        ],
        groups=[
            Line(g.name, shown(group_now.get(g.id, 0)), shown(group_before.get(g.id, 0)))
            for g in groups
        ],
        answers=[
            Line(label, shown(answer_now.get(a.value, 0)), shown(answer_before.get(a.value, 0)))
            for a, label in SPEAK_UP_AGAIN_LABELS.items()
        ],
        referrals=[
            Line(label, shown(referral_now.get(r.value, 0)), shown(referral_before.get(r.value, 0)))
            for r, label in REFERRAL_LABELS.items()
        ],
        actions=shown(_actions(period)),
        charts=[
            chart_for_report(theme, min(period.end, today) - timedelta(days=1))
            for theme in national
        ],
        learning=learning.learning if learning else "",
    )


_NATIONAL = (
    "Patient safety and quality",
    "Worker safety and wellbeing",
    "Bullying or harassment",
    "Inappropriate attitudes and behaviours",
)


def _between(column: Any, period: Period) -> ColumnElement[bool]:
    return and_(column >= period.start, column < period.end)


def _cases(period: Period) -> int:
    query = select(func.count(GuardianCase.id)).where(_between(GuardianCase.raised_on, period))
    return db.session.scalar(query) or 0


def _by_theme(period: Period) -> dict[int, int]:
    rows = db.session.execute(
        select(case_themes.c.theme_id, func.count())
        .join(GuardianCase, GuardianCase.id == case_themes.c.case_id)
        .where(_between(GuardianCase.raised_on, period))
        .group_by(case_themes.c.theme_id)
    )
    return {key: count for key, count in rows if key is not None}


def _by_group(period: Period) -> dict[int, int]:
    rows = db.session.execute(
        select(GuardianCase.staff_group_id, func.count(GuardianCase.id))
        .where(_between(GuardianCase.raised_on, period))
        .group_by(GuardianCase.staff_group_id)
    )
    return {group: count for group, count in rows if group is not None}


def _answers(period: Period) -> dict[str, int]:
    rows = db.session.execute(
        select(GuardianCase.speak_up_again, func.count(GuardianCase.id))
        .where(_between(GuardianCase.speak_up_again_on, period))
        .group_by(GuardianCase.speak_up_again)
    )
    return {key: count for key, count in rows if key is not None}


def _referrals(period: Period) -> dict[str, int]:
    rows = db.session.execute(
        select(CaseEntry.referred_to, func.count(CaseEntry.id))
        .where(CaseEntry.kind == EntryKind.REFERRAL.value, _between(CaseEntry.happened_on, period))
        .group_by(CaseEntry.referred_to)
    )
    return {key: count for key, count in rows if key is not None}


def _actions(period: Period) -> int:
    query = select(func.count(CaseEntry.id)).where(
        CaseEntry.kind == EntryKind.ACTION.value, _between(CaseEntry.happened_on, period)
    )
    return db.session.scalar(query) or 0


def save_learning(actor: User, key: str, learning: str) -> None:
    require_guardian(actor)
    period = period_of(key)
    learning = (learning or "").strip()
    if len(learning) > LEARNING_MAX:
        raise ValidationFailed(f"Learning must be {LEARNING_MAX} characters or fewer", "learning")
    row = db.session.scalar(select(ReportLearning).where(ReportLearning.period == period.key))
    if row is None:
        row = ReportLearning(period=period.key)
        db.session.add(row)
    row.learning, row.updated_by_id, row.updated_on = learning, actor.id, utcnow().date()
    db.session.flush()
    record(actor, "guardian.report_learning_saved", row, f"Board report learning for {period.key}")
    db.session.commit()
