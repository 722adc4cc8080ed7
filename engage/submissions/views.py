"""The front door, the submission page and what can be done on it."""

from __future__ import annotations

from collections.abc import Callable

from flask import (
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm

from engage import throttle
from engage.errors import ValidationFailed
from engage.forms import options, show_service_error
from engage.reliability import once
from engage.submissions import duplicates, pages, queries, services, social, workflow
from engage.submissions.blueprint import bp
from engage.submissions.forms import (
    MODE_HINTS,
    CommentForm,
    MergeForm,
    MergeSearchForm,
    MessageForm,
    ReasonForm,
    SimilarIdeasForm,
    StatusForm,
    SubmissionForm,
    SupportForm,
)
from engage.submissions.models import Kind, SpeakUpMode, Status, Submission

SIGNED_OUT_LIMITS = "SIGNED_OUT_SUBMISSION_LIMITS"


def _front_door_form() -> SubmissionForm:
    form = SubmissionForm()
    form.unit_id.choices = options(
        [(None, "Select a unit")] + [(u.id, u.name) for u in services.units()]
    )
    form.theme_id.choices = options(
        [(None, "Select a theme")] + [(t.id, t.name) for t in services.themes()]
    )
    if not current_user.is_authenticated:
        form.mode.choices = options([("anonymous", "Anonymously")])
        if request.method == "GET":
            form.mode.data = "anonymous"
    if request.method == "GET":
        form.unit_id.data = _unit_asked_for(form) or (
            current_user.unit_id if current_user.is_authenticated else None
        )
        form.kind.data = (
            request.args.get("kind") if request.args.get("kind") in {"idea", "concern"} else None
        )
    return form


def _unit_asked_for(form: SubmissionForm) -> int | None:
    """The unit a poster's QR code names (/speak-up?unit=12), if it is one of the choices."""
    unit_id = request.args.get("unit", type=int)
    known = {choice.value for choice in form.unit_id.choices or []}
    return unit_id if unit_id in known else None


def _details(form: SubmissionForm) -> services.NewSubmission:
    return services.NewSubmission(
        kind=Kind(form.kind.data),
        title=form.title.data,
        description=form.description.data,
        unit_id=form.unit_id.data,
        theme_id=form.theme_id.data,
        patient_safety=form.patient_safety.data == "yes",
        mode=SpeakUpMode(form.mode.data),
        to_guardian=bool(form.to_guardian.data),
        passphrase=form.passphrase.data or None,
    )


@bp.route("/speak-up", methods=["GET", "POST"])
def front_door() -> ResponseReturnValue:
    form = _front_door_form()
    signed_in = current_user.is_authenticated
    similar = None
    client = None if signed_in else throttle.client_key(request.remote_addr)
    if (
        client
        and request.method == "POST"
        and not throttle.within(SIGNED_OUT_LIMITS, "front-door", client)
    ):
        minutes = throttle.retry_minutes(SIGNED_OUT_LIMITS, "front-door", client)
        abort(
            429,
            "Too many anonymous ideas and concerns have been sent from this connection. "
            f"Try again in {minutes} minutes, or sign in.",
        )
    if signed_in and request.method == "POST" and form.check_similar.data:
        # The no-JavaScript way to see similar ideas: nothing is saved, everything is kept.
        similar = queries.similar_ideas(
            current_user, f"{form.title.data or ''} {form.description.data or ''}"
        )
    elif form.validate_on_submit():
        try:
            # A repeat of an anonymous send has nowhere to go back to: its code is shown once.
            once.claim("" if form.mode.data == "anonymous" else url_for("submissions.mine"))
            # Anonymous items are made without the account (see services.submit).
            receipt = services.submit(current_user if signed_in else None, _details(form))
        except services.AlreadySent as sent:
            flash(
                f"You sent exactly this earlier today, so nothing new was sent: it is "
                f"{sent.reference}.",
                "info",
            )
            return redirect(url_for("submissions.detail", submission_id=sent.submission_id))
        except ValidationFailed as problem:
            show_service_error(form, problem)
        else:
            if client:
                throttle.count(SIGNED_OUT_LIMITS, "front-door", client)
            if receipt.anonymous:
                _leave_session_as_it_was()
                # Shown once, straight from this response: the code is never put in a URL,
                # a cookie or a log.
                return render_template(
                    "submissions/anonymous_receipt.html",
                    receipt=receipt,
                    title="Your follow-up code",
                )
            flash(_thanks(receipt), "success")
            return redirect(
                once.settle(url_for("submissions.detail", submission_id=receipt.submission_id))
            )
    return render_template(
        "submissions/front_door.html",
        form=form,
        similar=similar,
        mode_hints=MODE_HINTS,
        signed_in=signed_in,
        title="Share an idea or raise a concern",
    )


def _leave_session_as_it_was() -> None:
    """A signed-in person who sends something anonymously leaves no mark of it in their
    session: its last-seen time stays that of their previous page (engage.accounts.views)."""
    previous = g.get("last_seen_before")
    if previous is not None and "last_seen" in session:
        session["last_seen"] = previous


def _thanks(receipt: services.Receipt) -> str:
    who = (
        "the Freedom to Speak Up guardian"
        if receipt.queue.value == "guardian"
        else "the unit's leaders"
    )
    return (
        f"Thank you for speaking up. Your reference is {receipt.reference}. It has gone to {who}, "
        f"who should acknowledge it within {services.acknowledge_days()} working days. "
        "You can follow it and reply on this page."
    )


@bp.route("/speak-up/similar", methods=["POST"])
def similar_ideas() -> ResponseReturnValue:
    """The fragment the front door's script asks for while an idea is typed. A POST, so that
    the draft never sits in a URL (and so in a proxy's log)."""
    form = SimilarIdeasForm()
    words = form.q.data if form.validate_on_submit() else ""
    ideas = queries.similar_ideas(current_user, words or "")
    return render_template("submissions/_similar.html", similar=ideas)


@bp.route("/submissions/<id:submission_id>")
def detail(submission_id: int) -> ResponseReturnValue:
    page = pages.submission_page(current_user, submission_id)
    return _render_detail(page, merge_search=MergeSearchForm(request.args))


def _render_detail(page: pages.SubmissionPage, **forms: object) -> ResponseReturnValue:
    status_form = forms.get("status_form") or StatusForm(formdata=None)
    status_form.set_choices(page.next_statuses)  # type: ignore[attr-defined]
    merge_form = forms.get("merge_form") or MergeForm(formdata=None)
    # A merge sent from a list of matches that failed lists the same matches again.
    merge_search = forms.get("merge_search") or MergeSearchForm(
        formdata=None,
        find=merge_form.find.data,  # type: ignore[attr-defined]
    )
    return render_template(
        "submissions/detail.html",
        page=page,
        s=page.submission,
        message_form=forms.get("message_form") or MessageForm(formdata=None),
        status_form=status_form,
        merge_form=merge_form,
        merge_search=merge_search,
        merge_candidates=_merge_candidates(page, merge_search),  # type: ignore[arg-type]
        comment_form=forms.get("comment_form") or CommentForm(formdata=None),
        reason_form=forms.get("reason_form") or ReasonForm(formdata=None),
        title=page.submission.title,
    )


def _merge_candidates(
    page: pages.SubmissionPage, search: MergeSearchForm
) -> list[Submission] | None:
    """The ideas matching the merge search, or None when no search was made (or the page
    offers no merging, so the words are ignored rather than refused)."""
    s = page.submission
    if not (search.find.data and page.is_handler and s.kind_enum is Kind.IDEA):
        return None
    if s.status_enum.is_ending or not search.validate():
        return None
    return duplicates.merge_candidates(current_user, s.id, search.find.data)


def _redisplay(submission_id: int, **forms: object) -> ResponseReturnValue:
    page = pages.submission_page(current_user, submission_id)
    return _render_detail(page, **forms), 400  # type: ignore[return-value]


def _act_on_page(
    submission_id: int,
    form: FlaskForm,
    form_name: str,
    act: Callable[[], object],
    said: Callable[[], str],
    anchor: str = "",
) -> ResponseReturnValue:
    """What every form on a submission's page does: validate, call the service, say what
    happened and go back to the page (or to the submission `act` returns, as merging does);
    or show the page again with the problem beside the field and what was typed kept.
    A form with a one-time token (`once`) creates nothing twice."""
    if form.validate_on_submit():
        back = url_for("submissions.detail", submission_id=submission_id) + anchor
        try:
            once.claim(back)
            result = act()
        except ValidationFailed as problem:
            show_service_error(form, problem)
        else:
            flash(said(), "success")
            target = result.id if isinstance(result, Submission) else submission_id
            return redirect(
                once.settle(url_for("submissions.detail", submission_id=target) + anchor)
            )
    return _redisplay(submission_id, **{form_name: form})


@bp.route("/submissions/<id:submission_id>/messages", methods=["POST"])
def reply(submission_id: int) -> ResponseReturnValue:
    form = MessageForm()
    return _act_on_page(
        submission_id,
        form,
        "message_form",
        lambda: services.reply(current_user, submission_id, form.body.data),
        lambda: "Your message has been sent.",
        "#conversation",
    )


@bp.route("/submissions/<id:submission_id>/status", methods=["POST"])
def change_status(submission_id: int) -> ResponseReturnValue:
    form = StatusForm()
    form.set_choices(tuple(Status))
    return _act_on_page(
        submission_id,
        form,
        "status_form",
        lambda: workflow.change_status(
            current_user, submission_id, Status(form.status.data), form.note.data or ""
        ),
        lambda: f"Status changed to {Status(form.status.data).label.lower()}.",
    )


@bp.route("/submissions/<id:submission_id>/merge", methods=["POST"])
def merge(submission_id: int) -> ResponseReturnValue:
    form = MergeForm()
    return _act_on_page(
        submission_id,
        form,
        "merge_form",
        lambda: workflow.merge_idea(current_user, submission_id, form.original.data),
        lambda: "Merged: its supporters now count on this idea.",
    )


@bp.route("/submissions/<id:submission_id>/support", methods=["POST"])
def support(submission_id: int) -> ResponseReturnValue:
    form = SupportForm()
    back = url_for("submissions.detail", submission_id=submission_id)
    if form.validate_on_submit():
        try:
            once.claim(back)
            if form.withdraw.data:
                social.withdraw_support(current_user, submission_id)
                flash("You no longer support this idea.", "success")
            else:
                social.support(current_user, submission_id)
                flash("Thank you: your support has been added.", "success")
        except ValidationFailed as problem:
            flash(problem.message, "info")
    return redirect(once.settle(back))


@bp.route("/submissions/<id:submission_id>/comments", methods=["POST"])
def comment(submission_id: int) -> ResponseReturnValue:
    form = CommentForm()
    return _act_on_page(
        submission_id,
        form,
        "comment_form",
        lambda: social.add_comment(current_user, submission_id, form.body.data),
        lambda: "Your comment has been added.",
        "#comments",
    )


@bp.route("/submissions/<id:submission_id>/report", methods=["POST"])
@bp.route("/comments/<id:comment_id>/report", methods=["POST"])
def report(submission_id: int | None = None, comment_id: int | None = None) -> ResponseReturnValue:
    form = ReasonForm()
    back = _back_to(submission_id, comment_id)
    if form.validate_on_submit():
        try:
            social.report(
                current_user, form.reason.data, submission_id=submission_id, comment_id=comment_id
            )
        except ValidationFailed as problem:
            flash(problem.message, "info")
        else:
            flash("Thank you. A leader will look at your report.", "success")
    else:
        flash("Say why you are reporting it.", "info")
    return redirect(back)


@bp.route("/submissions/<id:submission_id>/hide", methods=["POST"])
@bp.route("/comments/<id:comment_id>/hide", methods=["POST"])
def hide(submission_id: int | None = None, comment_id: int | None = None) -> ResponseReturnValue:
    form = ReasonForm()
    back = _back_to(submission_id, comment_id)
    if not form.validate_on_submit():
        flash("Give a reason for hiding it.", "info")
        return redirect(back)
    if comment_id is not None:
        social.hide_comment(current_user, comment_id, form.reason.data)
        flash("The comment is hidden.", "success")
    elif submission_id is not None:
        social.hide_submission(current_user, submission_id, form.reason.data)
        flash("The idea is hidden from colleagues.", "success")
    return redirect(back)


@bp.route("/submissions/<id:submission_id>/unhide", methods=["POST"])
@bp.route("/comments/<id:comment_id>/unhide", methods=["POST"])
def unhide(submission_id: int | None = None, comment_id: int | None = None) -> ResponseReturnValue:
    back = _back_to(submission_id, comment_id)
    if comment_id is not None:
        social.unhide_comment(current_user, comment_id)
    elif submission_id is not None:
        social.unhide_submission(current_user, submission_id)
    flash("It is shown to colleagues again.", "success")
    return redirect(back)


@bp.route("/moderation/reports/<id:report_id>/dismiss", methods=["POST"])
def dismiss_report(report_id: int) -> ResponseReturnValue:
    social.dismiss_report(current_user, report_id)
    flash("Report dismissed: nothing was hidden.", "success")
    return redirect(url_for("submissions.moderation"))


def _back_to(submission_id: int | None, comment_id: int | None) -> str:
    if submission_id is None and comment_id is not None:
        submission_id = social.submission_id_of_comment(comment_id)
    return url_for("submissions.detail", submission_id=submission_id)
