"""Lists of submissions: the handler's inbox, the submitter's own, and the ideas board.

Every list is filtered and paged in SQL; none loads all rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, column, exists, func, select, table

from engage.accounts.models import Role, User
from engage.errors import PermissionDenied
from engage.extensions import db
from engage.pagination import Page, PageRequest, paginate
from engage.submissions import access, search
from engage.submissions.models import Status, Submission, Support
from engage.submissions.references import references_in
from engage.timeutil import utcnow

WAITING = (Status.SUBMITTED.value,)
OPEN_STATUSES = tuple(s.value for s in Status if not s.is_ending)


@dataclass(frozen=True)
class InboxFilter:
    status: str | None = None  # a Status value, "open" (default) or "all"
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
    unacknowledged: int
    open: int


def _require_handler(actor: User) -> None:
    if not actor.has_role(Role.LEADER, Role.GUARDIAN):
        raise PermissionDenied("The inbox is for leaders and Freedom to Speak Up guardians.")


def inbox_conditions(actor: User, filters: InboxFilter) -> ColumnElement[bool]:
    """The inbox's filter as one SQL condition: the list, its counts and its export share it."""
    _require_handler(actor)
    conditions = [access.handled_by(actor)]
    status = filters.status or "open"
    if status == "open":
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


def inbox_order(filters: InboxFilter) -> list[Any]:
    direction = Submission.submitted_on.desc() if filters.newest_first else Submission.submitted_on
    return [direction, Submission.reference]


def inbox(actor: User, filters: InboxFilter, page: PageRequest | int = 1) -> Page[Submission]:
    return paginate(Submission, inbox_conditions(actor, filters), inbox_order(filters), page)


# The escalations table belongs to responses, which is built on submissions: the inbox names
# the two columns it filters on rather than importing the package above it.
_ESCALATIONS = table("escalations", column("submission_id"), column("status"))


def _escalated() -> ColumnElement[bool]:
    """Passed up the line to someone (responses.models.EscalationStatus.SENT)."""
    return exists().where(
        _ESCALATIONS.c.submission_id == Submission.id, _ESCALATIONS.c.status == "sent"
    )


def inbox_counts(actor: User) -> InboxCounts:
    """Both counters from one grouped query over the handler's open items (an indexed scan)."""
    _require_handler(actor)
    rows = db.session.execute(
        select(Submission.status, func.count(Submission.id))
        .where(access.handled_by(actor), Submission.status.in_(OPEN_STATUSES))
        .group_by(Submission.status)
    )
    by_status = {status: count for status, count in rows}
    return InboxCounts(
        unacknowledged=sum(by_status.get(status, 0) for status in WAITING),
        open=sum(by_status.values()),
    )


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
    # and no idea's words look like one), as long as the viewer may see it.
    references = references_in(filters.words)
    found = Submission.reference.in_(references) if references else search.matching(filters.words)
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
