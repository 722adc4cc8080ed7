"""The guardian's workspace: case records."""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from engage.errors import ValidationFailed
from engage.forms import options, show_service_error
from engage.guardian import identity, services
from engage.guardian.access import get_case, require_guardian
from engage.guardian.blueprint import bp
from engage.guardian.feedback import QUESTIONS
from engage.guardian.forms import (
    AnswersForm,
    CaseForm,
    CaseListForm,
    CloseForm,
    EntryForm,
    OutsideCaseForm,
    RevealForm,
)
from engage.guardian.models import Channel, DetrimentAnswer, EntryKind, ReferralTo, SpeakUpAgain
from engage.pagination import page_number
from engage.reliability import once
from engage.submissions.models import SpeakUpMode
from engage.timeutil import utcnow


@bp.route("/guardian")
def home() -> ResponseReturnValue:
    require_guardian(current_user)
    waiting = services.concerns_without_case(current_user, limit=5)
    recent = services.cases_page(current_user, services.CaseFilter(state="open"), 1).items[:5]
    return render_template(
        "guardian/home.html", waiting=waiting, recent=recent, title="Freedom to Speak Up"
    )


@bp.route("/guardian/cases")
def cases() -> ResponseReturnValue:
    form = CaseListForm(request.args)
    state = form.state.data if form.validate() else "open"
    result = services.cases_page(current_user, services.CaseFilter(state=state), page_number())
    waiting = services.concerns_without_case(current_user)
    return render_template(
        "guardian/cases.html", form=form, result=result, waiting=waiting, title="Case records"
    )


def _set_choices(form: CaseForm) -> None:
    themes, units, groups = services.choices(current_user)
    form.theme_ids.choices = options([(t.id, t.name) for t in themes])
    form.unit_id.choices = options([(None, "Not recorded")] + [(u.id, u.name) for u in units])
    form.staff_group_id.choices = options(
        [(None, "Not recorded")] + [(g.id, g.name) for g in groups]
    )


def _details(form: CaseForm) -> services.CaseDetails:
    outside = isinstance(form, OutsideCaseForm)
    return services.CaseDetails(
        theme_ids=list(form.theme_ids.data or []),
        unit_id=form.unit_id.data,
        staff_group_id=form.staff_group_id.data,
        detriment_indicated=bool(form.detriment_indicated.data),
        summary=form.summary.data or "",
        channel=Channel(form.channel.data) if outside else None,
        mode=SpeakUpMode(form.mode.data) if outside else None,
        raised_on=form.raised_on.data if outside else None,
        person=(form.person.data or "") if outside else "",
    )


@bp.route("/guardian/cases/new", methods=["GET", "POST"])
def new_case() -> ResponseReturnValue:
    require_guardian(current_user)
    form = OutsideCaseForm()
    _set_choices(form)
    if form.validate_on_submit():
        try:
            case = services.create_case(current_user, _details(form))
        except ValidationFailed as problem:
            show_service_error(form, problem)
        else:
            flash(f"Case {case.reference} recorded.", "success")
            return redirect(url_for("guardian.case", case_id=case.id))
    status = 400 if form.errors or form.form_errors else 200
    return render_template(
        "guardian/case_form.html", form=form, case=None, title="Record a case raised outside engage"
    ), status


@bp.route("/guardian/cases/start/<id:submission_id>", methods=["POST"])
def start_case(submission_id: int) -> ResponseReturnValue:
    try:
        case = services.start_case_for(current_user, submission_id)
    except ValidationFailed as problem:
        flash(problem.message, "info")
        return redirect(url_for("guardian.cases"))
    return redirect(url_for("guardian.case", case_id=case.id))


def _render_case(case_id: int, status: int = 200, **forms: object) -> ResponseReturnValue:
    case = get_case(current_user, case_id)
    return render_template(
        "guardian/case.html",
        case=case,
        person=identity.person_on_case(current_user, case),
        hidden_identity=identity.has_hidden_identity(case),
        reveals=identity.reveals(case),
        entries=services.entries(case),
        questions=QUESTIONS,
        reveal_form=forms.get("reveal_form") or RevealForm(formdata=None),
        entry_form=forms.get("entry_form") or EntryForm(formdata=None, happened_on=utcnow().date()),
        close_form=forms.get("close_form") or CloseForm(formdata=None),
        answers_form=forms.get("answers_form") or AnswersForm(formdata=None),
        problem=forms.get("problem"),
        title=f"Case {case.reference}",
    ), status


