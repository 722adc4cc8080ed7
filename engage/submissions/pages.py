"""What the submission page shows to a given viewer, gathered in one place."""

from __future__ import annotations

from dataclasses import dataclass

from engage.accounts.models import Role, User
from engage.submissions import access, services, social, workflow
from engage.submissions.models import (
    Comment,
    Kind,
    Message,
    Status,
    StatusChange,
    Submission,
)


@dataclass(frozen=True)
class SubmissionPage:
    submission: Submission
    submitter_name: str
    history: list[StatusChange]
    conversation: list[Message] | None  # None: this viewer is not part of the conversation
    is_handler: bool
    is_submitter: bool
    next_statuses: tuple[Status, ...]
    can_moderate: bool
    is_shared_idea: bool  # its supporters and comments are shown
    can_support: bool
    can_discuss: bool  # comment on it and report it
    supporters: int
    has_supported: bool
    comments: list[Comment]
    shows_submitter_times: bool = True


def shows_submitter_times(actor: User, submission: Submission) -> bool:
    """Whether this viewer sees the time of day on the submitter's messages. For a
    confidential item only the submitter and the guardian do: a leader handling it sees the
    day, which, unlike a time, cannot be set against a rota or a sign-in to name the person.
    (Anonymous submitters' messages keep no time at all.)"""
    return access.can_identify_submitter(actor, submission) or actor.has_role(Role.GUARDIAN)


def submission_page(actor: User, submission_id: int) -> SubmissionPage:
    submission = access.get_visible(actor, submission_id)
    is_handler = access.can_handle(actor, submission)
    converses = services.may_converse(actor, submission)
    is_idea = submission.kind_enum is Kind.IDEA and not submission.is_hidden
    moderates = access.can_moderate(actor, submission)
    conversation = services.conversation(submission) if converses else None
    return SubmissionPage(
        submission=submission,
        submitter_name=access.submitter_name_for(actor, submission),
        history=services.history(submission),
        conversation=conversation,
        is_handler=is_handler,
        is_submitter=access.is_submitter(actor, submission),
        next_statuses=workflow.next_statuses(submission) if is_handler else (),
        can_moderate=moderates,
        is_shared_idea=is_idea,
        can_support=access.can_support(actor, submission),
        can_discuss=access.can_discuss(actor, submission),
        supporters=social.supporter_count(submission.id) if is_idea else 0,
        has_supported=social.has_supported(actor, submission.id) if is_idea else False,
        comments=(
            social.comments(submission, include_hidden=moderates, viewer=actor) if is_idea else []
        ),
        shows_submitter_times=shows_submitter_times(actor, submission),
    )
