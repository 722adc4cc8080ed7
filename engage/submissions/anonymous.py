"""Following up an anonymous submission with its private follow-up code and passphrase.

Nothing here knows or records who is asking. The follow-up code is not the public reference
shown on /ideas and to handlers: it was shown once, to the submitter, and only its digest is
kept. Failed tries are counted per code and per client outside the database (engage.throttle)
and slow further tries down; an unknown code, a wrong passphrase and a slowed-down try get the
same answer after the same work, so nobody can learn whether a code exists.
"""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select

from engage.accounts.passwords import verify_password
from engage.errors import ValidationFailed
from engage.extensions import db
from engage.submissions.models import Message, Submission
from engage.submissions.references import followup_digest
from engage.submissions.services import add_message
from engage.throttle import count, within

NO_MATCH = (
    "The follow-up code and passphrase do not match, or there have been too many tries. "
    "Check them, and if you are sure they are right, try again in 15 minutes."
)
CODE_LIMITS = "ANONYMOUS_CODE_LIMITS"
CLIENT_LIMITS = "ANONYMOUS_CLIENT_LIMITS"


class AccessRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _session_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_case(code: str, passphrase: str, client: str) -> tuple[Submission, str]:
    """The anonymous submission for this follow-up code and passphrase, with a new session
    token for the browser (any earlier session on it ends), or AccessRefused.

    `client` is engage.throttle.client_key of the request's address."""
    digest = followup_digest(code)
    allowed = within(CODE_LIMITS, "followup-code", digest) and within(
        CLIENT_LIMITS, "followup-client", client
    )
    submission: Submission | None = None
    if allowed:
        submission = db.session.scalar(
            select(Submission).where(Submission.followup_digest == digest, Submission.is_anonymous)
        )
    # The same argon2 work whether or not the code exists or the try was allowed: no timing
    # difference tells them apart.
    matched = verify_password(submission.passphrase_hash if submission else None, passphrase)
    if submission is None or not matched:
        count(CODE_LIMITS, "followup-code", digest)
        count(CLIENT_LIMITS, "followup-client", client)
        raise AccessRefused(NO_MATCH)
    token = secrets.token_urlsafe(32)
    submission.check_session_digest = _session_digest(token)
    db.session.commit()
    return submission, token


def case_for_session(submission_id: int, token: str) -> Submission | None:
    """The case a browser unlocked earlier, if that session has not been ended since (the
    view checks the session's expiry)."""
    submission = db.session.get(Submission, submission_id)
    if submission is None or not submission.is_anonymous:
        return None
    stored = submission.check_session_digest
    if stored is None or not secrets.compare_digest(stored, _session_digest(token)):
        return None
    return submission


def end_session(submission_id: int, token: str) -> None:
    """ "Finish": the session ends here and now, so a copy of the cookie is worth nothing."""
    submission = case_for_session(submission_id, token)
    if submission is not None:
        submission.check_session_digest = None
        db.session.commit()


def anonymous_reply(submission: Submission, body: str) -> Message:
    """A message from the anonymous submitter. No audit event: the message itself, dated and
    without an author, is the record, and an event would be one more row to place in time."""
    if submission.status_enum.is_ending:
        raise ValidationFailed("This is closed, so no more messages can be added", "body")
    message = add_message(submission, None, "submitter", body)
    db.session.commit()
    return message
