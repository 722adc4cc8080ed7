from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField
from wtforms.validators import InputRequired

from engage.accounts.models import Role
from engage.digests.models import AlertKind, Delivery, DigestKind, Frequency
from engage.digests.preferences import ALERTS_FOR_ROLE, DIGESTS_FOR_ROLE
from engage.digests.schedule import WEEKDAYS
from engage.forms import options

DELIVERY_LABELS = {
    Delivery.IMMEDIATE: "Straight away (an email that something is waiting, never what it says)",
    Delivery.DAILY: "Once a day",
    Delivery.WEEKLY: "Once a week",
}
UPDATE_IMMEDIATE = "Straight away (changes within 15 minutes come as one email)"
DIGEST_OFF = "off"
FREQUENCY_LABELS = {
    Frequency.DAILY: "Every day",
    Frequency.WEEKLY: "Every week",
    Frequency.MONTHLY: "Every month",
}


def alert_field(kind: AlertKind) -> str:
    return f"alert_{kind.value}"


def digest_field(kind: DigestKind) -> str:
    return f"digest_{kind.value}"


def notifications_form(role: Role, **kwargs: Any) -> FlaskForm:
    """A form with one question per alert and per digest the role is offered."""

    class NotificationsForm(FlaskForm):
        pass

    for kind in ALERTS_FOR_ROLE[role]:
        labels = dict(DELIVERY_LABELS)
        if kind is AlertKind.UPDATE:
            labels[Delivery.IMMEDIATE] = UPDATE_IMMEDIATE
        field = RadioField(
            kind.label,
            choices=options((d.value, label) for d, label in labels.items()),
            validators=[InputRequired("Choose when to hear about this")],
        )
        setattr(NotificationsForm, alert_field(kind), field)
    for digest_kind in DIGESTS_FOR_ROLE[role]:
        choices = [(f.value, label) for f, label in FREQUENCY_LABELS.items()]
        field = RadioField(
            digest_kind.label,
            choices=options([*choices, (DIGEST_OFF, "Do not send it")]),
            validators=[InputRequired("Choose how often to get this digest, or turn it off")],
        )
        setattr(NotificationsForm, digest_field(digest_kind), field)
    return NotificationsForm(**kwargs)


class ScheduleForm(FlaskForm):
    weekday = SelectField(
        "Day for weekly digests",
        description="Monthly digests go on the first of this day in each month.",
        choices=options((str(i), name) for i, name in enumerate(WEEKDAYS)),
        validators=[InputRequired("Select a day")],
    )
    hour = SelectField(
        "Time for every digest (UK time)",
        choices=options((str(h), f"{h:02d}:00") for h in range(24)),
        validators=[InputRequired("Select a time")],
    )
