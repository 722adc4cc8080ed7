"""Routes of the engagement metrics view; the services check who may see what."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from engage.errors import ValidationFailed
from engage.forms import show_service_error
from engage.metrics import chart_pages, settings, view_services
from engage.metrics.access import check_can_configure, metric_scope
from engage.metrics.blueprint import bp
from engage.metrics.icons import assurance_icon_svg, variation_icon_svg
from engage.metrics.models import NO_THEME, TRUST_ENTITY_ID, Level
from engage.metrics.registry import METRICS, Metric
from engage.metrics.series import Grain
from engage.metrics.view_forms import ControlsForm, RebaseForm, SettingForm

LEVELS = "any(trust, directorate, unit)"
T = TypeVar("T")


def _controls(level: Level) -> tuple[ControlsForm, dict[str, Any]]:
    """A unit's weekly counts are mostly under 5, which are never charted; its months are
    shown first."""
    form = ControlsForm(request.args)
    return form, form.chosen(Grain.MONTH if level is Level.UNIT else Grain.WEEK)


def _summary(level: Level, entity_id: int) -> ResponseReturnValue:
    form, chosen = _controls(level)
    result = view_services.summary(current_user, level, entity_id, **chosen)
    return render_template(
        "metrics/summary.html",
        summary=result,
        form=form,
        parents=view_services.visible_parents(current_user, result.place),
        children=view_services.visible_children(current_user, result.place),
        filter_labels=view_services.FILTER_LABELS,
        variation_icon=variation_icon_svg,
        assurance_icon=assurance_icon_svg,
        title=f"Engagement metrics: {result.place.name}",
    )


@bp.route("")
@login_required
def index() -> ResponseReturnValue:
    scope = metric_scope(current_user)
    if scope.whole_trust:
        return _summary(Level.TRUST, TRUST_ENTITY_ID)
    places = [view_services.place(level, entity_id) for level, entity_id in scope.entities]
    return render_template("metrics/places.html", places=places, title="Engagement metrics")


@bp.route("/directorate/<id:entity_id>")
@login_required
def directorate(entity_id: int) -> ResponseReturnValue:
    return _summary(Level.DIRECTORATE, entity_id)


@bp.route("/unit/<id:entity_id>")
@login_required
def unit(entity_id: int) -> ResponseReturnValue:
    return _summary(Level.UNIT, entity_id)


def _theme() -> int:
    theme = request.args.get("theme", "")
    return int(theme) if theme.isdigit() and len(theme) < 10 else NO_THEME


def _chart_for_request(
    level: str, entity_id: int, metric: str, build: Callable[..., T]
) -> tuple[ControlsForm, Grain, T]:
    """The chart page and its CSV read the same controls, so they always show the same
    figures."""
    form, chosen = _controls(Level(level))
    built = build(
        current_user,
        Level(level),
        entity_id,
        metric,
        theme_id=_theme(),
        grain=chosen["grain"],
        weeks=chosen["weeks"],
    )
    return form, chosen["grain"], built


@bp.route(f"/<{LEVELS}:level>/<int:entity_id>/<metric>")
@login_required
def chart(level: str, entity_id: int, metric: str) -> ResponseReturnValue:
    form, _, page = _chart_for_request(level, entity_id, metric, chart_pages.chart_page)
    return render_template(
        "metrics/metric_chart.html",
        page=page,
        form=form,
        parents=view_services.visible_parents(current_user, page.place),
        title=page.title,
    )


@bp.route(f"/<{LEVELS}:level>/<int:entity_id>/<metric>.csv")
@login_required
def chart_csv(level: str, entity_id: int, metric: str) -> ResponseReturnValue:
    _, grain, text = _chart_for_request(level, entity_id, metric, chart_pages.csv_text)
    filename = f"{level}-{entity_id}-{metric}-{grain.value}.csv"
    return Response(
        text,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/settings")
@login_required
def settings_list() -> ResponseReturnValue:
    check_can_configure(current_user)
    return render_template(
        "metrics/settings.html",
        metrics=METRICS,
        choices=settings.metric_choices(),
        title="Metric targets and new periods",
    )


def _applies_to_choices() -> list[tuple[str, str]]:
    choices = [("", "Every chart of this metric"), ("trust-0", "The whole trust's chart only")]
    trust = view_services.place(Level.TRUST, TRUST_ENTITY_ID)
    for _, directorate_id, name in trust.children:
        choices.append((f"directorate-{directorate_id}", f"{name} (directorate) only"))
        for _, unit_id, unit_name in view_services.place(
            Level.DIRECTORATE, directorate_id
        ).children:
            choices.append((f"unit-{unit_id}", f"{unit_name} only"))
    return choices


@bp.route("/settings/<metric>", methods=["GET", "POST"])
@login_required
def edit_setting(metric: str) -> ResponseReturnValue:
    check_can_configure(current_user)
    known = settings.known_metric(metric)
    choice = settings.metric_choices([metric])[metric]
    form = SettingForm(data={"improvement": choice.improvement, "target": choice.target})
    rebase_form = RebaseForm(formdata=None)
    rebase_form.applies_to.choices = _applies_to_choices()
    if form.validate_on_submit():
        try:
            settings.save_setting(
                current_user, metric, improvement=form.improvement.data, target=form.target.data
            )
        except ValidationFailed as problem:
            show_service_error(form, problem)
        else:
            flash(f"Saved the settings of {known.title}")
            return redirect(url_for("metrics.edit_setting", metric=metric))
    return _setting_page(known, form, rebase_form)


def _setting_page(known: Metric, form: SettingForm, rebase_form: RebaseForm) -> str:
    return render_template(
        "metrics/setting.html",
        metric=known,
        form=form,
        rebase_form=rebase_form,
        rebases=settings.all_rebases(known.name),
        applies_to=dict(_applies_to_choices()),
        title=f"Settings: {known.title}",
    )


@bp.route("/settings/<metric>/rebases", methods=["POST"])
@login_required
def add_rebase(metric: str) -> ResponseReturnValue:
    check_can_configure(current_user)
    known = settings.known_metric(metric)
    choice = settings.metric_choices([metric])[metric]
    rebase_form = RebaseForm()
    rebase_form.applies_to.choices = _applies_to_choices()
    if rebase_form.validate_on_submit():
        level, entity_id = None, None
        if rebase_form.applies_to.data:
            level_name, _, number = rebase_form.applies_to.data.partition("-")
            level, entity_id = Level(level_name), int(number)
        try:
            settings.add_rebase(
                current_user,
                metric,
                starts_on=rebase_form.starts_on.data,
                reason=rebase_form.reason.data,
                level=level,
                entity_id=entity_id,
            )
        except ValidationFailed as problem:
            show_service_error(rebase_form, problem)
        else:
            flash(f"Added the new period to {known.title}")
            return redirect(url_for("metrics.edit_setting", metric=metric))
    form = SettingForm(
        formdata=None, data={"improvement": choice.improvement, "target": choice.target}
    )
    return _setting_page(known, form, rebase_form), 400


@bp.route("/settings/<metric>/rebases/<id:rebase_id>/delete", methods=["POST"])
@login_required
def remove_rebase(metric: str, rebase_id: int) -> ResponseReturnValue:
    settings.remove_rebase(current_user, metric, rebase_id)
    flash("Removed the new period")
    return redirect(url_for("metrics.edit_setting", metric=metric))
