"""Closing the loop: the two questions asked through the submission's conversation.

On closure the person is asked "Given your experience, would you speak up again?"; some months
later (FTSU_DETRIMENT_QUESTION_MONTHS, the scheduler) "Have you experienced any detriment as a
result of speaking up?". They answer on their submission's page, or at /check when they spoke
up anonymously; the answer is kept on the case and counted in the quarterly return.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import select, update

from engage.accounts.models import User
from engage.audit.services import record
from engage.errors import PermissionDenied, ValidationFailed
from engage.extensions import db
from engage.guardian.models import (
    DETRIMENT_LABELS,
    SPEAK_UP_AGAIN_LABELS,
    DetrimentAnswer,
    GuardianCase,
    SpeakUpAgain,
)
from engage.submissions import access
from engage.submissions.models import SpeakUpMode, Submission
from engage.submissions.queries import unanswered_among
from engage.submissions.services import add_message, conceals_submitter, notify_submitter
from engage.timeutil import utcnow

SPEAK_UP_AGAIN = "speak_up_again"
DETRIMENT = "detriment"
QUESTIONS = {
    SPEAK_UP_AGAIN: "Given your experience, would you speak up again?",
    DETRIMENT: "Have you experienced any detriment as a result of speaking up?",
}
ANSWERS: dict[str, dict[str, str]] = {
    SPEAK_UP_AGAIN: {answer.value: label for answer, label in SPEAK_UP_AGAIN_LABELS.items()},
    DETRIMENT: {answer.value: label for answer, label in DETRIMENT_LABELS.items()},
}
HOW_TO_ANSWER = " You can answer with the buttons on this page. Thank you for speaking up."


@dataclass(frozen=True)
class Question:
    key: str
    text: str
    answers: dict[str, str]


def detriment_question_due(closed_on: date) -> date:
    months = int(current_app.config["FTSU_DETRIMENT_QUESTION_MONTHS"])
    return add_months(closed_on, months)


def add_months(day: date, months: int) -> date:
    """The same day so many months on, or the month's last day (31 May + 3 = 31 August,
    30 November + 3 = 28 February)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def ask_speak_up_again(actor: User | None, case: GuardianCase) -> bool:
    """Post the question in the conversation (the caller commits); False for a case raised
    outside engage, where the guardian asks in person and records the answer."""
    submission = case.submission
    if submission is None:
        return False
    add_message(submission, actor, "handler", QUESTIONS[SPEAK_UP_AGAIN] + HOW_TO_ANSWER)
    notify_submitter(submission)
    return True


def pending_questions(submission: Submission) -> list[Question]:
    """What the person who raised this has been asked and not yet answered."""
    case = db.session.scalar(
        select(GuardianCase).where(GuardianCase.submission_id == submission.id)
    )
    if case is None or not case.is_closed:
        return []
    pending = []
    if case.speak_up_again is None:
        pending.append(Question(SPEAK_UP_AGAIN, QUESTIONS[SPEAK_UP_AGAIN], ANSWERS[SPEAK_UP_AGAIN]))
    if case.detriment_asked_on is not None and case.detriment_answer is None:
        pending.append(Question(DETRIMENT, QUESTIONS[DETRIMENT], ANSWERS[DETRIMENT]))
    return pending


def answer_as_submitter(actor: User, submission_id: int, question: str, answer: str) -> None:
    submission = access.get_visible(actor, submission_id)
    if not access.is_submitter(actor, submission):
        raise PermissionDenied("Only the person who raised this can answer its questions.")
    _answer(actor, submission, question, answer)


def answer_anonymously(submission: Submission, question: str, answer: str) -> None:
    """From /check: the caller has unlocked this anonymous submission with its passphrase."""
    if submission.mode_enum is not SpeakUpMode.ANONYMOUS:
        raise PermissionDenied("Sign in to answer questions about this concern.")
    _answer(None, submission, question, answer)


def _answer(actor: User | None, submission: Submission, question: str, answer: str) -> None:
    pending = {q.key: q for q in pending_questions(submission)}
    if question not in QUESTIONS:
        raise ValidationFailed("Choose an answer", "answer")
    if question not in pending:
        raise ValidationFailed(
            "This question has already been answered, or was not asked", "answer"
        )
    if answer not in ANSWERS[question]:
        raise ValidationFailed("Choose one of the answers", "answer")
    case = db.session.scalar(
        select(GuardianCase).where(GuardianCase.submission_id == submission.id)
    )
    assert case is not None
    today = utcnow().date()
    if question == SPEAK_UP_AGAIN:
        case.speak_up_again, case.speak_up_again_on = SpeakUpAgain(answer).value, today
    else:
        case.detriment_answer, case.detriment_answer_on = DetrimentAnswer(answer).value, today
    # The answer asks for no reply, unless a message of theirs was already waiting for one.
    add_message(
        submission,
        actor,
        "submitter",
        f"{QUESTIONS[question]} {ANSWERS[question][answer]}",
        expects_reply=submission.id in unanswered_among([submission.id]),
    )
    record(
        actor,
        "guardian.feedback_answered",
        case,
        f"Feedback question answered on {case.reference}",
        anonymous=conceals_submitter(submission),
    )
    db.session.commit()


def send_due_detriment_questions(today: date) -> int:
    """Ask every closed case whose follow-up is due; each is claimed by a conditional UPDATE,
    so two runs (or two scheduler processes) ask once. Returns how many were asked."""
    due = db.session.scalars(
        select(GuardianCase.id).where(
            GuardianCase.detriment_question_due_on <= today,
            GuardianCase.detriment_asked_on.is_(None),
            GuardianCase.submission_id.is_not(None),
            GuardianCase.detriment_answer.is_(None),
        )
    ).all()
    asked = 0
    for case_id in due:
        claimed = db.session.execute(
            update(GuardianCase)
            .where(GuardianCase.id == case_id, GuardianCase.detriment_asked_on.is_(None))
            .values(detriment_asked_on=today)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            continue
        case = db.session.get(GuardianCase, case_id)
        assert case is not None and case.submission is not None
        db.session.refresh(case)
        add_message(case.submission, None, "handler", QUESTIONS[DETRIMENT] + HOW_TO_ANSWER)
        notify_submitter(case.submission)
        record(
            None, "guardian.detriment_asked", case, f"Detriment question asked on {case.reference}"
        )
        asked += 1
    db.session.commit()
    return asked
