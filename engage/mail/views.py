from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user

from engage.mail import services

bp = Blueprint("mail", __name__)


@bp.route("/outbox")
def outbox() -> ResponseReturnValue:
    actor = current_user if current_user.is_authenticated else None
    messages = services.outbox_messages(actor)
    return render_template("mail/outbox.html", messages=messages, title="Development outbox")
