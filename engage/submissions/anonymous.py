"""Following up an anonymous submission with its reference code and passphrase.

Nothing here knows or records who is asking: failed attempts are counted on the submission
itself (not by person or address), and a run of failures locks that reference for a while so
that passphrases cannot be guessed.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from engage.accounts.passwords import verify_password
from engage.audit.services import record
from engage.counters import increment
from engage.errors import ValidationFailed
from engage.extensions import db
from engage.submissions.models import Message, SpeakUpMode, Submission
from engage.submissions.references import normalise_reference
from engage.submissions.services import add_message
from engage.timeutil import utcnow

NO_MATCH = (
    "The reference code and passphrase do not match. Check them and try again: codes look "
    "like CN-7KQ4-M2XD."
)


class AccessRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def open_case(reference: str, passphrase: str) -> Submission:
    """The anonymous submission for this code and passphrase, or AccessRefused."""
    code = normalise_reference(reference)
    submission: Submission | None = db.session.scalar(
        select(Submission).where(
            Submission.reference == code, Submission.mode == SpeakUpMode.ANONYMOUS.value
        )
    )
    if submission is None:
        verify_password(None, passphrase)  # same work as a real check: no timing oracle
        raise AccessRefused(NO_MATCH)
    now = utcnow()
    locked_until = submission.passphrase_locked_until
    if locked_until is not None and locked_until > now:
        raise AccessRefused(
            "There have been too many attempts for this reference code. Try again in "
            f"{current_app.config['ANONYMOUS_LOCK_MINUTES']} minutes."
        )
    if not verify_password(submission.passphrase_hash, passphrase):
        failures = increment(submission, Submission.failed_passphrases)
        if failures >= current_app.config["ANONYMOUS_MAX_ATTEMPTS"]:
            minutes = current_app.config["ANONYMOUS_LOCK_MINUTES"]
            submission.passphrase_locked_until = now + timedelta(minutes=minutes)
            submission.failed_passphrases = 0
        db.session.commit()
        raise AccessRefused(NO_MATCH)
    if submission.failed_passphrases:
        submission.failed_passphrases = 0
        db.session.commit()
    return submission


def case_for_session(submission_id: int) -> Submission | None:
    """The case a browser session unlocked earlier (the view checks the session's expiry)."""
    submission = db.session.get(Submission, submission_id)
    if submission is None or submission.mode_enum is not SpeakUpMode.ANONYMOUS:
        return None
    return submission


def anonymous_reply(submission: Submission, body: str) -> Message:
    if submission.status_enum.is_ending:
        raise ValidationFailed("This is closed, so no more messages can be added", "body")
    message = add_message(submission, None, "submitter", body)
    record(
        None, "message.submitter", submission, f"Message on {submission.reference}", anonymous=True
    )
    db.session.commit()
    return message
