"""What people do with notifications and digests: choose them, read them, stop them; and the
trust's send day and hour, which only administrators change.

Every public function takes the acting user (or, for one-click unsubscribe, a signed token
in place of a sign-in), checks the rule, audits the change and commits once.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from engage.accounts.models import Role, User
from engage.audit.services import record
from engage.digests import preferences
from engage.digests.models import AlertKind, Delivery, Digest, DigestKind, TrustSetting
from engage.digests.preferences import DigestChoice
from engage.digests.schedule import HOUR_KEY, WEEKDAY_KEY, WEEKDAYS, SendTime, send_time
from engage.digests.sending import read_unsubscribe_token
from engage.errors import NotFound, PermissionDenied, ValidationFailed
from engage.extensions import db, get_by_id

MY_DIGESTS_SHOWN = 60


@dataclass(frozen=True)
class Choices:
    alerts: dict[AlertKind, Delivery]
    digests: dict[DigestKind, DigestChoice]


def choices_for(actor: User) -> Choices:
    return Choices(preferences.alert_choices(actor), preferences.digest_choices(actor))


def save_choices(actor: User, choices: Choices) -> None:
    """Only the kinds offered to the person's role can be set."""
    allowed_alerts = preferences.ALERTS_FOR_ROLE[actor.role_enum]
    allowed_digests = preferences.DIGESTS_FOR_ROLE[actor.role_enum]
    if set(choices.alerts) - set(allowed_alerts) or set(choices.digests) - set(allowed_digests):
        raise PermissionDenied("These notifications are not offered to your role.")
    for kind, delivery in choices.alerts.items():
        preferences.set_alert(actor, kind, delivery)
    for digest_kind, choice in choices.digests.items():
        preferences.set_digest(actor, digest_kind, choice)
    record(
        actor,
        "notifications.changed",
        None,
        "Notification and digest choices changed",
        detail={
            "alerts": {k.value: v.value for k, v in choices.alerts.items()},
            "digests": {
                k.value: c.frequency.value if c.enabled else "off"
                for k, c in choices.digests.items()
            },
        },
    )
    db.session.commit()


def my_digests(actor: User) -> list[Digest]:
    query = (
        select(Digest)
        .where(Digest.recipient_id == actor.id)
        .order_by(Digest.created_at.desc(), Digest.id.desc())
        .limit(MY_DIGESTS_SHOWN)
    )
    return list(db.session.scalars(query))


def get_digest(actor: User, digest_id: int) -> Digest:
    digest = get_by_id(Digest, digest_id)
    if digest is None:
        raise NotFound("There is no digest with that number.")
    if digest.recipient_id != actor.id:
        raise PermissionDenied("A digest can be read only by the person it was sent to.")
    return digest


def _require_admin(actor: User) -> None:
    if not actor.has_role(Role.ADMIN):
        raise PermissionDenied("Only administrators can change when digests are sent.")


def schedule_for(actor: User) -> SendTime:
    _require_admin(actor)
    return send_time()


def save_schedule(actor: User, weekday: int, hour: int) -> None:
    _require_admin(actor)
    if not 0 <= weekday <= 6:
        raise ValidationFailed("Select a day", "weekday")
    if not 0 <= hour <= 23:
        raise ValidationFailed("Select an hour between 00:00 and 23:00", "hour")
    for key, value in ((WEEKDAY_KEY, str(weekday)), (HOUR_KEY, str(hour))):
        row = db.session.get(TrustSetting, key)
        if row is None:
            db.session.add(TrustSetting(key=key, value=value))
        else:
            row.value = value
    record(
        actor,
        "digests.schedule_changed",
        None,
        f"Digests now sent on {WEEKDAYS[weekday]} at {hour:02d}:00",
        detail={"weekday": weekday, "hour": hour},
    )
    db.session.commit()


@dataclass(frozen=True)
class Unsubscribe:
    user: User
    kind: DigestKind
    subscribed: bool


def check_unsubscribe(token: str) -> Unsubscribe:
    """The signed link is the right: it was sent only to the person it names."""
    found = read_unsubscribe_token(token)
    user = get_by_id(User, found[0]) if found else None
    if found is None or user is None:
        raise NotFound("This unsubscribe link is not valid. Check it was copied in full.")
    kind = found[1]
    choice = preferences.digest_choices(user).get(kind)
    return Unsubscribe(user, kind, choice is not None and choice.enabled)


def unsubscribe(token: str) -> Unsubscribe:
    """Turn the digest off. Doing it again changes nothing and records nothing, as mail
    providers may send the one-click request more than once."""
    found = check_unsubscribe(token)
    if not found.subscribed:
        return found
    frequency = preferences.digest_choices(found.user)[found.kind].frequency
    preferences.set_digest(found.user, found.kind, DigestChoice(False, frequency))
    record(
        found.user,
        "digests.unsubscribed",
        None,
        f"{found.kind.label}: turned off from the email's link",
        detail={"kind": found.kind.value},
    )
    db.session.commit()
    return Unsubscribe(found.user, found.kind, False)
