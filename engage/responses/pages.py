"""The "you said, we did" part of a submission's page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from engage.accounts.models import User
from engage.responses import actions, escalation, services
from engage.responses.clocks import Clock
from engage.responses.models import Action, Decision, Escalation, Publication
from engage.responses.progress import Progress
from engage.submissions import access
from engage.submissions.models import Status, Submission


@dataclass(frozen=True)
class ActionRow:
    action: Action
    depth: int
    progress: int
    overdue: bool
    can_edit: bool


@dataclass(frozen=True)
class ResponsePanel:
    decision: Decision | None
    actions: list[ActionRow]
    progress: Progress | None  # over all the actions: "Completed" once each is done
    publication: Publication | None
    clocks: list[Clock]
    escalations: list[Escalation]
    escalations_waiting: set[int]  # the ids of those the job would still send
    is_handler: bool
    can_decide: bool
    can_add_action: bool
    can_publish: bool
    decided_by: str = ""  # the decision is signed as a reply is


def _rows(
    actor: User, submission: Submission, every: list[Action], today: date, is_handler: bool
) -> list[ActionRow]:
    rows: list[ActionRow] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for action in every:
            if action.parent_id == parent_id:
                rows.append(
                    ActionRow(
                        action=action,
                        depth=depth,
                        progress=actions.rolled_up_progress(action, every),
                        overdue=actions.is_overdue(action, today),
                        can_edit=is_handler or action.owner_id == actor.id,
                    )
                )
                walk(action.id, depth + 1)

    walk(None, 0)
    return rows


def response_panel(actor: User, submission: Submission, today: date) -> ResponsePanel:
    is_handler = access.can_handle(actor, submission)
    decision = services.decision_for(submission.id)
    every = actions.actions_for(submission)
    publication = services.publication_for(submission.id)
    still_open = submission.status_enum not in (
        Status.CLOSED,
        Status.MERGED,
        Status.NOT_TAKEN_FORWARD,
    )
    escalations = escalation.escalations_for([submission.id])[submission.id]
    return ResponsePanel(
        decision=decision,
        actions=_rows(actor, submission, every, today, is_handler),
        progress=actions.response_progress(every),
        publication=publication,
        clocks=escalation.submission_clocks(
            submission, decision.decided_on if decision else None, today
        ),
        escalations=escalations,
        escalations_waiting=escalation.waiting_escalation_ids(escalations),
        is_handler=is_handler,
        can_decide=is_handler and decision is None and still_open,
        can_add_action=is_handler and decision is not None and still_open,
        can_publish=access.can_publish(actor, submission)
        and decision is not None
        and publication is None,
        decided_by=(decision.signed_as or "") if decision else "",
    )
