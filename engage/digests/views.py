from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from engage.digests import services
from engage.digests.blueprint import bp
from engage.digests.forms import (
    DIGEST_OFF,
    ScheduleForm,
    alert_field,
    digest_field,
    notifications_form,
)
from engage.digests.models import Delivery, Frequency
from engage.digests.preferences import DigestChoice
from engage.digests.schedule import WEEKDAYS
from engage.errors import ValidationFailed
from engage.extensions import csrf
from engage.forms import show_service_error


@bp.route("/settings/notifications", methods=["GET", "POST"])
@login_required
def settings() -> ResponseReturnValue:
    current = services.choices_for(current_user)
    saved = {alert_field(k): v.value for k, v in current.alerts.items()}
    saved.update(
        {
            digest_field(k): c.frequency.value if c.enabled else DIGEST_OFF
            for k, c in current.digests.items()
        }
    )
    form = notifications_form(current_user.role_enum, data=saved)
    if form.validate_on_submit():
        chosen = services.Choices(
            alerts={k: Delivery(form[alert_field(k)].data) for k in current.alerts},
            digests={
                k: DigestChoice(
                    form[digest_field(k)].data != DIGEST_OFF,
                    Frequency(form[digest_field(k)].data)
                    if form[digest_field(k)].data != DIGEST_OFF
                    else current.digests[k].frequency,
                )
                for k in current.digests
            },
        )
        services.save_choices(current_user, chosen)
        flash("Your choices have been saved.", "success")
        return redirect(url_for("digests.settings"))
    return render_template(
        "digests/settings.html",
        form=form,
        alert_fields=[alert_field(k) for k in current.alerts],
        digest_fields=[digest_field(k) for k in current.digests],
        title="Notifications and digests",
    )


@bp.route("/digests")
@login_required
def mine() -> ResponseReturnValue:
    digests = services.my_digests(current_user)
    return render_template("digests/mine.html", digests=digests, title="My digests")


@bp.route("/digests/<id:digest_id>")
@login_required
def show(digest_id: int) -> ResponseReturnValue:
    digest = services.get_digest(current_user, digest_id)
    return render_template("digests/show.html", digest=digest, title=digest.subject)


@bp.route("/admin/digests", methods=["GET", "POST"])
@login_required
def schedule() -> ResponseReturnValue:
    current = services.schedule_for(current_user)
    form = ScheduleForm(data={"weekday": str(current.weekday), "hour": str(current.hour)})
    if form.validate_on_submit():
        try:
            services.save_schedule(current_user, int(form.weekday.data), int(form.hour.data))
        except ValidationFailed as error:
            show_service_error(form, error)
        else:
            flash(
                f"Digests will be sent at {int(form.hour.data):02d}:00, weekly ones on "
                f"{WEEKDAYS[int(form.weekday.data)]}.",
                "success",
            )
            return redirect(url_for("digests.schedule"))
    return render_template("digests/schedule.html", form=form, title="When digests are sent")


# RFC 8058: the mail provider POSTs to the List-Unsubscribe address with no session and no
# CSRF token; the signature in the address is what proves it came from the email.
@bp.route("/digests/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token: str) -> ResponseReturnValue:
    if request.method == "POST":
        done = services.unsubscribe(token)
        return render_template("digests/unsubscribed.html", found=done, title="Digest stopped")
    found = services.check_unsubscribe(token)
    return render_template("digests/unsubscribe.html", found=found, title="Stop this digest")
