from __future__ import annotations

from flask import render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from engage.audit import services
from engage.audit.blueprint import bp
from engage.audit.forms import AuditFilterForm
from engage.forms import options
from engage.pagination import page_number


@bp.route("")
@login_required
def events() -> ResponseReturnValue:
    actions = services.known_actions(current_user)
    form = AuditFilterForm(request.args)
    form.action.choices = options([("", "Any action")] + [(a, a) for a in actions])
    filters = services.AuditFilter()
    if request.args and form.validate():
        filters = services.AuditFilter(
            action=form.action.data or None,
            actor_email=form.actor.data or None,
            text=form.text.data or None,
            date_from=form.date_from.data,
            date_to=form.date_to.data,
        )
    page = page_number()
    result = services.search_events(current_user, filters, page)
    return render_template("audit/events.html", form=form, result=result, title="Audit log")
