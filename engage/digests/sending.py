"""The digest run: who is due a digest for the current period, what it says, and sending it
exactly once.

The claim is an `INSERT ... ON CONFLICT DO NOTHING RETURNING` of the (kind, recipient,
period) rows: only the rows this run inserted are mailed, in the same transaction, so a
second run, or a second process at the same moment, sends nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import Select, and_, func, literal, not_, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import lazyload

from engage.accounts.models import Role, User
from engage.digests import content
from engage.digests.models import Digest, DigestKind, DigestSubscription, Frequency
from engage.digests.preferences import DIGEST_DEFAULTS
from engage.digests.schedule import Period, latest_period, send_moment, send_time
from engage.extensions import db
from engage.links import external_url
from engage.mail.services import send_mail
from engage.timeutil import utcnow

log = logging.getLogger(__name__)
ROLES_FOR = {
    DigestKind.LEADER: (Role.LEADER.value,),
    DigestKind.GUARDIAN: (Role.GUARDIAN.value,),
    DigestKind.STAFF: tuple(role.value for role in Role),
}
# A period missed (the scheduler was down) is still sent within this long of its moment;
# after that the next period covers the same ground, so an old digest would only be noise.
GRACE = {
    Frequency.DAILY: timedelta(hours=20),
    Frequency.WEEKLY: timedelta(days=6),
    Frequency.MONTHLY: timedelta(days=27),
}
CLAIM_BATCH = 1000
UNSUBSCRIBE_SALT = "digest-unsubscribe"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)


def unsubscribe_token(user_id: int, kind: DigestKind) -> str:
    return _serializer().dumps([user_id, kind.value])


def read_unsubscribe_token(token: str) -> tuple[int, DigestKind] | None:
    try:
        user_id, kind = _serializer().loads(token)
        return int(user_id), DigestKind(kind)
    except (BadSignature, ValueError, TypeError):
        return None


def due_recipients(kind: DigestKind, period: Period) -> Select[Any]:
    """SQL: the ids of people subscribed to this digest at this frequency who have not had
    it for this period."""
    default = DIGEST_DEFAULTS[kind]
    subscription = DigestSubscription.__table__.alias("subscription")
    enabled = func.coalesce(subscription.c.enabled, literal(default.enabled))
    frequency = func.coalesce(subscription.c.frequency, literal(default.frequency.value))
    already = select(Digest.id).where(
        Digest.kind == kind.value, Digest.recipient_id == User.id, Digest.period == period.key
    )
    return (
        select(User.id)
        .outerjoin(
            subscription,
            and_(subscription.c.user_id == User.id, subscription.c.kind == kind.value),
        )
        .where(
            User.active.is_(True),
            User.role.in_(ROLES_FOR[kind]),
            enabled.is_(True),
            frequency == period.frequency.value,
            not_(already.exists()),
        )
    )


@dataclass
class Rendered:
    recipient: User
    subject: str
    text: str
    html: str


Builder = Callable[[Period, Select[Any], list[User]], Iterator[Rendered]]


def _render(name: str, **context: Any) -> str:
    return current_app.jinja_env.get_template(name).render(**context)


def _leader_digests(period: Period, ids: Select[Any], users: list[User]) -> Iterator[Rendered]:
    figures = content.leader_figures(period.covers_from, period.send_day)
    units = content.led_units(ids)
    # The week that ended before the send day: the newest complete snapshot.
    readings = content.unit_signals(
        {unit_id for led in units.values() for unit_id, _ in led},
        period.send_day - timedelta(days=1),
    )
    inbox = external_url("submissions.inbox")
    for user in users:
        rows = [
            (name, figures.row(unit_id), external_url("submissions.inbox", unit_id=unit_id))
            for unit_id, name in units.get(user.id, [])
        ]
        total = content.sum_rows(row for _, row, _ in rows)
        context = dict(
            user=user,
            period=period,
            rows=rows,
            total=total,
            small=content.small,
            columns=content.LEADER_COLUMNS,
            inbox=inbox,
            signals=[
                (name, reading)
                for unit_id, name in units.get(user.id, [])
                for reading in readings.get(unit_id, [])
            ],
        )
        yield Rendered(
            user,
            f"Your {period.frequency.value} digest: your units in engage",
            _render("digests/email/leader.txt", **context),
            _render("digests/email/leader.html", **context),
        )


def _guardian_digests(period: Period, ids: Select[Any], users: list[User]) -> Iterator[Rendered]:
    figures = content.guardian_figures(period.covers_from, period.send_day)
    inbox = external_url("submissions.inbox")
    for user in users:
        context = dict(user=user, period=period, figures=figures, small=content.small, inbox=inbox)
        yield Rendered(
            user,
            f"Your {period.frequency.value} digest: concerns in engage",
            _render("digests/email/guardian.txt", **context),
            _render("digests/email/guardian.html", **context),
        )


def _staff_digests(period: Period, ids: Select[Any], users: list[User]) -> Iterator[Rendered]:
    entries = content.publications(period.covers_from, period.send_day)
    updates = content.own_updates(ids, period.covers_from, period.send_day)
    by_directorate: dict[int, list[content.PublishedEntry]] = {}
    for entry in entries:
        by_directorate.setdefault(entry.directorate_id, []).append(entry)
    for user in users:
        unit = user.unit
        near = by_directorate.get(unit.directorate_id, []) if unit is not None else []
        own = [e for e in near if unit is not None and e.unit_id == unit.id]
        nearby: dict[tuple[int, str], int] = {}
        for entry in near:
            if unit is not None and entry.unit_id != unit.id:
                key = (entry.unit_id, entry.unit_name)
                nearby[key] = nearby.get(key, 0) + 1
        # Confidential items are neither named nor linked by number in mail.
        mine = [
            (
                u.reference,
                u.status,
                external_url("submissions.detail", submission_id=u.submission_id),
            )
            if u.raised_openly
            else ("Something you raised in confidence", u.status, external_url("submissions.mine"))
            for u in updates.get(user.id, [])
        ]
        context = dict(
            user=user,
            period=period,
            own=own,
            small=content.small,
            mine=mine,
            nearby=[
                (name, count, external_url("responses.show_board", kind="unit", scope_id=uid))
                for (uid, name), count in sorted(nearby.items(), key=lambda i: i[0][1])
            ],
            board=external_url("responses.show_board", kind="unit", scope_id=unit.id)
            if unit
            else None,
        )
        yield Rendered(
            user,
            "You said, we did: this month in engage"
            if period.frequency is Frequency.MONTHLY
            else f"You said, we did: your {period.frequency.value} digest",
            _render("digests/email/staff.txt", **context),
            _render("digests/email/staff.html", **context),
        )


BUILDERS: dict[DigestKind, Builder] = {
    DigestKind.LEADER: _leader_digests,
    DigestKind.GUARDIAN: _guardian_digests,
    DigestKind.STAFF: _staff_digests,
}


def _insert() -> Any:
    dialect = db.session.get_bind().dialect.name
    return (postgresql_insert if dialect == "postgresql" else sqlite_insert)(Digest)


def _claim(period: Period, kind: DigestKind, batch: list[Rendered]) -> set[int]:
    """Insert the digests; return the recipients whose row this run inserted."""
    now = utcnow()
    values = [
        {
            "kind": kind.value,
            "recipient_id": item.recipient.id,
            "period": period.key,
            "covers_from": period.covers_from,
            "covers_to": period.send_day,
            "subject": item.subject,
            "body_text": item.text,
            "body_html": item.html,
            "created_at": now,
        }
        for item in batch
    ]
    statement = (
        _insert()
        .values(values)
        .on_conflict_do_nothing(index_elements=["kind", "recipient_id", "period"])
        .returning(Digest.recipient_id)
    )
    return set(db.session.scalars(statement))


def send_digests(kind: DigestKind, period: Period) -> int:
    ids = due_recipients(kind, period)
    # Scopes come from content.led_units in one query: their selectin loader would take one
    # query per 500 recipients.
    query = select(User).options(lazyload(User.scopes)).where(User.id.in_(ids))
    users = list(db.session.scalars(query.order_by(User.id)))
    if not users:
        return 0
    sent = 0
    batch: list[Rendered] = []
    for rendered in BUILDERS[kind](period, ids, users):
        batch.append(rendered)
        if len(batch) == CLAIM_BATCH:
            sent += _send_claimed(kind, period, batch)
            batch = []
    if batch:
        sent += _send_claimed(kind, period, batch)
    return sent


def _send_claimed(kind: DigestKind, period: Period, batch: list[Rendered]) -> int:
    claimed = _claim(period, kind, batch)
    for item in batch:
        if item.recipient.id not in claimed:
            continue  # another run got there first
        link = external_url("digests.unsubscribe", token=unsubscribe_token(item.recipient.id, kind))
        html = _render(
            "digests/email/document.html",
            subject=item.subject,
            content=item.html,
            unsubscribe=link,
            settings=external_url("digests.settings"),
        )
        text = (
            f"{item.text}\n\nChoose which digests you get, and how often:\n"
            f"{external_url('digests.settings')}\n\nStop this digest:\n{link}\n"
        )
        send_mail(
            item.recipient.email,
            item.subject,
            text,
            html=html,
            headers={
                "List-Unsubscribe": f"<{link}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )
    return len(claimed)


def run_digests(as_of: datetime) -> dict[str, int]:
    """Send every digest due at `as_of` (aware, or naive UTC); commit once."""
    when = send_time()
    now = as_of if as_of.tzinfo is None else as_of.astimezone(UTC).replace(tzinfo=None)
    counts: dict[str, int] = {}
    for frequency in Frequency:
        period = latest_period(frequency, when, as_of)
        moment = send_moment(period.send_day, when.hour)
        if now - moment > GRACE[frequency]:
            continue
        for kind in DigestKind:
            counts[f"{kind.value}_{frequency.value}"] = send_digests(kind, period)
    db.session.commit()
    return counts
