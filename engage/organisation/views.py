from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from engage.errors import ValidationFailed
from engage.forms import options, show_service_error
from engage.organisation import services
from engage.organisation.blueprint import bp
from engage.organisation.forms import NameForm, UnitForm


@bp.route("/structure")
def structure() -> ResponseReturnValue:
    services.require_admin(current_user)
    return render_template(
        "organisation/structure.html",
        directorates=services.directorates(),
        staff_groups=services.staff_groups(),
        title="The trust's structure",
    )


def _save_name(kind: str, existing: Any, save: Callable[[str], Any]) -> ResponseReturnValue:
    form = NameForm(obj=existing)
    if form.validate_on_submit():
        try:
            saved = save(form.name.data)
        except ValidationFailed as problem:
            show_service_error(form, problem)
        else:
            flash(f"{kind.capitalize()} {saved.name} saved.", "success")
            return redirect(url_for("organisation.structure"))
    title = f"Edit {existing.name}" if existing else f"Add a {kind}"
    return render_template("organisation/name_form.html", form=form, kind=kind, title=title)


@bp.route("/directorates/new", methods=["GET", "POST"])
@bp.route("/directorates/<id:directorate_id>", methods=["GET", "POST"])
def edit_directorate(directorate_id: int | None = None) -> ResponseReturnValue:
    services.require_admin(current_user)
    existing = services.get_directorate(current_user, directorate_id) if directorate_id else None
    return _save_name(
        "directorate",
        existing,
        lambda name: services.save_directorate(current_user, name, directorate_id),
    )


@bp.route("/staff-groups/new", methods=["GET", "POST"])
@bp.route("/staff-groups/<id:group_id>", methods=["GET", "POST"])
def edit_staff_group(group_id: int | None = None) -> ResponseReturnValue:
    services.require_admin(current_user)
    existing = services.get_staff_group(current_user, group_id) if group_id else None
    return _save_name(
        "staff group",
        existing,
        lambda name: services.save_staff_group(current_user, name, group_id),
    )


@bp.route("/units/new", methods=["GET", "POST"])
@bp.route("/units/<id:unit_id>", methods=["GET", "POST"])
def edit_unit(unit_id: int | None = None) -> ResponseReturnValue:
    services.require_admin(current_user)
    unit = services.get_unit(current_user, unit_id) if unit_id else None
    form = UnitForm(obj=unit)
    form.directorate_id.choices = options((d.id, d.name) for d in services.directorates())
    if form.validate_on_submit():
        details = services.UnitDetails(
            name=form.name.data,
            directorate_id=form.directorate_id.data,
            headcount=form.headcount.data,
        )
        try:
            saved = services.save_unit(current_user, details, unit_id)
        except ValidationFailed as problem:
            show_service_error(form, problem)
        else:
            flash(f"Unit {saved.name} saved.", "success")
            return redirect(url_for("organisation.structure"))
    title = f"Edit {unit.name}" if unit else "Add a unit"
    return render_template("organisation/unit_form.html", form=form, unit=unit, title=title)
