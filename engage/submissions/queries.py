"""Lists of submissions: the handler's inbox, the submitter's own, and the ideas board.

Every list is filtered and paged in SQL; none loads all rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, column, exists, func, or_, select, table

from engage.accounts.models import Role, User
from engage.errors import PermissionDenied
from engage.extensions import db
from engage.pagination import (
    COUNT_CAP,
    Page,
    PageRequest,
    paginate,
    paginate_segments,
)
from engage.submissions import access, attention, search
from engage.submissions.models import Status, Submission, Support
from engage.submissions.references import could_be_words, references_in
from engage.timeutil import utcnow

WAITING = (Status.SUBMITTED.value,)
OPEN_STATUSES = tuple(s.value for s in Status if not s.is_ending)


@dataclass(frozen=True)
class InboxFilter:
    # "action" (the default: what needs the handler now), one of its groups (attention.GROUPS),
    # a Status value, "open" or "all"
    status: str | None = None
    theme_id: int | None = None
    unit_id: int | None = None
    older_than_days: int | None = None
    kind: str | None = None
    newest_first: bool = False
    date_from: date | None = None
    date_to: date | None = None
    escalated: bool = False  # only items passed up the line (to anyone)


@dataclass(frozen=True)
class InboxCounts:
    """Each count is exact up to COUNT_CAP; beyond it, "more than 1,000" (a count of a long
    history on every view would cost what the history costs)."""

    unacknowledged: int
    open: int

    @property
    def unacknowledged_text(self) -> str:
        return _capped_text(self.unacknowledged)

    @property
    def open_text(self) -> str:
        return _capped_text(self.open)


def _capped_text(count: int) -> str:
    return f"more than {COUNT_CAP:,}" if count > COUNT_CAP else f"{count:,}"


def _require_handler(actor: User) -> None:
    if not actor.has_role(Role.LEADER, Role.GUARDIAN):
        raise PermissionDenied("The inbox is for leaders and Freedom to Speak Up guardians.")


def inbox_conditions(actor: User, filters: InboxFilter) -> ColumnElement[bool]:
    """The inbox's filter as one SQL condition: the list, its counts and its export share it."""
    _require_handler(actor)
    conditions = [access.handled_by(actor)]
    status = filters.status or attention.ACTION
    if status == attention.ACTION or status in attention.GROUPS:
        needs = attention.Conditions.for_handler(actor)
        conditions.append(Submission.status.in_(OPEN_STATUSES))
        conditions.append(needs.any if status == attention.ACTION else needs.group(status))
    elif status == "open":
        conditions.append(Submission.status.in_(OPEN_STATUSES))
    elif status != "all":
        conditions.append(Submission.status == status)
    if filters.theme_id:
        conditions.append(Submission.theme_id == filters.theme_id)
    if filters.unit_id:
        conditions.append(Submission.unit_id == filters.unit_id)
    if filters.kind:
        conditions.append(Submission.kind == filters.kind)
    if filters.older_than_days:
        cutoff = utcnow().date() - timedelta(days=filters.older_than_days)
        conditions.append(Submission.submitted_on <= cutoff)
    if filters.date_from:
        conditions.append(Submission.submitted_on >= filters.date_from)
    if filters.date_to:
        conditions.append(Submission.submitted_on <= filters.date_to)
    if filters.escalated:
        conditions.append(_escalated())
    return and_(*conditions)


def inbox_order(filters: InboxFilter, actor: User | None = None) -> list[Any]:
    """By date, oldest first unless asked; "needs action" puts the most pressing group first."""
    direction = Submission.submitted_on.desc() if filters.newest_first else Submission.submitted_on
    order: list[Any] = [direction, Submission.reference]
    if actor is not None and (filters.status or attention.ACTION) == attention.ACTION:
        order.insert(0, attention.Conditions.for_handler(actor).urgency)
    return order


def shows_needs_action(filters: InboxFilter) -> bool:
    return (filters.status or attention.ACTION) == attention.ACTION


def inbox(actor: User, filters: InboxFilter, page: PageRequest | int = 1) -> Page[Submission]:
    condition = inbox_conditions(actor, filters)
    if shows_needs_action(filters):
        # Group by group, each an indexed walk by date, rather than one sort of every item
        # that needs action by a computed group (it grew with the history: 0.5 s at 1M).
        needs = attention.Conditions.for_handler(actor)
        return paginate_segments(
            Submission,
            condition,
            needs.segments,
            inbox_order(filters),
            page,
            count_cap=attention.NEEDS_ACTION_CAP,
        )
    return paginate(Submission, condition, inbox_order(filters, actor), page)


# The escalations table belongs to responses, which is built on submissions: the inbox names
# the two columns it filters on rather than importing the package above it.
_ESCALATIONS = table("escalations", column("submission_id"), column("status"))


def _escalated() -> ColumnElement[bool]:
    """Passed up the line to someone (responses.models.EscalationStatus.SENT)."""
    return exists().where(
        _ESCALATIONS.c.submission_id == Submission.id, _ESCALATIONS.c.status == "sent"
    )


