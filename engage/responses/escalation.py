"""Overdue clocks, and passing overdue items up the line.

The job selects, in SQL, only the items whose clocks ran out long enough ago: for each clock
and level, the working-day arithmetic is done once per run, as the latest submission date that
has reached that level today, and the database returns the undecided items submitted on or
before it that have not been escalated there yet, in batches. Each (submission, clock, level)
is escalated once, enforced by a unique constraint, so running it twice a day, or from two
processes, does no harm. A level with no one to tell is recorded as `unrouted` and reported
to administrators, never as sent; each run tries it again until someone can be told.

A sent escalation also sets its step's bit in `submissions.escalated_steps` (same
transaction), which takes the item out of that step's partial index: a run with nothing new
to do reads only the few undecided items not yet escalated, not every item escalated before.
Nothing depends on when the last run was, so a missed day is caught up by the next run.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date, timedelta

from sqlalchemy import ColumnElement, and_, exists, or_, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, selectinload

from engage.accounts.models import LeaderScope, Role, User
from engage.audit.services import record
from engage.extensions import db
from engage.links import external_url
from engage.mail.services import send_mail
from engage.organisation.models import Directorate, Unit
from engage.responses.clocks import (
    Clock,
    ClockRules,
    acknowledge_clock,
    decision_clock,
    escalation_levels,
)
from engage.responses.models import Escalation, EscalationStatus
from engage.responses.services import clock_rules
from engage.submissions import events
from engage.submissions.models import (
    ESCALATION_STEP_BITS,
    Kind,
    Status,
    Submission,
    escalation_step_waiting,
)
from engage.submissions.services import mail_reference

log = logging.getLogger(__name__)
BATCH_SIZE = 200
# (clock, level) in the order they are reached.
STEPS = (
    ("acknowledge", "directorate"),
    ("acknowledge", "guardian"),
    ("decide", "directorate"),
    ("decide", "guardian"),
)


def running_clock(submission: Submission, today: date) -> Clock | None:
    """The clock that matters now for an undecided submission (no database access)."""
    rules = clock_rules()
    if submission.status_enum is Status.SUBMITTED:
        return acknowledge_clock(rules, submission.submitted_on, None, today)
    if submission.status_enum.awaits_decision:
        return decision_clock(rules, submission.submitted_on, None, today)
    return None


def submission_clocks(submission: Submission, decided_on: date | None, today: date) -> list[Clock]:
    """Both clocks, met or not, for the submission's own page."""
    rules = clock_rules()
    if decided_on is None and submission.status_enum.is_ending:
        decided_on = submission.closed_on
    return [
        acknowledge_clock(rules, submission.submitted_on, submission.acknowledged_on, today),
        decision_clock(rules, submission.submitted_on, decided_on, today),
    ]


def _clock(rules: ClockRules, clock_name: str, submitted_on: date, today: date) -> Clock:
    if clock_name == "acknowledge":
        return acknowledge_clock(rules, submitted_on, None, today)
    return decision_clock(rules, submitted_on, None, today)


def latest_submission_date(rules: ClockRules, clock_name: str, level: str, today: date) -> date:
    """The latest date a submission could have been made and have its clock reach `level` by
    today. The later the submission, the later its due date and the fewer working days it is
    late, so every submission on or before this date has reached the level, and none after."""
    day = today
    while level not in escalation_levels(
        rules, _clock(rules, clock_name, day, today), today, is_concern=True
    ):
        day -= timedelta(days=1)
    return day


def _candidates(
    clock_name: str, level: str, cutoff: date, after_id: int | None
) -> list[Submission]:
    already = exists().where(
        Escalation.submission_id == Submission.id,
        Escalation.clock == clock_name,
        Escalation.level == level,
        Escalation.status == EscalationStatus.SENT.value,
    )
    # The step's partial index holds only the undecided items whose escalation at this step
    # has not been sent (status, queue or kind, and the step's bit unset), so the items
    # escalated on earlier days are never read; the anti-join stays the authority.
    conditions = [Submission.submitted_on <= cutoff, ~already]
    if after_id is not None:
        conditions.append(Submission.id > after_id)
    query = (
        select(Submission)
        .where(text(escalation_step_waiting(clock_name, level)))
        .where(and_(*conditions))
        .order_by(Submission.id)
        .limit(BATCH_SIZE)
        .options(selectinload(Submission.unit))
    )
    return list(db.session.scalars(query))


