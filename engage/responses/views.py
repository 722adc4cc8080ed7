"""Recording decisions and actions, and publishing the outcome."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from engage.errors import ValidationFailed
from engage.forms import int_or_none, options, show_service_error
from engage.reliability import once
from engage.responses import actions, escalation, pages, services
from engage.responses.blueprint import bp
from engage.responses.clocks import Clock
from engage.responses.forms import OUTCOME_HINTS, ActionForm, DecisionForm, PublicationForm
from engage.responses.models import ActionStatus, Outcome
from engage.submissions.models import Submission
from engage.timeutil import utcnow


# What the submissions package's pages show of the response, given to its templates so that
# submissions, the lower package, never imports responses.
@bp.app_template_global()
def response_panel(submission: Submission) -> pages.ResponsePanel:
    """The "you said, we did" part of a submission's page (responses/_panel.html)."""
    return pages.response_panel(current_user, submission, utcnow().date())


@bp.app_template_global()
def response_escalations(submissions: list[Submission]) -> object:
    """Who each listed item was escalated to, and when, for the inbox."""
    return escalation.escalations_for([submission.id for submission in submissions])


@bp.app_template_global()
def response_clock(submission: Submission) -> Clock | None:
    """The response clock running now, for the inbox."""
    return escalation.running_clock(submission, utcnow().date())


def _back(submission_id: int) -> ResponseReturnValue:
    return redirect(once.settle(url_for("submissions.detail", submission_id=submission_id)))


@bp.route("/submissions/<id:submission_id>/decision", methods=["GET", "POST"])
def decide(submission_id: int) -> ResponseReturnValue:
    submission = services.handled_submission(current_user, submission_id)
    form = DecisionForm()
    in_hand = actions.in_hand_choices(current_user)
    form.existing_action_id.choices = options(
        [(None, "Choose an action")]
        + [(a.id, f"{a.submission.reference}: {a.description[:80]}") for a in in_hand]
    )
    if form.validate_on_submit():
        details = services.DecisionDetails(
            outcome=Outcome(form.outcome.data),
            response=form.response.data,
            reason=form.reason.data or "",
            existing_action_id=form.existing_action_id.data,
        )
        try:
            once.claim(url_for("submissions.detail", submission_id=submission_id))
            services.decide(current_user, submission_id, details)
        except ValidationFailed as problem:
            show_service_error(form, problem)
        else:
            flash("Decision recorded. The person who raised it has been told.", "success")
            return _back(submission_id)
    return render_template(
        "responses/decision.html",
        form=form,
        s=submission,
        hints=OUTCOME_HINTS,
        title="Record a decision",
    )


def _action_form(submission_id: int, action_id: int | None = None) -> ActionForm:
    submission = (
        services.handled_submission(current_user, submission_id) if action_id is None else None
    )
    action = actions.get_action(current_user, action_id) if action_id else None
    target = submission or action.submission  # type: ignore[union-attr]
    form = ActionForm(obj=action)
    owners = actions.owner_choices(current_user, target)
    form.owner_id.choices = options([(None, "Choose an owner"), *actions.owner_labels(owners)])
    if action is not None:
        del form.parent_id  # an action's place in the tree is set when it is made
        if any(child.status_enum is not ActionStatus.DROPPED for child in action.children):
            form.status.description = "It follows its parts (all done: done), unless dropped."
            form.progress.description = "The average of its parts' progress."
        return form
    parents = actions.actions_for(target)
    form.parent_id.choices = options(
        [(None, "Nothing: a main action")] + [(a.id, a.description[:80]) for a in parents]
    )
    return form


def _details(form: ActionForm) -> actions.ActionDetails:
    return actions.ActionDetails(
        description=form.description.data,
        owner_id=form.owner_id.data,
        due_on=form.due_on.data,
        status=ActionStatus(form.status.data),
        progress=form.progress.data,
        dropped_reason=form.dropped_reason.data or "",
        parent_id=form.parent_id.data if "parent_id" in form else None,
    )


def _action_page(
    form: ActionForm, save: Callable[[], str], back_url: str, title: str
) -> ResponseReturnValue:
    """The action form; `save` saves it and says what was done."""
    if form.validate_on_submit():
        try:
            once.claim(back_url)  # a token only on the form that adds an action
            done = save()
        except ValidationFailed as problem:
            show_service_error(form, problem)
        else:
            flash(done, "success")
            return redirect(once.settle(back_url))
    return render_template("responses/action_form.html", form=form, back_url=back_url, title=title)


@bp.route("/submissions/<id:submission_id>/actions/new", methods=["GET", "POST"])
def add_action(submission_id: int) -> ResponseReturnValue:
    form = _action_form(submission_id)
    if request.method == "GET":
        # Only preselects an option; an unknown number simply selects nothing.
        form.parent_id.data = int_or_none(request.args.get("parent"))

    def save() -> str:
        actions.add_action(current_user, submission_id, _details(form))
        return "Action added."

    return _action_page(
        form,
        save,
        url_for("submissions.detail", submission_id=submission_id) + "#actions",
        "Add an action",
    )


@bp.route("/actions/<id:action_id>", methods=["GET", "POST"])
def edit_action(action_id: int) -> ResponseReturnValue:
    action = actions.get_action(current_user, action_id)
    # An owner who does not handle the submission usually cannot open its page: their way
    # back is their own list of actions.
    if actions.handles(current_user, action):
        back_url = url_for("submissions.detail", submission_id=action.submission_id) + "#actions"
    else:
        back_url = url_for("responses.my_actions")
    form = _action_form(action.submission_id, action_id)

    def save() -> str:
        details = _details(form)
        saved = actions.update_action(current_user, action_id, details)
        if actions.followed_its_parts(saved, details):
            return (
                "Action saved. A main action follows its parts, so it is "
                f"{saved.status_enum.label.lower()} at {saved.progress}%: "
                "update its parts, or drop it."
            )
        return "Action saved."

    return _action_page(form, save, back_url, "Update an action")


@bp.route("/actions/mine")
def my_actions() -> ResponseReturnValue:
    return render_template(
        "responses/my_actions.html",
        actions=actions.my_actions(current_user),
        today=utcnow().date(),
        title="My actions",
    )


@bp.route("/submissions/<id:submission_id>/publish", methods=["GET", "POST"])
def publish(submission_id: int) -> ResponseReturnValue:
    submission = services.publishable_submission(current_user, submission_id)
    refusal = services.publish_refusal(submission_id) if request.method == "GET" else None
    if refusal:  # no form that could not be sent
        flash(f"{refusal}.", "info")
        return _back(submission_id)
    form = PublicationForm()
    protected = submission.hides_submitter
    if request.method == "GET" and not protected:
        form.you_said.data = submission.title
    if form.validate_on_submit():
        details = services.PublicationDetails(
            you_said=form.you_said.data,
            we_did=form.we_did.data,
            submitter_agreed=bool(form.submitter_agreed.data),
        )
        try:
            once.claim(url_for("submissions.detail", submission_id=submission_id))
            services.publish(current_user, submission_id, details)
        except ValidationFailed as problem:
            show_service_error(form, problem)
        else:
            flash(
                "Published on the unit's and directorate's \"You said, we did\" boards.", "success"
            )
            return _back(submission_id)
    return render_template(
        "responses/publish.html",
        form=form,
        s=submission,
        protected=protected,
        title="Publish the outcome",
    )


@bp.route("/admin/escalations")
def unrouted_escalations() -> ResponseReturnValue:
    rows = escalation.unrouted_escalations(current_user)
    return render_template(
        "responses/unrouted_escalations.html", rows=rows, title="Escalations that reached no one"
    )
