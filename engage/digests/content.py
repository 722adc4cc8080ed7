"""What each digest says, gathered in a fixed number of grouped queries per run.

Figures are counted once per unit (or theme) for the whole run and then added up for each
recipient in Python, so a run for 20,000 people costs the same queries as a run for one.
No digest carries the title or text of anything raised: counts and links only, and the
published "we did" text only for items raised openly.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select

from engage import small_numbers
from engage.accounts.models import LeaderScope
from engage.extensions import db
from engage.metrics.models import Level
from engage.metrics.signals import signals
from engage.organisation.models import Unit
from engage.responses.clocks import add_working_days
from engage.responses.models import (
    Action,
    ActionStatus,
    Escalation,
    EscalationStatus,
    Publication,
)
from engage.submissions.models import (
    ENDINGS,
    UNDECIDED,
    Kind,
    Message,
    Queue,
    SpeakUpMode,
    Status,
    StatusChange,
    Submission,
    Theme,
)

UNDECIDED_VALUES = tuple(sorted(status.value for status in UNDECIDED))
CLOSED = tuple(status.value for status in ENDINGS)
LEADER_COLUMNS = (
    ("new_ideas", "New ideas"),
    ("new_concerns", "New concerns"),
    ("waiting", "Waiting to be acknowledged"),
    ("overdue", "Overdue"),
    ("escalated", "Escalated"),
    ("actions_due", "Actions due this week"),
)


def small(count: int) -> str:
    """A count as a digest shows it, by the one small-number rule, except that a zero reads
    "none": a digest says plainly that nothing happened, and a zero points to no one."""
    return "none" if count == 0 else small_numbers.shown(count)


def _per_unit(query: Select[int, int]) -> dict[int, int]:
    return {unit_id: count for unit_id, count in db.session.execute(query)}


def _acknowledge_cutoff(today: date) -> date:
    """The latest submission day whose acknowledgement is overdue on `today`."""
    days = int(current_app.config["ACKNOWLEDGE_WORKING_DAYS"])
    day = today - timedelta(days=1)
    while add_working_days(day, days) >= today:
        day -= timedelta(days=1)
    return day


def overdue_condition(today: date) -> ColumnElement[bool]:
    """SQL: undecided items with a clock run out by `today` (the clocks' own rules)."""
    decide_by = today - timedelta(days=int(current_app.config["DECISION_DAYS"]))
    return and_(
        Submission.status.in_(UNDECIDED_VALUES),
        or_(
            Submission.submitted_on < decide_by,
            and_(
                Submission.status == Status.SUBMITTED.value,
                Submission.submitted_on <= _acknowledge_cutoff(today),
            ),
        ),
    )


@dataclass
class UnitFigures:
    """Per-unit counts for the leaders' digest, for one period."""

    counts: dict[str, dict[int, int]] = field(default_factory=dict)

    def row(self, unit_id: int) -> dict[str, int]:
        return {name: self.counts[name].get(unit_id, 0) for name, _ in LEADER_COLUMNS}


def leader_figures(covers_from: date, today: date) -> UnitFigures:
    leaders_queue = Submission.queue == Queue.LEADERS.value
    new = and_(
        leaders_queue, Submission.submitted_on >= covers_from, Submission.submitted_on < today
    )

    def by_unit(*where: Any) -> Select[int, int]:
        return (
            select(Submission.unit_id, func.count(Submission.id))
            .where(*where)
            .group_by(Submission.unit_id)
        )

    week_end = today + timedelta(days=7)
    figures = UnitFigures()
    figures.counts["new_ideas"] = _per_unit(by_unit(new, Submission.kind == Kind.IDEA.value))
    figures.counts["new_concerns"] = _per_unit(by_unit(new, Submission.kind == Kind.CONCERN.value))
    figures.counts["waiting"] = _per_unit(
        by_unit(leaders_queue, Submission.status == Status.SUBMITTED.value)
    )
    figures.counts["overdue"] = _per_unit(by_unit(leaders_queue, overdue_condition(today)))
    figures.counts["escalated"] = _per_unit(
        select(Submission.unit_id, func.count(Escalation.id))
        .join(Submission, Submission.id == Escalation.submission_id)
        .where(
            leaders_queue,
            Escalation.status == EscalationStatus.SENT.value,  # not those that reached no one
            Escalation.escalated_on >= covers_from,
            Escalation.escalated_on < today,
        )
        .group_by(Submission.unit_id)
    )
    figures.counts["actions_due"] = _per_unit(
        select(Submission.unit_id, func.count(Action.id))
        .join(Submission, Submission.id == Action.submission_id)
        .where(
            Action.due_on >= today,
            Action.due_on < week_end,
            Action.status.in_((ActionStatus.PLANNED.value, ActionStatus.IN_PROGRESS.value)),
        )
        .group_by(Submission.unit_id)
    )
    return figures


def led_units(leader_ids: Select[Any]) -> dict[int, list[tuple[int, str]]]:
    """Every recipient's units (named ones and those of named directorates), in one query."""
    rows = db.session.execute(
        select(LeaderScope.user_id, Unit.id, Unit.name)
        .join(
            Unit,
            or_(Unit.id == LeaderScope.unit_id, Unit.directorate_id == LeaderScope.directorate_id),
        )
        .where(LeaderScope.user_id.in_(leader_ids))
        .order_by(Unit.name)
    )
    units: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for user_id, unit_id, name in rows:
        if (unit_id, name) not in units[user_id]:
            units[user_id].append((unit_id, name))
    return units


@dataclass(frozen=True)
class GuardianFigures:
    new_by_theme: list[tuple[str, int]]
    new_concerns: int
    escalations: int
    waiting: int
    overdue: int


def guardian_figures(covers_from: date, today: date) -> GuardianFigures:
    concern = Submission.kind == Kind.CONCERN.value
    themes = db.session.execute(
        select(Theme.name, func.count(Submission.id))
        .join(Submission, Submission.theme_id == Theme.id)
        .where(concern, Submission.submitted_on >= covers_from, Submission.submitted_on < today)
        .group_by(Theme.name)
        .order_by(Theme.name)
    )
    by_theme = [(str(name), int(count)) for name, count in themes]
    handled = or_(
        Submission.queue == Queue.GUARDIAN.value,
        and_(concern, Submission.guardian_escalated_on.is_not(None)),
    )
    counts = db.session.execute(
        select(
            func.count(Submission.id).filter(Submission.status == Status.SUBMITTED.value),
            func.count(Submission.id).filter(overdue_condition(today)),
        ).where(handled)
    ).one()
    escalations = db.session.scalar(
        select(func.count(Escalation.id)).where(
            Escalation.level == "guardian",
            Escalation.status == EscalationStatus.SENT.value,
            Escalation.escalated_on >= covers_from,
            Escalation.escalated_on < today,
        )
    )
    return GuardianFigures(
        new_by_theme=by_theme,
        new_concerns=sum(count for _, count in by_theme),
        escalations=int(escalations or 0),
        waiting=int(counts[0]),
        overdue=int(counts[1]),
    )


@dataclass(frozen=True)
class PublishedEntry:
    unit_id: int
    unit_name: str
    directorate_id: int
    you_said: str | None  # None for items raised confidentially or anonymously
    we_did: str | None


def publications(covers_from: date, today: date) -> list[PublishedEntry]:
    rows = db.session.execute(
        select(Publication, Submission.mode, Unit)
        .join(Submission, Submission.id == Publication.submission_id)
        .join(Unit, Unit.id == Publication.unit_id)
        .where(Publication.published_on >= covers_from, Publication.published_on < today)
        .order_by(Publication.published_on, Publication.id)
    )
    entries = []
    for publication, mode, unit in rows:
        quoted = mode == SpeakUpMode.OPEN.value
        entries.append(
            PublishedEntry(
                unit.id,
                unit.name,
                unit.directorate_id,
                publication.you_said if quoted else None,
                publication.we_did if quoted else None,
            )
        )
    return entries


@dataclass(frozen=True)
class OwnUpdate:
    submission_id: int
    reference: str
    status: Status
    raised_openly: bool  # only then may mail name it (submissions.services.mail_reference)


def own_updates(
    submitter_ids: Select[Any], covers_from: date, today: date
) -> dict[int, list[OwnUpdate]]:
    """Each recipient's open items that changed in the period: a new status or a message
    from whoever handles it. References only, never titles."""
    in_period = and_(
        StatusChange.from_status.is_not(None),  # not the raising itself
        StatusChange.changed_on >= covers_from,
        StatusChange.changed_on < today,
    )
    changed = exists().where(StatusChange.submission_id == Submission.id, in_period)
    answered = exists().where(
        Message.submission_id == Submission.id,
        Message.author_role == "handler",
        Message.sent_on >= covers_from,
        Message.sent_on < today,
    )
    rows = db.session.execute(
        select(
            Submission.submitter_id,
            Submission.id,
            Submission.reference,
            Submission.status,
            Submission.mode,
        )
        .where(
            Submission.submitter_id.in_(submitter_ids),
            Submission.status.not_in(CLOSED),
            or_(changed, answered),
        )
        .order_by(Submission.reference)
    )
    updates: dict[int, list[OwnUpdate]] = defaultdict(list)
    for submitter_id, submission_id, reference, status, mode in rows:
        if submitter_id is not None:
            openly = mode == SpeakUpMode.OPEN.value
            updates[submitter_id].append(
                OwnUpdate(submission_id, reference, Status(status), openly)
            )
    return updates


def sum_rows(rows: Iterable[dict[str, int]]) -> dict[str, int]:
    total: dict[str, int] = defaultdict(int)
    for row in rows:
        for name, count in row.items():
            total[name] += count
    return dict(total)


def unit_signals(unit_ids: set[int], week: date) -> dict[int, list[str]]:
    """The SPC signals the snapshots raise for these units as of `week`, as readings without
    values ("Concerns about staffing: special cause concern since 6 Oct 2025"), in two
    queries whatever the number of units."""
    found = signals(((Level.UNIT, unit_id) for unit_id in unit_ids), week)
    if not found:
        return {}
    themes = {theme_id: name for theme_id, name in db.session.execute(select(Theme.id, Theme.name))}
    readings: dict[int, list[str]] = defaultdict(list)
    for signal in found:
        about = signal.metric.title
        if signal.theme_id in themes:
            about = f"{about} ({themes[signal.theme_id]})"
        reading = signal.reading[:1].lower() + signal.reading[1:]
        readings[signal.entity_id].append(f"{about}: {reading}")
    return readings
