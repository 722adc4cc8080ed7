"""What in a handler's inbox needs their action now, as SQL conditions on submissions.

An item needs action when it is still open and it is waiting to be acknowledged, or overdue
(its running response clock ran out: the due day itself is not late), or escalated to this
person and still waiting for what was escalated, or the submitter wrote last and nobody has
answered. The inbox opens on these, most pressing first, each group counted at the top.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, case, exists, false, func, or_

from engage.accounts.models import User
from engage.submissions import deadlines
from engage.submissions.models import Message, Status, Submission
from engage.timeutil import utcnow

# The inbox's views: what `?status=` may say besides a single status, "open" and "all".
ACTION = "action"
GROUPS = ("overdue", "escalated", "messages")  # and "submitted": waiting to be acknowledged
# The "needs action" view counts its items (the list's total, its counts by theme, unit and
# worker group) exactly up to this many, and beyond says "more than 100": a handler works
# down the list from the top and needs no closer figure, and a count that read every item
# of a long history would cost what the history costs. At 1M submissions a count of 201
# items read twice the table pages that 10k's whole list does; 101 read as many (issue 15).
NEEDS_ACTION_CAP = 100


def waiting() -> ColumnElement[bool]:
    return Submission.status == Status.SUBMITTED.value


def overdue() -> ColumnElement[bool]:
    # The response clock's day, as the inbox's "Response due" column shows it.
    return deadlines.overdue(utcnow().date())


def escalated_to_me(actor: User) -> ColumnElement[bool]:
    return deadlines.escalated_to(actor)


def unanswered() -> ColumnElement[bool]:
    """The submitter wrote the last message (`message_count` is the last one's position), and
    it asks for a reply (an answer to a feedback question does not)."""
    return exists().where(
        Message.submission_id == Submission.id,
        Message.position == Submission.message_count,
        Message.author_role == "submitter",
        Message.expects_reply.is_(True),
    )


@dataclass(frozen=True)
class Conditions:
    """The groups' conditions for one handler, built once per request."""

    waiting: ColumnElement[bool]
    overdue: ColumnElement[bool]
    escalated: ColumnElement[bool]
    messages: ColumnElement[bool]

    @classmethod
    def for_handler(cls, actor: User) -> Conditions:
        return cls(waiting(), overdue(), escalated_to_me(actor), unanswered())

    def group(self, name: str) -> ColumnElement[bool]:
        return {"overdue": self.overdue, "escalated": self.escalated, "messages": self.messages}[
            name
        ]

    @property
    def any(self) -> ColumnElement[bool]:
        return or_(self.waiting, self.overdue, self.escalated, self.messages)

    @property
    def urgency(self) -> ColumnElement[int]:
        """0 waiting to be acknowledged (the oldest, overdue ones first by date), 1 overdue or
        escalated, 2 only a message to answer: the default view's first sort key."""
        return case((self.waiting, 0), (or_(self.overdue, self.escalated), 1), else_=2)

    @property
    def segments(self) -> list[ColumnElement[bool]]:
        """The default view's groups in `urgency`'s order, as conditions that never hold
        together and that the planner can estimate (a CASE it cannot): for paging one group
        at a time (engage.pagination.paginate_segments). A clock condition that is NULL is
        false, as in `urgency`'s CASE."""
        pressing = func.coalesce(or_(self.overdue, self.escalated), false())
        return [self.waiting, and_(~self.waiting, pressing), and_(~self.waiting, ~pressing)]

    def flags(self) -> list[ColumnElement[int]]:
        """1 or 0 per group (and for any), for counting them in one query."""
        parts = [self.any, self.overdue, self.escalated, self.messages]
        return [case((and_(part), 1), else_=0) for part in parts]
