"""Computing and storing the weekly metric snapshots.

One pass over a range of weeks reads the database a fixed number of times, whatever the
number of units: SNAPSHOT_QUERIES (8) SELECTs (units, themes, and grouped: submission
counts, identified submitters, acknowledgements, decisions, actions, publications) and one
bulk upsert (one executemany). Days are grouped in SQL (portable across SQLite and
PostgreSQL) and placed in weeks here, where the working-day clocks (with bank holidays) are
also worked out. Every unit, directorate and the trust get a row for every metric and week,
zeros included: a week with nothing submitted is a 0 on the chart, not a gap. Directorate and
trust rows come from the units' items (sums of numerators and denominators, unions of
submitters, merged distributions), never from the units' values.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache

from sqlalchemy import case, func, or_, select

from engage.extensions import db
from engage.metrics.models import NO_THEME, TRUST_ENTITY_ID, Level
from engage.metrics.registry import METRICS, Computation, Metric, median_of
from engage.metrics.weeks import WEEK, week_start, weeks
from engage.organisation.models import Unit
from engage.responses.clocks import add_working_days, working_days_between
from engage.responses.models import Action, ActionStatus, Decision, Outcome, Publication
from engage.responses.services import clock_rules
from engage.submissions.models import ENDINGS, Kind, SpeakUpMode, Submission, Theme
from engage.timeutil import utcnow

# SELECTs per pass over a range of weeks, plus one upsert; the tests and benchmark count them.
SNAPSHOT_QUERIES = 8
ADOPTED = (Outcome.ADOPT.value, Outcome.ADAPT.value, Outcome.PILOT.value)

Key = tuple[str, int, int, date]  # metric, theme, unit, week


@dataclass
class _Tally:
    """What was counted for one unit, metric (and theme) and week."""

    numerator: int = 0
    denominator: int = 0
    distribution: Counter[int] = field(default_factory=Counter)
    people: set[int] = field(default_factory=set)


@dataclass(frozen=True)
class _Structure:
    unit_directorate: dict[int, int]
    headcount: dict[int, int]
    theme_ids: tuple[int, ...]


class _Tallies:
    def __init__(self, first: date, last: date) -> None:
        self.first = first
        self.end = last + WEEK  # exclusive
        self.by_key: dict[Key, _Tally] = defaultdict(_Tally)

    def covers(self, day: date | None) -> bool:
        return day is not None and self.first <= day < self.end

    def at(self, metric: str, unit_id: int, day: date, theme_id: int = NO_THEME) -> _Tally:
        return self.by_key[(metric, theme_id, unit_id, week_start(day))]


def compute_weeks(first: date, last: date) -> list[dict[str, object]]:
    """The snapshot rows (as dicts for the upsert) for every week from `first` to `last`."""
    first, last = week_start(first), week_start(last)
    tallies = _Tallies(first, last)
    structure = _structure()
    _count_submissions(tallies)
    _count_submitters(tallies)
    _count_acknowledgements(tallies)
    _count_decisions(tallies)
    _count_actions(tallies)
    _count_publications(tallies)
    return list(_rows(tallies, structure, weeks(first, last)))


def _structure() -> _Structure:
    units = db.session.execute(select(Unit.id, Unit.directorate_id, Unit.headcount)).all()
    themes = db.session.scalars(select(Theme.id).order_by(Theme.id)).all()
    return _Structure(
        unit_directorate={unit_id: directorate for unit_id, directorate, _ in units},
        headcount={unit_id: headcount for unit_id, _, headcount in units},
        theme_ids=tuple(themes),
    )


def _count_submissions(tallies: _Tallies) -> None:
    count = func.count()
    rows = db.session.execute(
        select(
            Submission.unit_id,
            Submission.submitted_on,
            Submission.kind,
            Submission.mode,
            Submission.theme_id,
            Submission.patient_safety,
            count,
        )
        .where(Submission.submitted_on >= tallies.first, Submission.submitted_on < tallies.end)
        .group_by(
            Submission.unit_id,
            Submission.submitted_on,
            Submission.kind,
            Submission.mode,
            Submission.theme_id,
            Submission.patient_safety,
        )
    )
    for unit_id, day, kind, mode, theme_id, patient_safety, n in rows:
        names = ["submissions", "submissions_per_100_staff"]
        names.append("ideas" if kind == Kind.IDEA.value else "concerns")
        if kind == Kind.CONCERN.value:
            tallies.at("concerns_by_theme", unit_id, day, theme_id).numerator += n
            if patient_safety:
                names.append("patient_safety_concerns")
        for name in names:
            tallies.at(name, unit_id, day).numerator += n
        share = tallies.at("anonymous_share", unit_id, day)
        share.denominator += n
        if mode == SpeakUpMode.ANONYMOUS.value:
            share.numerator += n


def _count_submitters(tallies: _Tallies) -> None:
    rows = db.session.execute(
        select(Submission.unit_id, Submission.submitted_on, Submission.submitter_id)
        .distinct()
        .where(
            Submission.submitted_on >= tallies.first,
            Submission.submitted_on < tallies.end,
            Submission.mode != SpeakUpMode.ANONYMOUS.value,
            Submission.submitter_id.is_not(None),
        )
    )
    for unit_id, day, submitter_id in rows:
        if submitter_id is not None:  # the WHERE says so; this tells mypy
            tallies.at("participation", unit_id, day).people.add(submitter_id)


@cache
def _acknowledge_due(submitted_on: date, working_days: int) -> date:
    return add_working_days(submitted_on, working_days)


@cache
def _working_days(start: date, end: date) -> int:
    return working_days_between(start, end)


def _count_acknowledgements(tallies: _Tallies) -> None:
    rules = clock_rules()
    # Wide enough for any due day in the range: each working day is at most 4 calendar days
    # away (a weekend and a bank holiday), plus Christmas.
    earliest = tallies.first - timedelta(days=rules.acknowledge_working_days * 4 + 7)
    rows = db.session.execute(
        select(
            Submission.unit_id, Submission.submitted_on, Submission.acknowledged_on, func.count()
        )
        .where(
            or_(
                (Submission.submitted_on >= earliest) & (Submission.submitted_on < tallies.end),
                (Submission.acknowledged_on >= tallies.first)
                & (Submission.acknowledged_on < tallies.end),
            )
        )
        .group_by(Submission.unit_id, Submission.submitted_on, Submission.acknowledged_on)
    )
    for unit_id, submitted_on, acknowledged_on, n in rows:
        due = _acknowledge_due(submitted_on, rules.acknowledge_working_days)
        if tallies.covers(due):
            tally = tallies.at("acknowledged_within_target", unit_id, due)
            tally.denominator += n
            if acknowledged_on is not None and acknowledged_on <= due:
                tally.numerator += n
        if tallies.covers(acknowledged_on):
            assert acknowledged_on is not None
            days = _working_days(submitted_on, acknowledged_on)
            tally = tallies.at("median_working_days_to_acknowledge", unit_id, acknowledged_on)
            tally.distribution[days] += n


def _count_decisions(tallies: _Tallies) -> None:
    rules = clock_rules()
    # As engage.responses.escalation.submission_clocks: without a decision, an item that
    # ended (closed, not taken forward, merged) was decided when it ended.
    decided_on = func.coalesce(
        Decision.decided_on,
        case((Submission.status.in_([s.value for s in ENDINGS]), Submission.closed_on)),
    )
    earliest = tallies.first - timedelta(days=rules.decision_days)
    rows = db.session.execute(
        select(
            Submission.unit_id,
            Submission.kind,
            Submission.submitted_on,
            decided_on,
            Decision.outcome,
            func.count(),
        )
        .outerjoin(Decision, Decision.submission_id == Submission.id)
        .where(
            or_(
                (Submission.submitted_on >= earliest) & (Submission.submitted_on < tallies.end),
                (decided_on >= tallies.first) & (decided_on < tallies.end),
            )
        )
        .group_by(
            Submission.unit_id,
            Submission.kind,
            Submission.submitted_on,
            decided_on,
            Decision.outcome,
        )
    )
    for unit_id, kind, submitted_on, decided, outcome, n in rows:
        due = submitted_on + timedelta(days=rules.decision_days)
        if tallies.covers(due):
            tally = tallies.at("decided_within_target", unit_id, due)
            tally.denominator += n
            if decided is not None and decided <= due:
                tally.numerator += n
        if tallies.covers(decided):
            tally = tallies.at("median_days_to_decision", unit_id, decided)
            # Never negative, should a day have been recorded in UTC before London's.
            tally.distribution[max(0, (decided - submitted_on).days)] += n
            if kind == Kind.IDEA.value and outcome in ADOPTED:
                tallies.at("ideas_adopted", unit_id, decided).numerator += n


def _count_actions(tallies: _Tallies) -> None:
    parents = (
        select(Action.parent_id.label("id")).where(Action.parent_id.is_not(None)).distinct()
    ).subquery()
    on_time = case(
        (
            (Action.status == ActionStatus.DONE.value) & (Action.completed_on <= Action.due_on),
            1,
        ),
        else_=0,
    )
    rows = db.session.execute(
        select(Submission.unit_id, Action.due_on, on_time, func.count())
        .join(Submission, Submission.id == Action.submission_id)
        .outerjoin(parents, parents.c.id == Action.id)
        .where(
            parents.c.id.is_(None),
            Action.status != ActionStatus.DROPPED.value,
            Action.due_on >= tallies.first,
            Action.due_on < tallies.end,
        )
        .group_by(Submission.unit_id, Action.due_on, on_time)
    )
    for unit_id, due_on, done_on_time, n in rows:
        tally = tallies.at("actions_completed_on_time", unit_id, due_on)
        tally.denominator += n
        tally.numerator += n * done_on_time


def _count_publications(tallies: _Tallies) -> None:
    rows = db.session.execute(
        select(Publication.unit_id, Publication.published_on, func.count())
        .where(Publication.published_on >= tallies.first, Publication.published_on < tallies.end)
        .group_by(Publication.unit_id, Publication.published_on)
    )
    for unit_id, day, n in rows:
        tallies.at("published", unit_id, day).numerator += n


def _rows(
    tallies: _Tallies, structure: _Structure, week_starts: Iterable[date]
) -> Iterator[dict[str, object]]:
    now = utcnow()
    directorates: dict[int, list[int]] = defaultdict(list)
    for unit_id, directorate_id in structure.unit_directorate.items():
        directorates[directorate_id].append(unit_id)
    levels: list[tuple[Level, int, list[int]]] = [
        *((Level.UNIT, unit_id, [unit_id]) for unit_id in sorted(structure.unit_directorate)),
        *((Level.DIRECTORATE, d, units) for d, units in sorted(directorates.items())),
        (Level.TRUST, TRUST_ENTITY_ID, sorted(structure.unit_directorate)),
    ]
    empty = _Tally()
    for week in week_starts:
        for metric in METRICS:
            theme_ids = structure.theme_ids if metric.by_theme else (NO_THEME,)
            for theme_id in theme_ids:
                for level, entity_id, unit_ids in levels:
                    parts = [
                        tallies.by_key.get((metric.name, theme_id, unit_id, week), empty)
                        for unit_id in unit_ids
                    ]
                    headcount = sum(structure.headcount[unit_id] for unit_id in unit_ids)
                    figures = _figures(metric, parts, headcount)
                    yield {
                        "level": level.value,
                        "entity_id": entity_id,
                        "metric": metric.name,
                        "theme_id": theme_id,
                        "week_start": week,
                        "computed_at": now,
                        **figures,
                    }


def _figures(metric: Metric, parts: list[_Tally], headcount: int) -> dict[str, object]:
    if metric.computation is Computation.MEDIAN:
        distribution: Counter[int] = Counter()
        for part in parts:
            distribution.update(part.distribution)
        return {
            "numerator": None,
            "denominator": sum(distribution.values()),
            "value": median_of(distribution),
            "distribution": {str(days): n for days, n in sorted(distribution.items())},
        }
    if metric.distinct_people:
        numerator = len(set().union(*(part.people for part in parts)))
    else:
        numerator = sum(part.numerator for part in parts)
    if metric.computation is Computation.COUNT:
        denominator = None
    elif metric.per_staff:
        denominator = headcount
    else:
        denominator = sum(part.denominator for part in parts)
    return {
        "numerator": numerator,
        "denominator": denominator,
        "value": metric.value(numerator, denominator),
        "distribution": None,
    }
