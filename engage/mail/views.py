from __future__ import annotations

import ipaddress

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from engage.mail import services
from engage.mail.blueprint import bp

# A request relayed by a proxy on the same machine also comes from the loopback address, so
# one that carries forwarding headers is not taken to be local.
FORWARDING_HEADERS = ("Forwarded", "X-Forwarded-For", "X-Real-IP")


def _from_this_computer() -> bool:
    if any(header in request.headers for header in FORWARDING_HEADERS):
        return False
    try:
        return ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False


@bp.route("/outbox")
def outbox() -> ResponseReturnValue:
    actor = current_user if current_user.is_authenticated else None
    messages = services.outbox_messages(actor, _from_this_computer())
    return render_template("mail/outbox.html", messages=messages, title="Development outbox")


@bp.route("/admin/mail")
@login_required
def health() -> ResponseReturnValue:
    report = services.mail_health(current_user)
    return render_template("mail/health.html", report=report, title="Outgoing mail")


@bp.route("/admin/mail/<id:message_id>/retry", methods=["POST"])
@login_required
def retry(message_id: int) -> ResponseReturnValue:
    message = services.retry_failed(current_user, message_id)
    flash(f"Message {message.id} will be sent again within a minute.", "success")
    return redirect(url_for("mail.health"))
