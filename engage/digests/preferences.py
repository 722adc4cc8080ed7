"""Each person's choices, with the role's defaults wherever they have not chosen.

Defaults respect attention: leaders hear of new items once a day; the guardian hears of
concerns at once (content-free); everyone hears of updates on what they raised at once, but
coalesced, so a flurry of changes is one email.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select

from engage.accounts.models import Role, User
from engage.digests.models import (
    AlertKind,
    Delivery,
    DigestKind,
    DigestSubscription,
    Frequency,
    NotificationPreference,
)
from engage.extensions import db

ALERTS_FOR_ROLE = {
    Role.STAFF: (AlertKind.UPDATE,),
    Role.LEADER: (
        AlertKind.NEW_IDEA,
        AlertKind.NEW_CONCERN,
        AlertKind.ESCALATION,
        AlertKind.UPDATE,
    ),
    Role.GUARDIAN: (AlertKind.NEW_CONCERN, AlertKind.ESCALATION, AlertKind.UPDATE),
    Role.ADMIN: (AlertKind.UPDATE,),
    Role.BOARD: (),  # the board reads figures, never individual items
}
DIGESTS_FOR_ROLE = {
    Role.STAFF: (DigestKind.STAFF,),
    Role.LEADER: (DigestKind.LEADER, DigestKind.STAFF),
    Role.GUARDIAN: (DigestKind.GUARDIAN, DigestKind.STAFF),
    Role.ADMIN: (DigestKind.STAFF,),
    Role.BOARD: (),
}


def default_delivery(role: Role, kind: AlertKind) -> Delivery:
    if kind is AlertKind.UPDATE:
        return Delivery.IMMEDIATE  # coalesced: see alerts.queue_alerts
    if role is Role.GUARDIAN:
        return Delivery.IMMEDIATE
    return Delivery.DAILY


@dataclass(frozen=True)
class DigestChoice:
    enabled: bool
    frequency: Frequency


# The leader's and guardian's digests are part of handling; the monthly staff digest is
# offered to everyone but sent only to those who turn it on.
DIGEST_DEFAULTS = {
    DigestKind.LEADER: DigestChoice(True, Frequency.WEEKLY),
    DigestKind.GUARDIAN: DigestChoice(True, Frequency.WEEKLY),
    DigestKind.STAFF: DigestChoice(False, Frequency.MONTHLY),
}


def deliveries(users: Iterable[User], kind: AlertKind) -> dict[int, Delivery]:
    """How each of these people wants this kind of alert, in one query."""
    people = {user.id: user for user in users}
    if not people:
        return {}
    chosen = {
        user_id: delivery
        for user_id, delivery in db.session.execute(
            select(NotificationPreference.user_id, NotificationPreference.delivery).where(
                NotificationPreference.user_id.in_(people),
                NotificationPreference.kind == kind.value,
            )
        )
    }
    return {
        user_id: Delivery(chosen[user_id])
        if user_id in chosen
        else default_delivery(user.role_enum, kind)
        for user_id, user in people.items()
    }


def alert_choices(user: User) -> dict[AlertKind, Delivery]:
    kinds = ALERTS_FOR_ROLE[user.role_enum]
    return {kind: deliveries([user], kind)[user.id] for kind in kinds}


def digest_choices(user: User) -> dict[DigestKind, DigestChoice]:
    rows = {
        row.kind: row
        for row in db.session.scalars(
            select(DigestSubscription).where(DigestSubscription.user_id == user.id)
        )
    }
    choices = {}
    for kind in DIGESTS_FOR_ROLE[user.role_enum]:
        row = rows.get(kind.value)
        choices[kind] = (
            DigestChoice(row.enabled, Frequency(row.frequency)) if row else DIGEST_DEFAULTS[kind]
        )
    return choices


def set_alert(user: User, kind: AlertKind, delivery: Delivery) -> None:
    row = db.session.scalar(
        select(NotificationPreference).where(
            NotificationPreference.user_id == user.id, NotificationPreference.kind == kind.value
        )
    )
    if row is None:
        db.session.add(NotificationPreference(user_id=user.id, kind=kind.value, delivery=delivery))
    else:
        row.delivery = delivery.value


def set_digest(user: User, kind: DigestKind, choice: DigestChoice) -> None:
    row = db.session.scalar(
        select(DigestSubscription).where(
            DigestSubscription.user_id == user.id, DigestSubscription.kind == kind.value
        )
    )
    if row is None:
        row = DigestSubscription(user_id=user.id, kind=kind.value)
        db.session.add(row)
    row.enabled = choice.enabled
    row.frequency = choice.frequency.value
