"""Alerts: short, content-free emails that something is waiting, sent when each person chose.

Every alert is first a `PendingAlert` row with the moment it is due; a job sends everything
due, one email per person, and deletes the rows in the same statement that reads them, so two
runs cannot both send an alert. Updates on a person's own items join the batch already
waiting for them, so changes within 15 minutes of the first make one email.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, time, timedelta

from sqlalchemy import delete, func, or_, select

from engage.accounts.models import LeaderScope, Role, User
from engage.digests import preferences
from engage.digests.models import AlertKind, Delivery, Frequency, PendingAlert
from engage.digests.schedule import next_send, send_time, setting
from engage.extensions import db
from engage.links import external_url
from engage.mail.services import send_mail
from engage.organisation.models import Unit
from engage.submissions import events
from engage.submissions import services as submission_services
from engage.submissions.models import Kind, Queue, Submission
from engage.timeutil import utcnow

FREQUENCY_OF = {Delivery.DAILY: Frequency.DAILY, Delivery.WEEKLY: Frequency.WEEKLY}


def _handlers_of(submission: Submission) -> list[User]:
    """Who handles a new item: the guardians for their queue, else the unit's leaders: those
    with a scope naming the unit or its directorate (the SQL form, for all leaders at once, of
    the rule access.led_unit_ids applies to one leader)."""
    active = select(User).where(User.active.is_(True))
    if submission.queue_enum is Queue.GUARDIAN:
        return list(db.session.scalars(active.where(User.role == Role.GUARDIAN.value)))
    unit = db.session.get(Unit, submission.unit_id)
    leads_it = or_(
        LeaderScope.unit_id == submission.unit_id,
        LeaderScope.directorate_id == (unit.directorate_id if unit else None),
    )
    return list(
        db.session.scalars(active.where(User.role == Role.LEADER.value, User.scopes.any(leads_it)))
    )


def item_raised(submission: Submission) -> None:
    """Tell the people who will handle a new idea or concern, as each of them chose."""
    kind = AlertKind.NEW_IDEA if submission.kind_enum is Kind.IDEA else AlertKind.NEW_CONCERN
    queue_alerts(_handlers_of(submission), kind, submission)


def item_updated(submission: Submission) -> None:
    """Tell an identifiable submitter that something changed on what they raised."""
    if submission.is_anonymous or submission.submitter is None:
        return
    if submission.submitter.active:
        queue_alerts([submission.submitter], AlertKind.UPDATE, submission)


def escalated(people: list[User], submission: Submission) -> None:
    queue_alerts(people, AlertKind.ESCALATION, submission)


def _on_escalated(submission: Submission, *, people: list[User], **_: object) -> None:
    escalated(people, submission)


# Submissions and responses announce these events without importing digests (dependencies run
# one way); loading this module, as create_app does through digests.blueprint, connects them.
events.raised.connect(item_raised, weak=False)
events.updated.connect(item_updated, weak=False)
events.escalated.connect(_on_escalated, weak=False)


def queue_alerts(users: Iterable[User], kind: AlertKind, submission: Submission) -> None:
    people = list(users)
    if not people:
        return
    now = utcnow()
    when = send_time()
    anonymous = submission.is_anonymous
    # An anonymous item may only be dated to its day: its alerts wait until the end of that
    # day has passed, so every anonymous item of one day is told at the same moment.
    earliest = (
        datetime.combine(submission.submitted_on + timedelta(days=1), time()) if anonymous else now
    )
    waiting = _waiting_updates(people) if kind is AlertKind.UPDATE else {}
    for user_id, delivery in preferences.deliveries(people, kind).items():
        if user_id in waiting:
            due = waiting[user_id]
        elif delivery is not Delivery.IMMEDIATE:
            due = next_send(FREQUENCY_OF[delivery], when, max(now, earliest))
        elif kind is AlertKind.UPDATE:
            due = now + timedelta(minutes=setting("UPDATE_COALESCE_MINUTES"))
        elif anonymous:
            due = next_send(Frequency.DAILY, when, earliest)
        else:
            due = now
        db.session.add(
            PendingAlert(
                user_id=user_id,
                kind=kind.value,
                submission_id=submission.id if kind is AlertKind.UPDATE else None,
                due_at=due,
            )
        )


def _waiting_updates(people: list[User]) -> dict[int, datetime]:
    rows = db.session.execute(
        select(PendingAlert.user_id, func.min(PendingAlert.due_at))
        .where(
            PendingAlert.user_id.in_([p.id for p in people]),
            PendingAlert.kind == AlertKind.UPDATE.value,
        )
        .group_by(PendingAlert.user_id)
    )
    return {user_id: due for user_id, due in rows}


def send_due_alerts(as_of: datetime) -> dict[str, int]:
    """Send every alert due by `as_of` (naive UTC), one email per person; commit once."""
    claimed = db.session.execute(
        delete(PendingAlert)
        .where(PendingAlert.due_at <= as_of)
        .returning(PendingAlert.user_id, PendingAlert.kind, PendingAlert.submission_id)
    ).all()
    by_user: dict[int, list[tuple[AlertKind, int | None]]] = defaultdict(list)
    for user_id, kind, submission_id in claimed:
        by_user[user_id].append((AlertKind(kind), submission_id))
    users = _active_users(by_user)
    submissions = _submissions({sid for rows in by_user.values() for _, sid in rows if sid})
    sent = 0
    for user_id, rows in by_user.items():
        user = users.get(user_id)
        if user is None:
            continue
        subject, body = compose(rows, submissions)
        send_mail(user.email, subject, body)
        sent += 1
    db.session.commit()
    return {"alerts": len(claimed), "emails": sent}


def _active_users(ids: Iterable[int]) -> dict[int, User]:
    wanted = list(ids)
    if not wanted:
        return {}
    query = select(User).where(User.id.in_(wanted), User.active.is_(True))
    return {user.id: user for user in db.session.scalars(query)}


def _submissions(ids: set[int]) -> dict[int, Submission]:
    if not ids:
        return {}
    return {s.id: s for s in db.session.scalars(select(Submission).where(Submission.id.in_(ids)))}


NEW_ITEM_WORDS = {
    AlertKind.NEW_IDEA: ("A new idea is waiting", "new ideas are waiting"),
    AlertKind.NEW_CONCERN: ("A new concern is waiting", "new concerns are waiting"),
    AlertKind.ESCALATION: (
        "An overdue item has been passed to you",
        "overdue items have been passed to you",
    ),
}


def compose(
    rows: list[tuple[AlertKind, int | None]], submissions: dict[int, Submission]
) -> tuple[str, str]:
    """One email for everything due to one person. New items and escalations are counts and a
    link, never a title, a unit or a reference; updates name only the person's own items."""
    counts: dict[AlertKind, int] = defaultdict(int)
    updated: dict[str, Submission] = {}
    for kind, submission_id in rows:
        counts[kind] += 1
        if kind is AlertKind.UPDATE and submission_id in submissions:
            item = submissions[submission_id]
            updated[item.reference] = item
    lines = []
    headlines = []
    for kind, (one, many) in NEW_ITEM_WORDS.items():
        if counts[kind]:
            headline = one if counts[kind] == 1 else f"{counts[kind]} {many}"
            headlines.append(headline)
            lines.append(f"{headline}.")
    if headlines:
        lines.append(
            f"\nSign in to engage to see your inbox:\n{external_url('submissions.inbox')}\n"
        )
    if updated:
        # Confidential items are neither named nor linked by number in mail (see
        # submissions.services.mail_reference): mail logs would join the person to the item.
        items = sorted(updated.values(), key=lambda s: s.reference)
        named = [submission_services.mail_reference(item, "submissions.mine") for item in items]
        if len(items) == 1:
            what = "idea" if items[0].kind_enum is Kind.IDEA else "concern"
            headlines.append(f"There is an update on your {what}{named[0][0]}")
            lines.append(f"There is an update on the {what} you raised{named[0][0]}.")
        else:
            headlines.append(f"There are updates on {len(items)} of the things you raised")
            lines.append("There are updates on things you raised.")
        lines.append("\nSign in to engage to read it:")
        for reference, link in dict.fromkeys(named):
            lines.append(f"{reference.strip(' ()')}: {link}" if reference else link)
    subject = headlines[0] if len(headlines) == 1 else "Things are waiting for you in engage"
    footer = f"\nChoose when engage emails you:\n{external_url('digests.settings')}\n"
    return subject, "\n".join(lines) + "\n" + footer
