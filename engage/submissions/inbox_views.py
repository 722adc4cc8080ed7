"""The handler's inbox: what needs action first, each group counted and a click away, the
other views beside them, and acknowledging several items at once with one message."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from engage.errors import ValidationFailed
from engage.forms import options, show_service_error
from engage.guardian.inbox import inbox_breakdown
from engage.pagination import page_number
from engage.reliability import once
from engage.submissions import access, queries, services, workflow
from engage.submissions.blueprint import bp
from engage.submissions.forms import BulkAcknowledgeForm, InboxFilterForm

# Up to this many units are listed as links to filter by in one click; beyond (a guardian sees
# every unit) the Unit select below does it.
UNIT_LINKS_MAX = 12
# Query string keys that place a page in a list: a link to another view starts on its page 1.
PAGING = ("page", "after", "before")


def _state() -> dict[str, Any]:
    """The inbox's query string without its paging, for links that change one thing."""
    return {key: value for key, value in request.args.items() if key not in PAGING and value}


def inbox_url(**changes: Any) -> str:
    state = _state()
    state.update(changes)
    return url_for("submissions.inbox", **{k: v for k, v in state.items() if v})


def _inbox_page(bulk_form: BulkAcknowledgeForm | None = None, status: int = 200) -> Any:
    counts_form = InboxFilterForm(request.args)
    counts_form.theme_id.choices = options(
        [(None, "Any theme")] + [(t.id, t.name) for t in services.themes(True)]
    )
    units = access.inbox_units(current_user)
    counts_form.unit_id.choices = options([(None, "Any unit")] + [(u.id, u.name) for u in units])
    counts_form.validate()  # a filter with a problem is shown with its message and left out
    filters = counts_form.filters()
    counts = queries.action_counts(current_user, filters.unit_id)
    result = queries.inbox(current_user, filters, page_number())
    page = render_template(
        "submissions/inbox.html",
        form=counts_form,
        result=result,
        counts=counts,
        view=filters.status or "action",
        unit_id=filters.unit_id,
        unit_links=units if 1 < len(units) <= UNIT_LINKS_MAX else [],
        inbox_url=inbox_url,
        acknowledge_url=url_for("submissions.acknowledge", **_state()),
        to_answer=queries.unanswered_among([s.id for s in result.items]),
        bulk_form=bulk_form or BulkAcknowledgeForm(formdata=None),
        breakdown=inbox_breakdown(current_user, filters),
        title="Inbox",
    )
    return page, status


@bp.route("/inbox")
def inbox() -> ResponseReturnValue:
    return _inbox_page()  # type: ignore[no-any-return]


@bp.route("/inbox/acknowledge", methods=["POST"])
def acknowledge() -> ResponseReturnValue:
    """The ticked rows, from the view in the query string, which the answer goes back to."""
    form = BulkAcknowledgeForm()
    back = inbox_url()
    if form.validate_on_submit():
        try:
            once.claim(back)
            done = workflow.acknowledge_many(current_user, form.submission_id.data, form.body.data)
        except ValidationFailed as problem:
            show_service_error(form, problem)
        else:
            count = len(done.acknowledged)
            flash(
                f"{count} {'item' if count == 1 else 'items'} acknowledged. Each person who "
                "raised one has been sent your message.",
                "success",
            )
            if done.already:
                references = ", ".join(s.reference for s in done.already)
                flash(f"Already acknowledged, so left as they were: {references}.", "info")
            return redirect(once.settle(back))
    return _inbox_page(form, 400)  # type: ignore[no-any-return]
