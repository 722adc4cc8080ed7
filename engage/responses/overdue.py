"""The response clocks' rules as SQL for the inbox: which items are overdue today, and which
were escalated to a person and still wait for what was escalated. Given to submissions
(engage.submissions.deadlines) when this module is imported, by this package's blueprint."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import ColumnElement, and_, exists, or_

from engage.accounts.models import User
from engage.responses.clocks import ClockRules, ClockState
from engage.responses.escalation import _clock
from engage.responses.models import Escalation, EscalationStatus, escalation_recipients
from engage.responses.services import clock_rules
from engage.submissions import deadlines
from engage.submissions.models import Status, Submission

# Which clock runs in which status (escalation.running_clock): once the item moves on, the
# clock has stopped and is no longer overdue, nor its escalation waiting.
RUNNING_IN = {
    "acknowledge": (Status.SUBMITTED.value,),
    "decide": (Status.ACKNOWLEDGED.value, Status.UNDER_REVIEW.value),
}


def latest_overdue_submission(rules: ClockRules, clock_name: str, today: date) -> date:
    """The latest submission date whose running clock is overdue today. A later submission is
    never due sooner, so every earlier date is overdue too. The due day itself is not."""
    day = today
    while _clock(rules, clock_name, day, today).state is not ClockState.OVERDUE:
        day -= timedelta(days=1)
    return day


def overdue(today: date) -> ColumnElement[bool]:
    rules = clock_rules()
    return or_(
        *(
            and_(
                Submission.status.in_(statuses),
                Submission.submitted_on <= latest_overdue_submission(rules, clock_name, today),
            )
            for clock_name, statuses in RUNNING_IN.items()
        )
    )


def escalated_to(person: User) -> ColumnElement[bool]:
    still_running = or_(
        *(
            and_(Escalation.clock == clock_name, Submission.status.in_(statuses))
            for clock_name, statuses in RUNNING_IN.items()
        )
    )
    return exists().where(
        Escalation.submission_id == Submission.id,
        Escalation.status == EscalationStatus.SENT.value,
        escalation_recipients.c.escalation_id == Escalation.id,
        escalation_recipients.c.user_id == person.id,
        still_running,
    )


deadlines.provide(overdue=overdue, escalated_to=escalated_to)