def _directorate_leads() -> dict[int, list[User]]:
    leads: dict[int, list[User]] = defaultdict(list)
    rows = db.session.execute(
        select(LeaderScope.directorate_id, User)
        .join(User, User.id == LeaderScope.user_id)
        .where(LeaderScope.directorate_id.is_not(None), User.active.is_(True))
        .order_by(User.name)
    )
    for directorate_id, user in rows:
        if directorate_id is not None:
            leads[directorate_id].append(user)
    return leads


def escalate_overdue(today: date) -> Counter[str]:
    """Escalate every overdue clock that has passed a grace period. Returns how many were
    escalated to someone, how many had no one to tell (newly, and still)."""
    rules = clock_rules()
    leads = _directorate_leads()
    guardians = list(
        db.session.scalars(
            select(User)
            .where(User.role == Role.GUARDIAN.value, User.active.is_(True))
            .order_by(User.name)
        )
    )
    counts: Counter[str] = Counter(escalated=0, unrouted=0)
    newly_unrouted: list[Escalation] = []
    for clock_name, level in STEPS:
        cutoff = latest_submission_date(rules, clock_name, level, today)
        after_id = None
        while batch := _candidates(clock_name, level, cutoff, after_id):
            after_id = batch[-1].id
            waiting = _unrouted_rows(batch, clock_name, level)
            for submission in batch:
                people = guardians if level == "guardian" else leads[submission.unit.directorate_id]
                clock = _clock(rules, clock_name, submission.submitted_on, today)
                outcome = _escalate(
                    submission, clock_name, level, clock, today, people, waiting.get(submission.id)
                )
                if isinstance(outcome, Escalation):
                    newly_unrouted.append(outcome)
                    counts["unrouted"] += 1
                elif outcome:
                    counts[outcome] += 1
            db.session.commit()  # each batch: its escalations with the mail they caused
    if newly_unrouted:
        _tell_administrators(newly_unrouted)
        db.session.commit()
    return counts


def run_escalations(today: date) -> int:
    """Escalate what is overdue today; return how many escalations reached someone."""
    return escalate_overdue(today)["escalated"]


def _unrouted_rows(
    batch: Sequence[Submission], clock_name: str, level: str
) -> dict[int, Escalation]:
    rows = db.session.scalars(
        select(Escalation).where(
            Escalation.submission_id.in_([s.id for s in batch]),
            Escalation.clock == clock_name,
            Escalation.level == level,
        )
    )
    return {row.submission_id: row for row in rows}


