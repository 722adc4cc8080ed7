"""Following up an anonymous submission: no sign-in, just the follow-up code and passphrase.

The unlocked case is remembered in the session for a short time only, with a token that the
submission also holds (its digest): "Finish" clears it there, so the session ends at once,
even for a copy of the cookie, because these pages are often used on shared ward computers.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue

from engage.errors import ValidationFailed
from engage.forms import show_service_error
from engage.reliability import once
from engage.submissions import anonymous, services
from engage.submissions.blueprint import anonymous_bp
from engage.submissions.forms import CheckForm, MessageForm
from engage.submissions.models import Submission
from engage.throttle import client_key

SESSION_KEY = "anonymous_case"


def _now() -> float:
    return datetime.now(UTC).timestamp()


def _stored() -> tuple[int, str] | None:
    stored = session.get(SESSION_KEY)
    if not isinstance(stored, dict) or stored.get("until", 0) < _now():
        session.pop(SESSION_KEY, None)
        return None
    return int(stored["id"]), str(stored.get("token", ""))


def _unlocked_case() -> Submission | None:
    stored = _stored()
    return anonymous.case_for_session(*stored) if stored else None


@anonymous_bp.route("", methods=["GET", "POST"])
def check() -> ResponseReturnValue:
    form = CheckForm()
    if form.validate_on_submit():
        try:
            case, token = anonymous.open_case(
                form.reference.data, form.passphrase.data, client_key(request.remote_addr)
            )
        except anonymous.AccessRefused as refused:
            form.form_errors.append(refused.message)
        else:
            minutes = current_app.config["ANONYMOUS_SESSION_MINUTES"]
            session[SESSION_KEY] = {"id": case.id, "token": token, "until": _now() + minutes * 60}
            return redirect(url_for("anonymous.case"))
    return render_template(
        "submissions/check.html", form=form, title="Check an anonymous idea or concern"
    )


@anonymous_bp.route("/case")
def case() -> ResponseReturnValue:
    return _show_case(MessageForm(formdata=None))


def _show_case(form: MessageForm, status: int = 200) -> ResponseReturnValue:
    submission = _unlocked_case()
    if submission is None:
        flash("Enter your follow-up code and passphrase to see your idea or concern.", "info")
        return redirect(url_for("anonymous.check"))
    conversation = services.conversation(submission)
    return (
        render_template(
            "submissions/anonymous_case.html",
            s=submission,
            history=services.history(submission),
            conversation=conversation,
            form=form,
            title=submission.title,
        ),
        status,
    )


@anonymous_bp.route("/case/messages", methods=["POST"])
def reply() -> ResponseReturnValue:
    form = MessageForm()
    submission = _unlocked_case()
    if submission is None:
        return redirect(url_for("anonymous.check"))
    if form.validate_on_submit():
        back = url_for("anonymous.case") + "#conversation"
        try:
            once.claim(back)
            anonymous.anonymous_reply(submission, form.body.data)
        except ValidationFailed as problem:
            show_service_error(form, problem)
        else:
            flash("Your message has been sent.", "success")
            return redirect(once.settle(back))
    return _show_case(form, 400)


@anonymous_bp.route("/finish", methods=["POST"])
def finish() -> ResponseReturnValue:
    stored = _stored()
    if stored:
        anonymous.end_session(*stored)
    session.pop(SESSION_KEY, None)
    flash("Done. Nothing about your visit has been kept on this computer.", "success")
    return redirect(url_for("anonymous.check"))


@anonymous_bp.route("/case/answer", methods=["POST"])
def answer_question() -> ResponseReturnValue:
    """The Freedom to Speak Up guardian's closing questions, answered anonymously."""
    from engage.guardian.feedback import answer_anonymously
    from engage.guardian.forms import QuestionForm

    submission = _unlocked_case()
    if submission is None:
        return redirect(url_for("anonymous.check"))
    form = QuestionForm()
    if not form.validate_on_submit():
        flash("Choose an answer.", "info")
        return redirect(url_for("anonymous.case") + "#ftsu-questions")
    try:
        answer_anonymously(submission, form.question.data, form.answer.data)
    except ValidationFailed as problem:
        flash(problem.message, "info")
    else:
        flash("Thank you for answering.", "success")
    return redirect(url_for("anonymous.case") + "#ftsu-questions")