@bp.route("/guardian/cases/<id:case_id>")
def case(case_id: int) -> ResponseReturnValue:
    return _render_case(case_id)


@bp.route("/guardian/cases/<id:case_id>/edit", methods=["GET", "POST"])
def edit_case(case_id: int) -> ResponseReturnValue:
    case = get_case(current_user, case_id)
    if case.is_closed and request.method == "GET":  # a form that could not be saved helps no one
        flash(f"Case {case.reference} is closed, so it can no longer be changed.", "info")
        return redirect(url_for("guardian.case", case_id=case_id))
    outside = case.submission_id is None
    if request.method == "GET":
        form: CaseForm = (OutsideCaseForm if outside else CaseForm)(obj=case)
        form.theme_ids.data = [t.id for t in case.themes]
    else:
        form = OutsideCaseForm() if outside else CaseForm()
    _set_choices(form)
    if form.validate_on_submit():
        try:
            services.update_case(current_user, case_id, _details(form))
        except ValidationFailed as problem:
            show_service_error(form, problem)
        else:
            flash("Case record saved.", "success")
            return redirect(url_for("guardian.case", case_id=case_id))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "guardian/case_form.html", form=form, case=case, title=f"Edit case {case.reference}"
    ), status


@bp.route("/guardian/cases/<id:case_id>/entries", methods=["POST"])
def add_entry(case_id: int) -> ResponseReturnValue:
    get_case(current_user, case_id)
    form = EntryForm()
    if form.validate_on_submit():
        referred = form.referred_to.data or None
        back = url_for("guardian.case", case_id=case_id) + "#entries"
        try:
            once.claim(back)
            entry = services.add_entry(
                current_user,
                case_id,
                EntryKind(form.kind.data),
                form.body.data,
                form.happened_on.data,
                ReferralTo(referred) if referred else None,
            )
        except ValidationFailed as problem:
            show_service_error(form, problem)
        else:
            flash(f"{entry.kind_enum.label} added.", "success")
            return redirect(once.settle(back))
    return _render_case(case_id, 400, entry_form=form)


@bp.route("/guardian/cases/<id:case_id>/reveal", methods=["POST"])
def reveal(case_id: int) -> ResponseReturnValue:
    """The identity is shown in this response only, never kept in the session."""
    get_case(current_user, case_id)
    form = RevealForm()
    if form.validate_on_submit():
        try:
            identity.reveal_identity(current_user, case_id, form.reason.data)
        except ValidationFailed as problem:
            show_service_error(form, problem)
        else:
            return _render_case(case_id)
    return _render_case(case_id, 400, reveal_form=form)


@bp.route("/guardian/cases/<id:case_id>/close", methods=["POST"])
def close(case_id: int) -> ResponseReturnValue:
    get_case(current_user, case_id)
    form = CloseForm()
    if form.validate_on_submit():
        try:
            case = services.close_case(current_user, case_id, form.outcome.data)
        except ValidationFailed as problem:
            show_service_error(form, problem)
        else:
            asked = (
                " They have been asked whether they would speak up again."
                if case.submission_id
                else ""
            )
            flash(f"Case {case.reference} closed.{asked}", "success")
            if case.submission is not None and case.concern_awaits_decision:
                flash(
                    f"Its concern {case.submission.reference} still waits for a decision: "
                    "record it there, so that the person who raised it hears the outcome.",
                    "info",
                )
            return redirect(url_for("guardian.case", case_id=case_id))
    return _render_case(case_id, 400, close_form=form)


@bp.route("/guardian/cases/<id:case_id>/answers", methods=["POST"])
def record_answers(case_id: int) -> ResponseReturnValue:
    get_case(current_user, case_id)
    form = AnswersForm()
    if form.validate_on_submit():
        again = form.speak_up_again.data or None
        detriment = form.detriment.data or None
        try:
            services.record_answers(
                current_user,
                case_id,
                SpeakUpAgain(again) if again else None,
                DetrimentAnswer(detriment) if detriment else None,
            )
        except ValidationFailed as problem:
            show_service_error(form, problem)
        else:
            flash("Answers recorded.", "success")
            return redirect(url_for("guardian.case", case_id=case_id))
    return _render_case(case_id, 400, answers_form=form)


def today() -> date:
    return utcnow().date()
