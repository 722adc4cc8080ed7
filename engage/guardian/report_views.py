"""The guardian's figures: the quarterly return, themes over time, the board report, emerging
themes and the inbox export; and the answers to the closing questions."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from engage.errors import NotFound, ValidationFailed
from engage.forms import options, show_service_error
from engage.guardian import emerging, feedback, report, returns, trends
from engage.guardian.access import require_guardian
from engage.guardian.blueprint import bp
from engage.guardian.forms import (
    LearningForm,
    PeriodForm,
    QuarterForm,
    QuestionForm,
    ReportForm,
    SuggestionForm,
    ThemeChartForm,
)
from engage.guardian.inbox import inbox_csv
from engage.quarters import Quarter
from engage.submissions import access
from engage.submissions.forms import InboxFilterForm
from engage.submissions.models import Theme
from engage.timeutil import utcnow

RECENT_QUARTERS = 8


def _csv(text: str, filename: str) -> Response:
    response = Response(text, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _quarter_choices(today: date) -> list[Quarter]:
    """The last eight quarters, the current (unfinished) one first so it can be refused."""
    quarters = [Quarter.of(today)]
    while len(quarters) < RECENT_QUARTERS + 1:
        quarters.append(quarters[-1].previous())
    return quarters


def _chosen_quarter(today: date) -> tuple[QuarterForm, Quarter]:
    form = QuarterForm(request.args)
    choices = _quarter_choices(today)
    form.quarter.choices = options([(q.key, q.label) for q in choices])
    default = Quarter.of(today).previous()
    chosen = Quarter.parse(form.quarter.data or "") if form.quarter.data else default
    if chosen is None:
        form.quarter.errors = ["Choose a quarter from the list"]
        chosen = default
    form.quarter.data = chosen.key
    return form, chosen


@bp.route("/guardian/return")
def quarterly_return() -> ResponseReturnValue:
    require_guardian(current_user)
    today = utcnow().date()
    form, quarter = _chosen_quarter(today)
    result, missing = None, 0
    try:
        result = returns.quarterly_return(current_user, quarter, today)
    except ValidationFailed as problem:
        form.quarter.errors = [*form.quarter.errors, problem.message]
    else:
        missing = returns.unrecorded_concerns(current_user, quarter)
    status = 400 if form.quarter.errors else 200
    return render_template(
        "guardian/return.html",
        form=form,
        result=result,
        quarter=quarter,
        missing=missing,
        title="Quarterly Freedom to Speak Up data return",
    ), status


@bp.route("/guardian/return.csv")
def quarterly_return_csv() -> ResponseReturnValue:
    require_guardian(current_user)
    today = utcnow().date()
    quarter = Quarter.parse(request.args.get("quarter", ""))
    if quarter is None:
        raise NotFound("Choose a quarter like 2026-Q2.")
    try:
        result = returns.quarterly_return(current_user, quarter, today)
    except ValidationFailed as problem:
        flash(problem.message, "info")
        return redirect(url_for("guardian.quarterly_return", quarter=quarter.key))
    return _csv(result.csv(), f"ftsu-return-{quarter.key}.csv")


def _period(today: date) -> tuple[PeriodForm, date, date]:
    form = PeriodForm(request.args)
    default_from, default_to = today - timedelta(days=364), today
    if not form.validate():
        return form, default_from, default_to
    return form, form.date_from.data or default_from, form.date_to.data or default_to


@bp.route("/guardian/themes")
def themes() -> ResponseReturnValue:
    require_guardian(current_user)
    form, date_from, date_to = _period(utcnow().date())
    heat = trends.heat_map(current_user, date_from, date_to)
    return render_template("guardian/themes.html", form=form, heat=heat, title="Themes by unit"), (
        400 if form.errors else 200
    )


@bp.route("/guardian/themes.csv")
def themes_csv() -> ResponseReturnValue:
    require_guardian(current_user)
    _, date_from, date_to = _period(utcnow().date())
    heat = trends.heat_map(current_user, date_from, date_to)
    return _csv(heat.csv(), f"ftsu-themes-{date_from}-to-{date_to}.csv")


@bp.route("/guardian/themes/chart")
def theme_chart() -> ResponseReturnValue:
    require_guardian(current_user)
    form = ThemeChartForm(request.args)
    all_themes = Theme.query.order_by(Theme.position, Theme.name).all()
    form.theme_id.choices = options([(None, "All themes")] + [(t.id, t.name) for t in all_themes])
    theme_id = form.theme_id.data if form.validate() else None
    chart = trends.theme_chart(current_user, theme_id, utcnow().date())
    return render_template(
        "guardian/theme_chart.html", form=form, chart=chart, title="Cases per month by theme"
    )


def _report_choices(today: date) -> list[tuple[str, str]]:
    quarters = _quarter_choices(today)
    year = Quarter.of(today).year
    years = [(str(y), report.period_of(str(y)).label) for y in (year, year - 1)]
    return [(q.key, q.label) for q in quarters] + years


@bp.route("/guardian/report")
def board_report() -> ResponseReturnValue:
    require_guardian(current_user)
    today = utcnow().date()
    form = ReportForm(request.args)
    form.period.choices = options(_report_choices(today))
    key = form.period.data or Quarter.of(today).previous().key
    form.period.data = key
    try:
        result = report.board_report(current_user, key, today)
    except ValidationFailed as problem:
        form.period.errors = [problem.message]
        key = Quarter.of(today).previous().key
        form.period.data = key
        result = report.board_report(current_user, key, today)
    learning_form = LearningForm(formdata=None, learning=result.learning)
    return render_template(
        "guardian/report.html",
        form=form,
        report=result,
        learning_form=learning_form,
        title="Freedom to Speak Up: report to the board",
    ), (400 if form.errors else 200)


@bp.route("/guardian/report/learning", methods=["POST"])
def save_learning() -> ResponseReturnValue:
    require_guardian(current_user)
    form = LearningForm()
    key = request.args.get("period", "")
    if form.validate_on_submit():
        try:
            report.save_learning(current_user, key, form.learning.data or "")
        except ValidationFailed as problem:
            flash(problem.message, "info")
        else:
            flash("Learning saved for the board report.", "success")
    else:
        flash("; ".join(form.learning.errors) or "The learning could not be saved.", "info")
    return redirect(url_for("guardian.board_report", period=key))


@bp.route("/guardian/emerging")
def emerging_themes() -> ResponseReturnValue:
    return _render_emerging(SuggestionForm(formdata=None))


def _render_emerging(form: SuggestionForm, status: int = 200) -> ResponseReturnValue:
    scopes = emerging.emerging_themes(current_user, utcnow().date())
    themes = Theme.query.filter_by(active=True).order_by(Theme.position, Theme.name).all()
    return render_template(
        "guardian/emerging.html",
        scopes=scopes,
        themes=themes,
        form=form,
        decisions=emerging.decisions(current_user),
        recent_days=emerging.RECENT_DAYS,
        title="Emerging themes",
    ), status


@bp.route("/guardian/emerging/decide", methods=["POST"])
def decide_suggestion() -> ResponseReturnValue:
    require_guardian(current_user)
    form = SuggestionForm()
    themes = Theme.query.order_by(Theme.position, Theme.name).all()
    form.theme_id.choices = options([(None, "Choose a theme")] + [(t.id, t.name) for t in themes])
    if form.validate_on_submit():
        try:
            if request.form.get("decision") == "dismiss":
                emerging.dismiss(current_user, form.scope.data, form.term.data)
                flash(f"'{form.term.data}' dismissed: it will not be suggested again.", "success")
            else:
                tagged = emerging.confirm(
                    current_user,
                    form.scope.data,
                    form.term.data,
                    form.theme_id.data,
                    form.new_theme.data or "",
                    utcnow().date(),
                )
                flash(f"'{form.term.data}' confirmed: {tagged} open cases tagged.", "success")
        except ValidationFailed as problem:
            show_service_error(form, problem)
            return _render_emerging(form, 400)
        return redirect(url_for("guardian.emerging_themes"))
    return _render_emerging(form, 400)


@bp.route("/guardian/inbox.csv")
def inbox_export() -> ResponseReturnValue:
    require_guardian(current_user)
    form = InboxFilterForm(request.args)
    form.theme_id.choices = options([(None, "Any")] + [(t.id, t.name) for t in Theme.query.all()])
    units = access.inbox_units(current_user)
    form.unit_id.choices = options([(None, "Any")] + [(u.id, u.name) for u in units])
    form.validate()

    filters = form.filters()
    return _csv(inbox_csv(current_user, filters), "ftsu-inbox.csv")


@bp.route("/submissions/<id:submission_id>/ftsu-answer", methods=["POST"])
def answer_question(submission_id: int) -> ResponseReturnValue:
    form = QuestionForm()
    back = url_for("submissions.detail", submission_id=submission_id) + "#ftsu-questions"
    if not form.validate_on_submit() and "csrf_token" in form.errors:
        flash("Your form has expired: answer again.", "info")
        return redirect(back)
    try:  # the service checks who may answer before it looks at the answer
        feedback.answer_as_submitter(
            current_user, submission_id, form.question.data or "", form.answer.data or ""
        )
    except ValidationFailed as problem:
        flash(problem.message, "info")
    else:
        flash("Thank you for answering.", "success")
    return redirect(back)
