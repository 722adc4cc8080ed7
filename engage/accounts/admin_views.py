"""Administrators' pages for users and the CSV import."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from engage.accounts import csv_import, management
from engage.accounts.blueprint import admin_bp
from engage.accounts.forms import ImportForm, UserForm, UserSearchForm
from engage.accounts.models import Role
from engage.errors import ValidationFailed
from engage.forms import options, show_service_error
from engage.organisation import services as organisation
from engage.pagination import PageRequest, page_number
from engage.ratelimits import rate_limited


def _page_number() -> PageRequest:
    return page_number()


@admin_bp.route("/users")
def list_users() -> ResponseReturnValue:
    form = UserSearchForm(request.args)
    valid = form.validate()
    text = form.q.data if valid else None
    role = form.role.data or None if valid else None
    result = management.list_users(current_user, text=text, role=role, page=_page_number())
    return render_template("accounts/admin/users.html", form=form, result=result, title="Users")


def _user_form(obj: object | None = None) -> UserForm:
    form = UserForm(obj=obj)
    units = [(u.id, u.name) for u in organisation.units()]
    groups = [(g.id, g.name) for g in organisation.staff_groups()]
    form.unit_id.choices = options([(None, "No unit"), *units])
    form.staff_group_id.choices = options([(None, "Not known"), *groups])
    form.scope_unit_ids.choices = options(units)
    form.scope_directorate_ids.choices = options(
        (d.id, d.name) for d in organisation.directorates()
    )
    return form


def _details(form: UserForm) -> management.UserDetails:
    return management.UserDetails(
        name=form.name.data,
        email=form.email.data,
        role=Role(form.role.data),
        unit_id=form.unit_id.data,
        staff_group_id=form.staff_group_id.data,
        active=form.active.data,
        scope_unit_ids=tuple(form.scope_unit_ids.data or ()),
        scope_directorate_ids=tuple(form.scope_directorate_ids.data or ()),
    )


@admin_bp.route("/users/new", methods=["GET", "POST"])
def new_user() -> ResponseReturnValue:
    management.require_admin(current_user)
    form = _user_form()
    if form.validate_on_submit():
        try:
            user = management.create_user(current_user, _details(form))
        except ValidationFailed as problem:
            show_service_error(form, problem)
        else:
            flash(
                f"{user.name} has been added. They set a password with 'Forgotten your password?'.",
                "success",
            )
            return redirect(url_for("admin_users.list_users"))
    return render_template(
        "accounts/admin/user_form.html", form=form, user=None, title="Add a user"
    )


@admin_bp.route("/users/<id:user_id>", methods=["GET", "POST"])
def edit_user(user_id: int) -> ResponseReturnValue:
    user = management.get_user(current_user, user_id)
    form = _user_form(obj=user)
    if request.method == "GET":
        form.scope_unit_ids.data = [s.unit_id for s in user.scopes if s.unit_id]
        form.scope_directorate_ids.data = [
            s.directorate_id for s in user.scopes if s.directorate_id
        ]
    if form.validate_on_submit():
        try:
            management.update_user(current_user, user_id, _details(form))
        except ValidationFailed as problem:
            show_service_error(form, problem)
        else:
            flash(f"{form.name.data}'s details have been saved.", "success")
            return redirect(url_for("admin_users.list_users"))
    return render_template(
        "accounts/admin/user_form.html",
        form=form,
        user=user,
        locked=management.is_locked(user),
        title=f"Edit {user.name}",
    )


@admin_bp.route("/users/<id:user_id>/unlock", methods=["POST"])
def unlock_user(user_id: int) -> ResponseReturnValue:
    user = management.unlock_user(current_user, user_id)
    flash(f"{user.name}'s account is unlocked.", "success")
    return redirect(url_for("admin_users.edit_user", user_id=user_id))


@admin_bp.route("/users/<id:user_id>/sign-out-everywhere", methods=["POST"])
def sign_out_everywhere(user_id: int) -> ResponseReturnValue:
    ended = management.sign_out_everywhere(current_user, user_id)
    user = management.get_user(current_user, user_id)
    sessions = "1 session" if ended == 1 else f"{ended} sessions"
    flash(f"{user.name} is signed out everywhere ({sessions} ended).", "success")
    return redirect(url_for("admin_users.edit_user", user_id=user_id))


@admin_bp.route("/import", methods=["GET", "POST"])
@rate_limited("uploads")
def import_csv() -> ResponseReturnValue:
    management.require_admin(current_user)
    form = ImportForm()
    result = None
    if form.validate_on_submit():
        data = form.file.data.read()
        importer = csv_import.import_units if form.kind.data == "units" else csv_import.import_staff
        result = importer(current_user, data)
        if result.ok:
            flash(
                f"Import complete: {result.created} added and {result.updated} updated.",
                "success",
            )
            return redirect(url_for("admin_users.import_csv"))
        form.file.errors = [
            "The file has problems, so nothing was imported. Fix them and try again."
        ]
    return render_template(
        "accounts/admin/import.html", form=form, result=result, title="Import staff and units"
    )
