"""Decisions and publication: the "we did" answer to what staff said.

Each public function takes the acting user, checks they handle the submission, records the
change in the audit log, tells the people who should know (never with the content in an
email), and commits once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from engage.accounts.models import User
from engage.audit.services import record
from engage.errors import PermissionDenied, ValidationFailed
from engage.extensions import db, get_by_id
from engage.mail.services import send_mail
from engage.responses.clocks import ClockRules
from engage.responses.models import SUMMARY_MAX, Action, Decision, Outcome, Publication
from engage.submissions import access
from engage.submissions.models import Status, Submission, Support
from engage.submissions.services import (
    add_message,
    mail_reference,
    notify_submitter,
    set_status,
)
from engage.timeutil import london_day, london_today, utcnow

RESPONSE_MAX = 3000
QUOTE_WORDS = 6  # this many words in a row from the submitter's text counts as quoting it


def clock_rules() -> ClockRules:
    config = current_app.config
    return ClockRules(
        acknowledge_working_days=config["ACKNOWLEDGE_WORKING_DAYS"],
        decision_days=config["DECISION_DAYS"],
        escalate_to_directorate_after=config["ESCALATE_TO_DIRECTORATE_AFTER"],
        escalate_to_guardian_after=config["ESCALATE_TO_GUARDIAN_AFTER"],
    )


def handled_submission(actor: User, submission_id: int) -> Submission:
    submission = access.get_visible(actor, submission_id)
    if not access.can_handle(actor, submission):
        raise PermissionDenied("Only the people handling this can record decisions and actions.")
    return submission


def publishable_submission(actor: User, submission_id: int) -> Submission:
    submission = access.get_visible(actor, submission_id)
    if not access.can_publish(actor, submission):
        raise PermissionDenied("Only the people handling this can publish its outcome.")
    return submission


def require_open(submission: Submission) -> None:
    if submission.status_enum in (Status.CLOSED, Status.MERGED):
        raise ValidationFailed(
            f"This is {submission.status_enum.label.lower()}, so it can no longer be changed", None
        )


def decision_for(submission_id: int) -> Decision | None:
    found: Decision | None = db.session.scalar(
        select(Decision).where(Decision.submission_id == submission_id)
    )
    return found


@dataclass(frozen=True)
class DecisionDetails:
    outcome: Outcome
    response: str
    reason: str = ""
    existing_action_id: int | None = None


def decide(actor: User, submission_id: int, details: DecisionDetails) -> Decision:
    submission = handled_submission(actor, submission_id)
    require_open(submission)
    if submission.status_enum is Status.NOT_TAKEN_FORWARD:
        raise ValidationFailed("This was not taken forward, so it can no longer be changed", None)
    if decision_for(submission.id) is not None:
        raise ValidationFailed("A decision has already been made on this", "outcome")
    response = details.response.strip()
    if not response:
        raise ValidationFailed("Write your response to the person who raised it", "response")
    if len(response) > RESPONSE_MAX:
        raise ValidationFailed(f"Response must be {RESPONSE_MAX} characters or fewer", "response")
    reason = details.reason.strip() or None
    if details.outcome is Outcome.NOT_TAKEN_FORWARD and not reason:
        raise ValidationFailed("Give the reason it is not being taken forward", "reason")
    existing = None
    if details.outcome is Outcome.ALREADY_IN_HAND:
        existing = get_by_id(Action, details.existing_action_id)
        if existing is None or not access.can_handle(actor, existing.submission):
            raise ValidationFailed(
                "Select the action that already covers this", "existing_action_id"
            )
    now = utcnow()
    decision = Decision(
        submission_id=submission.id,
        outcome=details.outcome.value,
        response=response,
        reason=reason,
        existing_action_id=existing.id if existing else None,
        decided_by_id=actor.id,
        decided_on=london_day(now),
        decided_at=now,
    )
    db.session.add(decision)
    refused = details.outcome is Outcome.NOT_TAKEN_FORWARD
    set_status(actor, submission, Status.NOT_TAKEN_FORWARD if refused else Status.DECISION_MADE)
    told = f"{response}\n\nReason: {reason}" if refused else response
    message = add_message(
        submission, actor, "handler", f"Decision: {details.outcome.label}.\n\n{told}"
    )
    decision.signed_as = message.signed_as  # signed once, as the message telling of it is
    record(
        actor,
        "decision.made",
        submission,
        f"{submission.reference}: {details.outcome.label}",
        detail={"outcome": details.outcome.value, "existing_action": decision.existing_action_id},
    )
    notify_submitter(submission)
    db.session.commit()
    return decision


def quotes_submitter(original: str, summary: str) -> bool:
    words = re.findall(r"\w+", original.lower())
    text = " ".join(re.findall(r"\w+", summary.lower()))
    return any(
        " ".join(words[i : i + QUOTE_WORDS]) in text for i in range(len(words) - QUOTE_WORDS + 1)
    )


@dataclass(frozen=True)
class PublicationDetails:
    you_said: str
    we_did: str
    submitter_agreed: bool = False


def publish_refusal(submission_id: int) -> str | None:
    """Why the outcome cannot be published yet, or again; None when it can. The publish page
    asks before it shows its form, and publish() before it writes."""
    if decision_for(submission_id) is None:
        return "Record a decision before publishing the outcome"
    if db.session.scalar(select(Publication.id).where(Publication.submission_id == submission_id)):
        return "The outcome has already been published"
    return None


def publish(actor: User, submission_id: int, details: PublicationDetails) -> Publication:
    submission = publishable_submission(actor, submission_id)
    if refusal := publish_refusal(submission.id):
        raise ValidationFailed(refusal, None)
    you_said, we_did = details.you_said.strip(), details.we_did.strip()
    for field, text, label in (
        ("you_said", you_said, "what was raised"),
        ("we_did", we_did, "what changed"),
    ):
        if not text:
            raise ValidationFailed(f"Summarise {label}", field)
        if len(text) > SUMMARY_MAX:
            raise ValidationFailed(f"Keep it to {SUMMARY_MAX} characters or fewer", field)
    if submission.hides_submitter and not details.submitter_agreed:
        original = f"{submission.title} {submission.description}"
        if quotes_submitter(original, you_said) or quotes_submitter(original, we_did):
            raise ValidationFailed(
                "This was raised confidentially or anonymously: use your own words, not theirs, "
                "unless they have agreed to be quoted",
                "you_said",
            )
    publication = Publication(
        submission_id=submission.id,
        unit_id=submission.unit_id,
        theme_id=submission.theme_id,
        you_said=you_said,
        we_did=we_did,
        published_on=london_today(),
        published_by_id=actor.id,
    )
    db.session.add(publication)
    db.session.flush()
    record(
        actor,
        "publication.published",
        submission,
        f"{submission.reference} published on the board",
        detail={"submitter_agreed": details.submitter_agreed},
    )
    notify_submitter(submission)
    _tell_supporters(submission)
    db.session.commit()
    return publication


def _tell_supporters(submission: Submission) -> None:
    supporters = db.session.scalars(
        select(User)
        .join(Support, Support.user_id == User.id)
        .where(Support.submission_id == submission.id, User.active.is_(True))
    )
    named, link = mail_reference(submission, "responses.boards")
    for supporter in supporters:
        send_mail(
            supporter.email,
            f"There is an update on an idea you supported{named}",
            "The outcome of an idea you supported has been published.\n\n"
            f"Sign in to engage to read it:\n{link}\n",
        )


def publication_for(submission_id: int) -> Publication | None:
    found: Publication | None = db.session.scalar(
        select(Publication).where(Publication.submission_id == submission_id)
    )
    return found