def inbox_counts(actor: User) -> InboxCounts:
    """Both counters in one statement, each counted up to COUNT_CAP + 1 rows by an indexed scan
    of the handler's open items, so that the cost does not grow with the history."""
    _require_handler(actor)
    handled = access.handled_by(actor)
    unacknowledged, still_open = db.session.execute(
        select(
            _count_upto_cap(and_(handled, Submission.status.in_(WAITING))),
            _count_upto_cap(and_(handled, Submission.status.in_(OPEN_STATUSES))),
        )
    ).one()
    return InboxCounts(unacknowledged=unacknowledged, open=still_open)


def _count_upto_cap(condition: ColumnElement[bool]) -> Any:
    found = select(Submission.id).where(condition).limit(COUNT_CAP + 1).subquery()
    return select(func.count()).select_from(found).scalar_subquery()


@dataclass(frozen=True)
class ActionCounts:
    """The inbox's groups, counted over at most COUNT_CAP + 1 open items (`capped` beyond)."""

    needs_action: int
    waiting: int
    overdue: int
    escalated: int
    messages: int
    open: int
    capped: bool = False

    def label(self, group: str) -> str:
        """ "12", or "at least 1,001" when there were more open items than were counted."""
        count: int = getattr(self, group)
        return f"at least {count:,}" if self.capped else f"{count:,}"


def action_counts(actor: User, unit_id: int | None = None) -> ActionCounts:
    """Every group's count from one grouped query over the handler's open items, bounded by a
    LIMIT as the lists' totals are (engage.pagination)."""
    _require_handler(actor)
    needs = attention.Conditions.for_handler(actor)
    where = [access.handled_by(actor), Submission.status.in_(OPEN_STATUSES)]
    if unit_id:
        where.append(Submission.unit_id == unit_id)
    names = ("needs_action", "overdue", "escalated", "messages")
    flags = [flag.label(name) for name, flag in zip(names, needs.flags(), strict=True)]
    rows = (
        select(Submission.status.label("status"), *flags)
        .where(*where)
        .limit(COUNT_CAP + 1)
        .subquery()
    )
    grouped = db.session.execute(
        select(rows.c.status, func.count(), *(func.sum(rows.c[name]) for name in names)).group_by(
            rows.c.status
        )
    ).all()
    totals = dict.fromkeys(names, 0)
    waiting = seen = 0
    for status, count, *sums in grouped:
        seen += count
        waiting += count if status in WAITING else 0
        for name, value in zip(names, sums, strict=True):
            totals[name] += int(value or 0)
    return ActionCounts(waiting=waiting, open=seen, capped=seen > COUNT_CAP, **totals)


def unanswered_among(submission_ids: list[int]) -> set[int]:
    """Which of a page's items have a message from the submitter to answer, in one query."""
    if not submission_ids:
        return set()
    query = select(Submission.id).where(Submission.id.in_(submission_ids), attention.unanswered())
    return set(db.session.scalars(query))


def my_submissions(actor: User, page: PageRequest | int = 1) -> Page[Submission]:
    """What the user raised with their name attached (anonymous ones are not linked to them)."""
    order = [Submission.submitted_on.desc(), Submission.reference]
    return paginate(Submission, Submission.submitter_id == actor.id, order, page)


@dataclass(frozen=True)
class IdeaFilter:
    words: str = ""
    theme_id: int | None = None
    most_supported: bool = False


def ideas_board(actor: User, filters: IdeaFilter, page: PageRequest | int = 1) -> Page[Submission]:
    # A reference typed in the search box finds that idea and only it (references are unique,
    # and no idea's words look like one), as long as the viewer may see it; typed in letters
    # only, it may be words too ("id card lost"), and finds both.
    references = references_in(filters.words)
    found = search.matching(filters.words)
    if references:
        exact = Submission.reference.in_(references)
        found = or_(exact, found) if could_be_words(filters.words) else exact
    conditions = [access.shared_ideas_for(actor), found]
    if filters.theme_id:
        conditions.append(Submission.theme_id == filters.theme_id)
    order: list[Any] = [Submission.submitted_on.desc(), Submission.reference]
    if filters.most_supported:
        # The maintained count (kept by triggers), walked through ix_submissions_ideas_supported.
        order = [Submission.supporter_count.desc(), *order]
    return paginate(Submission, and_(*conditions), order, page)


def supporter_counts(submission_ids: list[int]) -> dict[int, int]:
    """Supporters per submission for a page of results, in one query."""
    if not submission_ids:
        return {}
    rows = db.session.execute(
        select(Support.submission_id, func.count(Support.id))
        .where(Support.submission_id.in_(submission_ids))
        .group_by(Support.submission_id)
    )
    return {submission_id: count for submission_id, count in rows}


def similar_ideas(actor: User, words: str, limit: int = 5) -> list[Submission]:
    visible = access.shared_ideas_for(actor)
    open_ideas = Submission.status.in_(OPEN_STATUSES)
    return search.similar(words, and_(visible, open_ideas), limit=limit)