def _escalate(
    submission: Submission,
    clock_name: str,
    level: str,
    clock: Clock,
    today: date,
    people: list[User],
    unrouted: Escalation | None,
) -> Escalation | str | None:
    """Escalate one item. Returns "escalated", "still_unrouted", the new unrouted row, or None
    when another run got there first."""
    if unrouted is not None:
        if not people:
            return "still_unrouted"
        # Claim it: only one run may turn an unrouted escalation into a sent one.
        claimed = db.session.execute(
            update(Escalation)
            .where(Escalation.id == unrouted.id, Escalation.status == EscalationStatus.UNROUTED)
            .values(status=EscalationStatus.SENT.value, escalated_on=today)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            return None
        db.session.refresh(unrouted)
        _sent(unrouted, submission, people)
        return "escalated"
    escalation = Escalation(
        submission_id=submission.id,
        clock=clock_name,
        level=level,
        escalated_on=today,
        due_on=clock.due_on,
        status=(EscalationStatus.SENT if people else EscalationStatus.UNROUTED).value,
        unrouted_since=None if people else today,
    )
    try:
        with db.session.begin_nested():
            db.session.add(escalation)
    except IntegrityError:
        return None  # another run escalated it first
    if not people:
        record(
            None,
            "submission.escalation_unrouted",
            submission,
            f"{submission.reference}: {clock_name} was due by {clock.due_on}, "
            f"no one to escalate to at {level} level",
            detail={"clock": clock_name, "level": level},
        )
        log.warning("an overdue item has no one to escalate to at %s level", level)
        return escalation
    _sent(escalation, submission, people)
    return "escalated"


def _sent(escalation: Escalation, submission: Submission, people: list[User]) -> None:
    escalation.recipients = list(people)
    # Sent: leave this step's partial index, in the transaction that writes the row. One
    # statement, so two runs setting different steps' bits do not overwrite each other.
    bit = ESCALATION_STEP_BITS[(escalation.clock, escalation.level)]
    db.session.execute(
        update(Submission)
        .where(Submission.id == submission.id)
        .values(escalated_steps=Submission.escalated_steps.op("|")(bit))
        .execution_options(synchronize_session=False)
    )
    if escalation.level == "guardian":
        submission.guardian_escalated_on = escalation.escalated_on
    record(
        None,
        "submission.escalated",
        submission,
        f"{submission.reference}: {escalation.clock} was due by {escalation.due_on}, "
        f"escalated to {escalation.level} ({len(people)} people)",
        detail={"clock": escalation.clock, "level": escalation.level},
    )
    _tell(people, submission, escalation.clock)


def _tell(people: list[User], submission: Submission, clock_name: str) -> None:
    """A content-free alert, sent when each person chose (the guardian at once by default,
    leaders in their daily alert); the digests package receives the event."""
    events.escalated.send(submission, people=people, clock=clock_name)


def unrouted_reason(escalation: Escalation, directorate_name: str | None) -> str:
    if escalation.level == "guardian":
        return "There is no active Freedom to Speak Up guardian."
    return f"{directorate_name or 'The directorate'} has no active directorate lead."


def _tell_administrators(escalations: list[Escalation]) -> None:
    """One message per administrator per run, with no content: open items by reference,
    confidential and anonymous ones not named at all (the admin page lists them)."""
    admins = db.session.scalars(
        select(User).where(User.role == Role.ADMIN.value, User.active.is_(True))
    )
    link = external_url("responses.unrouted_escalations")
    lines = []
    for e in escalations:
        named, _link = mail_reference(e.submission, "responses.unrouted_escalations")
        item = "An idea" if e.submission.kind_enum is Kind.IDEA else "A concern"
        lines.append(f"- {item}{named}: for {e.level_label}, {e.clock} was due by {e.due_on}")
    listed = "\n".join(lines)
    count = len(escalations)
    for admin in admins:
        send_mail(
            admin.email,
            f"{count} overdue {'item' if count == 1 else 'items'} could not be escalated",
            "These overdue items have no one to be escalated to, so no one has been told:\n\n"
            f"{listed}\n\nAdd a directorate lead or a guardian; engage tries again every "
            f"morning. The list is kept at:\n{link}\n",
        )


def still_waiting() -> ColumnElement[bool]:
    """The escalations whose item still waits at their step: not acknowledged, decided, closed
    or merged since (nor sent). The job's own condition for choosing items
    (escalation_step_waiting); the job also waits for the item's clock to reach the step, which
    it had when the escalation was recorded, unless the clock rules have since been relaxed.
    A look-up of the one item per escalation, under a name of its own: the text condition's
    bare column names then mean that item's, even where the caller joins submissions too."""
    item = aliased(Submission)
    steps = or_(
        *(
            and_(
                Escalation.clock == clock,
                Escalation.level == level,
                text(f"({escalation_step_waiting(clock, level)})"),
            )
            for clock, level in STEPS
        )
    )
    return exists().where(item.id == Escalation.submission_id, steps)


def waiting_escalation_ids(escalations: Sequence[Escalation]) -> set[int]:
    """Which of these unrouted escalations still wait (still_waiting): one query, and none
    when every escalation was sent, as most are."""
    ids = [e.id for e in escalations if e.status == EscalationStatus.UNROUTED.value]
    if not ids:
        return set()
    return set(
        db.session.scalars(select(Escalation.id).where(Escalation.id.in_(ids), still_waiting()))
    )


def unrouted_escalations(actor: User) -> list[tuple[Escalation, str]]:
    """For administrators: every escalation that is waiting for someone to tell, oldest first,
    with what is missing. One whose item has moved on since (acknowledged, say) no longer
    waits: the job will not send it, so it is not listed."""
    from engage.errors import PermissionDenied

    if actor.role_enum is not Role.ADMIN:
        raise PermissionDenied("Only administrators can see escalations that reached no one.")
    rows = db.session.execute(
        select(Escalation, Directorate.name)
        .join(Submission, Submission.id == Escalation.submission_id)
        .join(Unit, Unit.id == Submission.unit_id)
        .join(Directorate, Directorate.id == Unit.directorate_id)
        .where(Escalation.status == EscalationStatus.UNROUTED.value, still_waiting())
        .order_by(Escalation.unrouted_since, Escalation.id)
        .options(selectinload(Escalation.submission))
    )
    return [(escalation, unrouted_reason(escalation, name)) for escalation, name in rows]


def escalations_for(submission_ids: Sequence[int]) -> dict[int, list[Escalation]]:
    """The escalations of the given submissions, with who they went to (two queries)."""
    found: dict[int, list[Escalation]] = defaultdict(list)
    if not submission_ids:
        return found
    rows = db.session.scalars(
        select(Escalation)
        .where(Escalation.submission_id.in_(list(submission_ids)))
        .order_by(Escalation.escalated_on, Escalation.id)
        .options(selectinload(Escalation.recipients))
    )
    for row in rows:
        found[row.submission_id].append(row)
    return found
